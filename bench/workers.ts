// The --worker-processes part of `make bench`: the same create, get and list work against a
// server of 1 worker and one of 2 (or BENCH_WORKERS=1,2,4) on one etcd, and each worker's memory.
// Alone: `node dist/bench/workers.js` (starts its own etcd). The client, every worker and etcd
// share the machine, so the gain shows only what is left of the cores they all compete for.
import { randomBytes, randomInt } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startEtcd, type EtcdHandle } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { pinnedToEach } from '../test/helpers/workers.js';
import { ApiClient } from './api-client.js';
import { runCount, runFor, type Rate } from './pool.js';

const CONCURRENCY = 64;
const LIST_CONCURRENCY = 8;
const LIST_SIZE = 1000;
const PAYLOAD = randomBytes(768).toString('base64');

export interface WorkersBenchOptions {
  etcd: EtcdHandle;
  /** The worker counts to compare, e.g. [1, 2]. */
  workers: number[];
  /** Objects created per run. */
  n: number;
  /** Length of each timed get and list run. */
  timedMs: number;
}

export interface WorkersRun {
  workers: number;
  create: Rate;
  get: Rate;
  list: Rate;
  /** process_resident_memory_bytes of each worker after the run. */
  rssBytes: number[];
}

const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;
const body = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: PAYLOAD } });

async function rssOf(api: ApiClient): Promise<number> {
  const m = /^process_resident_memory_bytes (\S+)$/m.exec((await api.expect(200, 'GET', '/metrics')).toString('utf8'));
  return m ? Number(m[1]) : 0;
}

async function oneRun(etcd: EtcdHandle, workers: number, n: number, timedMs: number): Promise<WorkersRun> {
  const server = await startTestServer([`--worker-processes=${workers}`], { etcd });
  const api = new ApiClient(server.kubeconfig, CONCURRENCY);
  try {
    // Every worker up before anything is timed, or the first seconds go to one of them.
    const pinned = await pinnedToEach(server, workers);
    for (const p of pinned) p.api.close();
    const ns = `bench-workers-${workers}`;
    const coll = (suffix: string) => `/api/v1/namespaces/${ns}${suffix}/configmaps`;
    for (const suffix of ['', '-list']) {
      await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns + suffix } }));
    }
    // Warm every connection (and so every worker's JIT) first.
    await api.expect(201, 'POST', coll(''), body('warm'));
    await runCount(CONCURRENCY, 1000, async () => { await api.expect(200, 'GET', `${coll('')}/warm`); });
    const create = await runCount(CONCURRENCY, n, async i => { await api.expect(201, 'POST', coll(''), body(nameOf(i))); });
    const get = await runFor(CONCURRENCY, timedMs, async () => { await api.expect(200, 'GET', `${coll('')}/${nameOf(randomInt(n))}`); });
    await runCount(CONCURRENCY, LIST_SIZE, async i => { await api.expect(201, 'POST', coll('-list'), body(nameOf(i))); });
    const list = await runFor(LIST_CONCURRENCY, timedMs, async () => { await api.expect(200, 'GET', coll('-list')); });
    const after = await pinnedToEach(server, workers);
    const rssBytes = await Promise.all(after.map(p => rssOf(p.api)));
    for (const p of after) p.api.close();
    process.stderr.write(`  ${workers} worker(s): create ${create.perSecond.toFixed(0)}/s, get ${get.perSecond.toFixed(0)}/s, list ${list.perSecond.toFixed(1)}/s\n`);
    return { workers, create, get, list, rssBytes };
  } catch (e) {
    process.stderr.write(`--- server log tail ---\n${server.logs().slice(-3000)}\n`);
    throw e;
  } finally {
    api.close();
    await server.stop();
  }
}

export async function workersBench(opts: WorkersBenchOptions): Promise<WorkersRun[]> {
  const runs: WorkersRun[] = [];
  for (const w of opts.workers) runs.push(await oneRun(opts.etcd, w, opts.n, opts.timedMs));
  return runs;
}

/** A table of ops/s (and the ratio to the first run) plus each worker's RSS. */
export function formatWorkers(runs: WorkersRun[]): string {
  const base = runs[0];
  if (!base) return '';
  const cell = (r: Rate, b: Rate) => `${r.perSecond.toFixed(r.perSecond < 100 ? 1 : 0)}/s (x${(r.perSecond / b.perSecond).toFixed(2)}, p99 ${r.p99Ms.toFixed(0)} ms)`;
  const lines = [
    '--worker-processes: ops/s (ratio to the first column, p99 latency)',
    `| | ${runs.map(r => `${r.workers} worker(s)`).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    `| create, ${base.create.ops}, ${CONCURRENCY} in flight | ${runs.map(r => cell(r.create, base.create)).join(' | ')} |`,
    `| get (random object), ${CONCURRENCY} in flight | ${runs.map(r => cell(r.get, base.get)).join(' | ')} |`,
    `| list of ${LIST_SIZE}, ${LIST_CONCURRENCY} in flight | ${runs.map(r => cell(r.list, base.list)).join(' | ')} |`,
    `| RSS per worker after the run | ${runs.map(r => r.rssBytes.map(b => `${(b / 1024 / 1024).toFixed(0)} MiB`).join(', ')).join(' | ')} |`,
  ];
  return lines.join('\n');
}

/** BENCH_WORKERS: comma-separated worker counts (default 1,2); empty skips this part. */
export function workerCountsFromEnv(env: NodeJS.ProcessEnv = process.env): number[] {
  const v = env['BENCH_WORKERS'] ?? '1,2';
  return v.split(',').map(s => s.trim()).filter(Boolean).map(s => {
    if (!/^[1-9]\d*$/.test(s)) throw new Error(`BENCH_WORKERS must list positive integers, got ${JSON.stringify(v)}`);
    return Number(s);
  });
}

async function main(): Promise<void> {
  const etcd = await startEtcd();
  try {
    const n = Number(process.env['BENCH_N'] ?? 2000);
    const timedMs = Number(process.env['BENCH_SECONDS'] ?? 5) * 1000;
    console.log(formatWorkers(await workersBench({ etcd, workers: workerCountsFromEnv(), n, timedMs })));
  } finally {
    await etcd.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

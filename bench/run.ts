// `make bench`: the real server process and the bare etcd3 client, on ONE real etcd, and the server
// on its embedded sqlite file, doing the same work: create, get, list of 1,000 and watch delivery
// of ~1 KiB ConfigMaps, one after the other. Prints one table and the start-up times.
// BENCH_N (objects created; default 2000) and BENCH_SECONDS (per timed get/list run; default 5)
// size it; the defaults keep a run near a minute on a 2-core machine. BENCH_SERVER_ARGS adds server flags;
// BENCH_WORKERS (default 1,2; empty skips) the --worker-processes counts compared at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDevPki } from '../src/testing/dev-pki.js';
import { startApiServer } from '../src/testing/start-test-server.js';
import { startEtcd, type EtcdHandle } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { RawEtcd } from './raw-etcd.js';
import { mib, memorySample } from './server-memory.js';
import { rawPhases, rows, serverPhases, withTimeout, type ServerRun } from './server-rows.js';
import { formatTable, type Row } from './report.js';
import { codecBench, formatCodec } from './codec.js';
import { formatWorst, worstRequestBench } from './worst-requests.js';
import { crdBench, formatCrd } from './crd.js';
import { apfBench, formatApf } from './apf.js';
import { formatWorkers, workerCountsFromEnv, workersBench } from './workers.js';
import { cacheBench, formatCache } from './cache-reads.js';

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

const N = intEnv('BENCH_N', 2000);
const TIMED_MS = intEnv('BENCH_SECONDS', 5) * 1000;
const SIZES = { n: N, timedMs: TIMED_MS };
/** Sockets of the client's pool: the rows run 64 in flight. */
const CONCURRENCY = 64;
/** The whole run, setup included, gives up after this long. */
const RUN_LIMIT_MS = 6 * 60_000;

/**
 * Seconds from launching the server process to its first 200 from /readyz, on an empty store
 * (the PKI is made beforehand, so key generation is not counted).
 */
async function startupSeconds(etcd?: EtcdHandle): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    await writeDevPki(join(dataDir, 'pki'));
    const store = etcd
      // A prefix of its own, so etcd's side starts as empty as the new sqlite file.
      ? { etcd: { servers: [etcd.endpoint], caFile: etcd.caFile, certFile: etcd.certFile, keyFile: etcd.keyFile }, flags: ['--etcd-prefix=/bench-startup'] }
      : {};
    const t0 = performance.now();
    const api = await startApiServer({ dataDir, ...store });
    const seconds = (performance.now() - t0) / 1000;
    await api.stop();
    return seconds;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  process.stderr.write('bench: starting etcd and kube-apiserver...\n');
  const etcd = await startEtcd();
  // BENCH_SERVER_ARGS: extra kube-apiserver flags, e.g. '--watch-cache=false' to compare.
  const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  // BENCH_SQLITE=0 leaves out the embedded backend's column.
  const withSqlite = process.env.BENCH_SQLITE !== '0';
  const raw = new RawEtcd(etcd);
  const onServer = async (storage: 'etcd3' | 'sqlite', label: string): Promise<ServerRun> => {
    const server = await startTestServer(serverArgs, storage === 'etcd3' ? { etcd } : { storage });
    const api = new ApiClient(server.kubeconfig, CONCURRENCY);
    try {
      const run = await serverPhases(api, label, SIZES);
      if (storage !== 'etcd3') return run;
      // On the etcd server: custom resources beside ConfigMaps, the watch cache rows, then the worst single requests.
      const crd = formatCrd(await crdBench(api, { n: Math.min(N, 1000), timedMs: TIMED_MS, rss: async () => (await memorySample(api)).rssBytes }));
      const cache = formatCache(await cacheBench(api, server.kubeconfig, TIMED_MS));
      return { ...run, extra: `${crd}\n\n${cache}\n\n${formatWorst(await worstRequestBench(server))}` };
    } catch (e) {
      process.stderr.write(`--- ${label} server log tail ---\n${server.logs().slice(-3000)}\n`);
      throw e;
    } finally {
      api.close();
      await server.stop();
    }
  };
  try {
    const etcdVersion = await raw.version();
    const { ours, rawRates, sqlite, startup } = await withTimeout((async () => {
      const rawRates = await rawPhases(raw, SIZES);
      const ours = await onServer('etcd3', 'etcd');
      const sqlite = withSqlite ? await onServer('sqlite', 'sqlite') : undefined;
      const startup = { etcd: await startupSeconds(etcd), sqlite: withSqlite ? await startupSeconds() : undefined };
      return { ours, rawRates, sqlite, startup };
    })(), RUN_LIMIT_MS, 'the run');
    const table: Row[] = rows(SIZES).map((r, i) => ({ ...r, ours: ours.rates[i]!, raw: rawRates[i]!, ...(sqlite ? { sqlite: sqlite.rates[i]! } : {}) }));
    console.log(`kube-apiserver-ts bench, ${new Date().toISOString()}`);
    console.log(`N=${N} objects (~1 KiB each) per create/watch run; get and list run ${TIMED_MS / 1000} s each; node ${process.version}; etcd ${etcdVersion}`);
    console.log('ours = HTTPS to the server on etcd (keep-alive, client cert); raw = the etcd3 client on the same etcd; sqlite = the server on its embedded sqlite file\n');
    console.log(formatTable(table));
    console.log(`\n${formatCodec(codecBench())}`);
    if (ours.extra) console.log(`\n${ours.extra}`);
    console.log(`\n${formatApf(await withTimeout(apfBench(etcd, TIMED_MS), RUN_LIMIT_MS, 'the APF bench'))}`);
    const rss = (r: ServerRun) => `${mib(r.rssIdle)} after startup, ${mib(r.rssAfter)} after the run`;
    console.log(`\nserver RSS (process_resident_memory_bytes) on etcd: ${rss(ours)}${sqlite ? `; on sqlite: ${rss(sqlite)}` : ''}`);
    for (const [name, r] of [['etcd', ours], ['sqlite', sqlite]] as const) {
      if (r && r.rewatches > 0) console.log(`the ${name} server closed the benchmark's watch ${r.rewatches} times for falling behind; it re-watched from its last resourceVersion`);
    }
    console.log(`start-up to /readyz on an empty store: etcd ${startup.etcd.toFixed(2)} s${startup.sqlite !== undefined ? `, sqlite ${startup.sqlite.toFixed(2)} s` : ''}`);
    const workerCounts = workerCountsFromEnv();
    if (workerCounts.length > 0) console.log(`\n${formatWorkers(await withTimeout(workersBench({ etcd, workers: workerCounts, n: N, timedMs: TIMED_MS }), RUN_LIMIT_MS, 'the workers bench'))}`);
    console.log(`total time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    raw.close();
    await etcd.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

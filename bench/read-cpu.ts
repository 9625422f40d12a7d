// `node dist/bench/read-cpu.js`: the read rows of issue 16 alone, with the server's own CPU time per
// request beside the rate. On a shared machine the rate moves with other load; the CPU seconds the
// server process spends per request (process_cpu_seconds_total from its /metrics, read before and
// after each row) hardly do, so they are the measure to compare builds with.
// BENCH_SECONDS (default 5) per row; BENCH_ROWS (comma-separated row keys) picks rows;
// BENCH_SERVER_ARGS adds server flags.
import { randomBytes, randomInt } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { startEtcd } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { runCount, runFor, type Rate } from './pool.js';
import { RawEtcd } from './raw-etcd.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAYLOAD = randomBytes(768).toString('base64');
const GETS = 2000;
const SIZE = 2000;
/** BENCH_PROFILE=1: the server profiles each timed row (bench/cpu-profile-preload.ts must be in NODE_OPTIONS). */
const profile = process.env.BENCH_PROFILE === '1';
const body = (ns: string, name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { payload: PAYLOAD } });
const collection = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;

async function cpuSeconds(api: ApiClient): Promise<number> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const m = /^process_cpu_seconds_total ([0-9.e+-]+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no process_cpu_seconds_total');
  return Number(m[1]);
}

interface Row { key: string; name: string; concurrency: number; op: () => Promise<void> }

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const server = await startTestServer((process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean), { etcd });
  const api = new ApiClient(server.kubeconfig, 64);
  const raw = new RawEtcd(etcd);
  try {
    for (const ns of ['bench', 'bench-cache']) {
      await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    }
    await runCount(64, GETS, async i => { await api.expect(201, 'POST', collection('bench'), body('bench', nameOf(i))); });
    await runCount(64, SIZE, async i => { await api.expect(201, 'POST', collection('bench-cache'), body('bench-cache', nameOf(i), { sel: i % 10 === 0 ? 'yes' : 'no' })); });
    await runCount(64, GETS, i => raw.put(`/bench-raw/${nameOf(i)}`, body('bench', nameOf(i))));
    const list = (query: string, headers: Record<string, string> = {}) => async () => {
      const r = await api.request('GET', `${collection('bench-cache')}${query}`, undefined, headers);
      if (r.status !== 200) throw new Error(`list${query}: ${r.status}`);
      // A client decompresses what it asked to get compressed.
      if (r.headers['content-encoding'] === 'gzip') gunzipSync(r.body);
    };
    const rows: Row[] = [
      { key: 'raw-get', name: 'raw etcd get (etcd3 client)', concurrency: 64, op: async () => { await raw.get(`/bench-raw/${nameOf(randomInt(GETS))}`); } },
      { key: 'get', name: 'get (random object)', concurrency: 64, op: async () => { await api.expect(200, 'GET', `${collection('bench')}/${nameOf(randomInt(GETS))}`); } },
      { key: 'list-rv0', name: `list of ${SIZE} at resourceVersion=0`, concurrency: 8, op: list('?resourceVersion=0') },
      { key: 'list', name: `consistent list of ${SIZE}`, concurrency: 8, op: list('') },
      { key: 'list-label', name: `list by label (${SIZE / 10} of ${SIZE})`, concurrency: 8, op: list('?labelSelector=sel%3Dyes') },
      { key: 'list-gzip', name: `list of ${SIZE} at resourceVersion=0, gzip`, concurrency: 8, op: list('?resourceVersion=0', { 'Accept-Encoding': 'gzip' }) },
    ];
    const picked = (process.env.BENCH_ROWS ?? '').split(',').filter(Boolean);
    console.log(`read rows, ${new Date().toISOString()}, ${SECONDS} s each; load average at start ${(await import('node:os')).loadavg().map(l => l.toFixed(2)).join(' ')}`);
    console.log('| row | in flight | ops/s | p50 ms | p99 ms | server CPU ms/op |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      if (picked.length > 0 && !picked.includes(row.key)) continue;
      await runFor(row.concurrency, 1000, row.op);
      const before = await cpuSeconds(api);
      if (profile) server.signal('SIGUSR2');
      const rate: Rate = await runFor(row.concurrency, SECONDS * 1000, row.op);
      if (profile) server.signal('SIGUSR2');
      const cpu = row.key.startsWith('raw') ? NaN : ((await cpuSeconds(api)) - before) * 1000 / rate.ops;
      console.log(`| ${row.name} | ${row.concurrency} | ${rate.perSecond.toFixed(0)} | ${rate.p50Ms.toFixed(1)} | ${rate.p99Ms.toFixed(1)} | ${Number.isNaN(cpu) ? '-' : cpu.toFixed(3)} |`);
    }
  } finally {
    api.close();
    raw.close();
    await server.stop();
    await etcd.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

// The write path's cost in server CPU, which a shared machine's load hardly moves: the server's
// process_cpu_seconds_total before and after N creates of ~1 KiB ConfigMaps (64 in flight), then N
// merge patches of them, divided by N; beside each, the raw etcd puts of the same bytes through the
// same client for the wall-clock ratio. BENCH_N (default 2000) sizes it; BENCH_SERVER_ARGS adds
// server flags; BENCH_CPU_PROF=dir starts the server under `node --cpu-prof` writing there.
//   node dist/bench/write-cpu.js
import { randomBytes } from 'node:crypto';
import { startEtcd } from '../test/helpers/etcd.js';
import { startApiServer } from '../src/testing/start-test-server.js';
import { ApiClient } from './api-client.js';
import { runCount, type Rate } from './pool.js';
import { RawEtcd } from './raw-etcd.js';

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = 64;
const PAYLOAD = randomBytes(768).toString('base64');
const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;
const configMapJson = (name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'bench' }, data: { payload: PAYLOAD } });
const collection = '/api/v1/namespaces/bench/configmaps';

async function cpuSeconds(api: ApiClient): Promise<number> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const m = /^process_cpu_seconds_total ([0-9.e+]+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no process_cpu_seconds_total');
  return Number(m[1]);
}

interface Row { name: string; rate: Rate; cpuMsPerOp?: number }

async function main(): Promise<void> {
  const etcd = await startEtcd();
  const raw = new RawEtcd(etcd);
  const profDir = process.env.BENCH_CPU_PROF;
  const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  const server = await startApiServer({
    etcd: { servers: [etcd.endpoint], caFile: etcd.caFile, certFile: etcd.certFile, keyFile: etcd.keyFile },
    flags: serverArgs,
    ...(profDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
  });
  const api = new ApiClient(server.kubeconfigPath, CONCURRENCY);
  const rows: Row[] = [];
  try {
    await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }));
    // Warm-up: connections, the JIT, and the raw side's client.
    await runCount(CONCURRENCY, 500, async i => { await api.expect(201, 'POST', collection, configMapJson(`warm-${i}`)); });
    await runCount(CONCURRENCY, 500, i => raw.put(`/bench-raw/warm-${i}`, configMapJson(`warm-${i}`)));
    rows.push({ name: 'raw etcd put', rate: await runCount(CONCURRENCY, N, i => raw.put(`/bench-raw/${nameOf(i)}`, configMapJson(nameOf(i)))) });
    const timed = async (name: string, op: (i: number) => Promise<void>) => {
      const before = await cpuSeconds(api);
      const rate = await runCount(CONCURRENCY, N, op);
      const after = await cpuSeconds(api);
      rows.push({ name, rate, cpuMsPerOp: ((after - before) * 1000) / N });
    };
    await timed('create (POST)', async i => { await api.expect(201, 'POST', collection, configMapJson(nameOf(i))); });
    const patch = (i: number) => JSON.stringify({ data: { patched: String(i) } });
    await api.request('GET', '/'); // keeps the two timed runs apart in a profile
    await timed('merge patch', async i => {
      const r = await api.request('PATCH', `${collection}/${nameOf(i)}`, patch(i), { 'Content-Type': 'application/merge-patch+json' });
      if (r.status !== 200) throw new Error(`PATCH ${nameOf(i)}: ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
    });
  } finally {
    api.close();
    raw.close();
    await server.stop();
    await etcd.stop();
  }
  const rawRate = rows[0]!.rate.perSecond;
  console.log(`write path, N=${N}, ${CONCURRENCY} in flight, node ${process.version}`);
  console.log('| run | ops/s | vs raw put | p50 / p99 ms | server CPU ms per op |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const cpu = r.cpuMsPerOp === undefined ? '' : r.cpuMsPerOp.toFixed(3);
    console.log(`| ${r.name} | ${r.rate.perSecond.toFixed(0)} | ${(r.rate.perSecond / rawRate).toFixed(2)} | ${r.rate.p50Ms.toFixed(1)} / ${r.rate.p99Ms.toFixed(1)} | ${cpu} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

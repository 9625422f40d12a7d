// `make bench`: the real server process and the bare etcd3 client, on ONE real etcd, and the server
// on its embedded sqlite file, doing the same work: create, get, list of 1,000 and watch delivery
// of ~1 KiB ConfigMaps, one after the other. Prints one table and the start-up times.
// BENCH_N (objects created; default 2000) and BENCH_SECONDS (per timed get/list run; default 5)
// size it; the defaults keep a run near a minute on a 2-core machine. BENCH_SERVER_ARGS adds server flags;
// BENCH_WORKERS (default 1,2; empty skips) the --worker-processes counts compared at the end.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDevPki } from '../src/testing/dev-pki.js';
import { startApiServer } from '../src/testing/start-test-server.js';
import { startEtcd, type EtcdHandle } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient, type WatchStream } from './api-client.js';
import { runCount, runFor, type Rate } from './pool.js';
import { RawEtcd } from './raw-etcd.js';
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
const CONCURRENCY = 64;
const LIST_SIZE = 1000;
/** Lists in flight: each answer is ~1.2 MB, so fewer than for single objects. */
const LIST_CONCURRENCY = 8;
/** The whole run, setup included, gives up after this long. */
const RUN_LIMIT_MS = 6 * 60_000;

// ~1 KiB of data per object, the same bytes for ours and for raw etcd.
const PAYLOAD = randomBytes(768).toString('base64');
const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;
const configMapJson = (ns: string, name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { payload: PAYLOAD } });
const collection = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const rawPrefix = (ns: string) => `/bench-raw/configmaps/${ns}/`;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`bench: ${what} took over ${ms / 1000} s`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function rateOf(count: number, seconds: number, latenciesMs: number[]): Rate {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { ops: count, seconds, perSecond: count / seconds, p50Ms: at(50), p99Ms: at(99) };
}

/**
 * A writer creates `count` objects, 64 at a time, while one watcher takes the events. The rate is
 * events received per second from the writer's start to the last event; the latencies are from
 * the start of each write to the arrival of its event.
 */
async function measureWatch(
  count: number,
  openWatch: (onEvent: (name: string) => void, fail: (e: Error) => void) => Promise<() => void>,
  write: (name: string) => Promise<void>,
): Promise<Rate> {
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  let last = 0;
  let allSeen: () => void = () => {};
  let fail: (e: Error) => void = () => {};
  const done = new Promise<void>((res, rej) => { allSeen = res; fail = rej; });
  // Awaited below; this only keeps an early failure from counting as unhandled.
  done.catch(() => {});
  const close = await openWatch(name => {
    const sent = sentAt.get(name);
    if (sent === undefined) return;
    sentAt.delete(name);
    last = performance.now();
    lags.push(last - sent);
    if (lags.length === count) allSeen();
  }, fail);
  try {
    const t0 = performance.now();
    await withTimeout(Promise.all([
      runCount(CONCURRENCY, count, async i => {
        const name = nameOf(i);
        sentAt.set(name, performance.now());
        await write(name);
      }),
      done,
    ]), 120_000, `watch delivery of ${count} events`);
    return rateOf(count, (last - t0) / 1000, lags);
  } finally {
    close();
  }
}

async function rssBytes(api: ApiClient): Promise<number> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const m = /^process_resident_memory_bytes ([0-9.e+]+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no process_resident_memory_bytes');
  return Number(m[1]);
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

const ROWS = [
  { name: `create (POST / put), ${N}`, concurrency: CONCURRENCY },
  { name: 'get (random object)', concurrency: CONCURRENCY },
  { name: `list of ${LIST_SIZE}`, concurrency: LIST_CONCURRENCY },
  { name: `watch (events to 1 watcher), ${N}`, concurrency: 1 },
];

interface ServerRun { rates: Rate[]; rssIdle: number; rssAfter: number; rewatches: number; extra?: string }

/** The four rows against one API server, in ROWS order. */
async function serverPhases(api: ApiClient, label: string): Promise<ServerRun> {
  for (const ns of ['bench', 'bench-list', 'bench-watch']) {
    await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  }
  const rssIdle = await rssBytes(api);
  // Warm up connections and the JIT before timing anything.
  await api.expect(201, 'POST', collection('bench'), configMapJson('bench', 'warm'));
  await runCount(CONCURRENCY, 1000, async () => { await api.expect(200, 'GET', `${collection('bench')}/warm`); });
  const rates: Rate[] = [];
  const done = (rate: Rate) => {
    process.stderr.write(`  ${label} ${ROWS[rates.length]!.name}: ${rate.perSecond.toFixed(0)}/s\n`);
    rates.push(rate);
  };

  done(await runCount(CONCURRENCY, N, async i => { await api.expect(201, 'POST', collection('bench'), configMapJson('bench', nameOf(i))); }));
  done(await runFor(CONCURRENCY, TIMED_MS, async () => { await api.expect(200, 'GET', `${collection('bench')}/${nameOf(randomInt(N))}`); }));
  await runCount(CONCURRENCY, LIST_SIZE, async i => { await api.expect(201, 'POST', collection('bench-list'), configMapJson('bench-list', nameOf(i))); });
  const listed = JSON.parse((await api.expect(200, 'GET', collection('bench-list'))).toString('utf8')) as { items: unknown[] };
  if (listed.items.length !== LIST_SIZE) throw new Error(`${label} list size ${listed.items.length}, wanted ${LIST_SIZE}`);
  done(await runFor(LIST_CONCURRENCY, TIMED_MS, async () => { await api.expect(200, 'GET', collection('bench-list')); }));
  const watchRv = (JSON.parse((await api.expect(200, 'GET', collection('bench-watch'))).toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  let rewatches = 0;
  done(await measureWatch(N, async (onEvent, fail) => {
    // As a reflector: a watch the server closes (a watcher too far behind is closed, as upstream
    // does) is reopened from the last resourceVersion seen, and the rewatches are reported.
    let lastRv = watchRv;
    let closed = false;
    let stream: WatchStream | undefined;
    const open = async (): Promise<void> => {
      stream = await api.watch(`${collection('bench-watch')}?watch=true&resourceVersion=${lastRv}`, line => {
        const ev = JSON.parse(line) as { type: string; object: { metadata?: { name?: string; resourceVersion?: string }; message?: string } };
        if (ev.type === 'ERROR') fail(new Error(`watch ERROR event: ${ev.object.message}`));
        if (ev.type === 'ADDED') onEvent(ev.object.metadata?.name ?? '');
        lastRv = ev.object.metadata?.resourceVersion ?? lastRv;
      });
      void stream.ended.then(() => {
        if (closed) return;
        if (++rewatches > 20) fail(new Error('the server ended the watch over 20 times'));
        else open().catch(fail);
      });
    };
    await open();
    return () => { closed = true; stream?.close(); };
  }, async name => { await api.expect(201, 'POST', collection('bench-watch'), configMapJson('bench-watch', name)); }));
  if (rewatches > 0) process.stderr.write(`  ${label} watch: reopened ${rewatches} times\n`);
  return { rates, rssIdle, rssAfter: await rssBytes(api), rewatches };
}

/** The same four rows with the bare etcd3 client, in ROWS order. */
async function rawPhases(raw: RawEtcd): Promise<Rate[]> {
  await raw.put(`${rawPrefix('bench')}warm`, configMapJson('bench', 'warm'));
  await runCount(CONCURRENCY, 1000, async () => { await raw.get(`${rawPrefix('bench')}warm`); });
  const rates: Rate[] = [];
  rates.push(await runCount(CONCURRENCY, N, i => raw.put(rawPrefix('bench') + nameOf(i), configMapJson('bench', nameOf(i)))));
  rates.push(await runFor(CONCURRENCY, TIMED_MS, async () => { await raw.get(rawPrefix('bench') + nameOf(randomInt(N))); }));
  await runCount(CONCURRENCY, LIST_SIZE, i => raw.put(rawPrefix('bench-list') + nameOf(i), configMapJson('bench-list', nameOf(i))));
  const ranged = await raw.range(rawPrefix('bench-list'));
  if (ranged !== LIST_SIZE) throw new Error(`raw list size ${ranged}, wanted ${LIST_SIZE}`);
  rates.push(await runFor(LIST_CONCURRENCY, TIMED_MS, async () => { await raw.range(rawPrefix('bench-list')); }));
  rates.push(await measureWatch(N, async (onEvent, fail) => {
    const prefix = rawPrefix('bench-watch');
    const watcher = await raw.watchPrefix(prefix);
    watcher.on('error', fail);
    watcher.on('put', kv => {
      // Decoded as a client would use it, like the JSON lines of the HTTP watch.
      JSON.parse(kv.value.toString('utf8'));
      onEvent(kv.key.toString('utf8').slice(prefix.length));
    });
    return () => { void watcher.cancel(); };
  }, name => raw.put(rawPrefix('bench-watch') + name, configMapJson('bench-watch', name))));
  return rates;
}

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
      const run = await serverPhases(api, label);
      if (storage !== 'etcd3') return run;
      // On the etcd server: custom resources beside ConfigMaps, the watch cache rows, then the worst single requests.
      const crd = formatCrd(await crdBench(api, { n: Math.min(N, 1000), timedMs: TIMED_MS, rss: () => rssBytes(api) }));
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
      const rawRates = await rawPhases(raw);
      const ours = await onServer('etcd3', 'etcd');
      const sqlite = withSqlite ? await onServer('sqlite', 'sqlite') : undefined;
      const startup = { etcd: await startupSeconds(etcd), sqlite: withSqlite ? await startupSeconds() : undefined };
      return { ours, rawRates, sqlite, startup };
    })(), RUN_LIMIT_MS, 'the run');
    const rows: Row[] = ROWS.map((r, i) => ({ ...r, ours: ours.rates[i]!, raw: rawRates[i]!, ...(sqlite ? { sqlite: sqlite.rates[i]! } : {}) }));
    console.log(`kube-apiserver-ts bench, ${new Date().toISOString()}`);
    console.log(`N=${N} objects (~1 KiB each) per create/watch run; get and list run ${TIMED_MS / 1000} s each; node ${process.version}; etcd ${etcdVersion}`);
    console.log('ours = HTTPS to the server on etcd (keep-alive, client cert); raw = the etcd3 client on the same etcd; sqlite = the server on its embedded sqlite file\n');
    console.log(formatTable(rows));
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

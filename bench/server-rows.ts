// The four rows of `make bench` (create, get, list of 1,000, watch delivery of ~1 KiB ConfigMaps),
// against the API server and against the bare etcd3 client, shared by run.ts and memory.ts.
import { randomBytes, randomInt } from 'node:crypto';
import type { ApiClient, WatchStream } from './api-client.js';
import { runCount, runFor, type Rate } from './pool.js';
import type { RawEtcd } from './raw-etcd.js';
import { memorySample } from './server-memory.js';

const CONCURRENCY = 64;
const LIST_SIZE = 1000;
/** Lists in flight: each answer is ~1.2 MB, so fewer than for single objects. */
const LIST_CONCURRENCY = 8;

// ~1 KiB of data per object, the same bytes for ours and for raw etcd.
export const PAYLOAD = randomBytes(768).toString('base64');
export const nameOf = (i: number) => `cm-${String(i).padStart(6, '0')}`;
export const configMapJson = (ns: string, name: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { payload: PAYLOAD } });
export const collection = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const rawPrefix = (ns: string) => `/bench-raw/configmaps/${ns}/`;

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
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

/** Objects created per create/watch row, and the length of each timed get/list row. */
export interface RowSizes { n: number; timedMs: number }

/** The rows' names and clients in flight, in the order serverPhases and rawPhases return their rates. */
export const rows = ({ n }: RowSizes) => [
  { name: `create (POST / put), ${n}`, concurrency: CONCURRENCY },
  { name: 'get (random object)', concurrency: CONCURRENCY },
  { name: `list of ${LIST_SIZE}`, concurrency: LIST_CONCURRENCY },
  { name: `watch (events to 1 watcher), ${n}`, concurrency: 1 },
];

export interface ServerRun { rates: Rate[]; rssIdle: number; rssAfter: number; rewatches: number; extra?: string }

/** The four rows against one API server, in rows() order. */
export async function serverPhases(api: ApiClient, label: string, { n: N, timedMs: TIMED_MS }: RowSizes): Promise<ServerRun> {
  const names = rows({ n: N, timedMs: TIMED_MS });
  for (const ns of ['bench', 'bench-list', 'bench-watch']) {
    await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  }
  const rssIdle = (await memorySample(api)).rssBytes;
  // Warm up connections and the JIT before timing anything.
  await api.expect(201, 'POST', collection('bench'), configMapJson('bench', 'warm'));
  await runCount(CONCURRENCY, 1000, async () => { await api.expect(200, 'GET', `${collection('bench')}/warm`); });
  const rates: Rate[] = [];
  const done = (rate: Rate) => {
    process.stderr.write(`  ${label} ${names[rates.length]!.name}: ${rate.perSecond.toFixed(0)}/s\n`);
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
  return { rates, rssIdle, rssAfter: (await memorySample(api)).rssBytes, rewatches };
}

/** The same four rows with the bare etcd3 client, in rows() order. */
export async function rawPhases(raw: RawEtcd, { n: N, timedMs: TIMED_MS }: RowSizes): Promise<Rate[]> {
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

// The watch-cache rows of `make bench` (issue 16): lists of 2,000 ConfigMaps served from memory
// (resourceVersion=0, consistent, and by label selecting 200), fan-out of 50 events to 200
// watchers, and the create rate with 200 watchers open against none.
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ApiClient } from './api-client.js';
import type { WatchersJob, WatchersMessage } from './fanout-watchers.js';
import { runCount, runFor, type Rate } from './pool.js';

const SIZE = 2000;
const SELECTED_EVERY = 10;
const WATCHERS = 200;
const EVENTS = 50;
const CREATES = 500;
const CONCURRENCY = 64;
const LIST_CONCURRENCY = 8;
const PAYLOAD = randomBytes(768).toString('base64');

const collection = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const body = (ns: string, name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { payload: PAYLOAD } });

export interface CacheBenchResult {
  lists: { name: string; rate: Rate }[];
  /** Milliseconds from the first of the 50 writes to the last of the 50 × 200 events. */
  fanOutMs: number;
  /** Of which after the last write was answered: the delivery itself. */
  fanOutTailMs: number;
  /** From the first write until half the watchers had all 50. */
  fanOutMedianMs: number;
  createsAlone: Rate;
  createsWatched: Rate;
  /** Server CPU (process_cpu_seconds_total) in microseconds. */
  cpu: {
    perCreateUs: number;
    perWatchedCreateUs: number;
    /** The fan-out's CPU less its 50 creates' (at the unwatched rate), per event per watcher. */
    perEventWatcherUs: number;
  };
}

async function expectItems(api: ApiClient, path: string, n: number): Promise<void> {
  const items = (JSON.parse((await api.expect(200, 'GET', path)).toString('utf8')) as { items: unknown[] }).items;
  if (items.length !== n) throw new Error(`bench: ${path} has ${items.length} items, wanted ${n}`);
}

/** The server's CPU seconds so far (process_cpu_seconds_total from /metrics). */
async function serverCpuSeconds(api: ApiClient): Promise<number> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const m = /^process_cpu_seconds_total ([0-9.e+-]+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no process_cpu_seconds_total');
  return Number(m[1]);
}

interface WatcherThread {
  /** Per watcher, when its last expected event arrived (ms since the epoch). */
  delivered: Promise<number[]>;
  close(): Promise<void>;
}

/** Opens `count` watches of path on their own thread (bench/fanout-watchers.ts), each expecting `events` ADDED events. */
async function openWatcherThread(kubeconfig: string, path: string, count: number, events: number): Promise<WatcherThread> {
  const worker = new Worker(new URL('./fanout-watchers.js', import.meta.url), { workerData: { kubeconfig, path, count, events } satisfies WatchersJob });
  let open: () => void = () => {};
  let delivered: (at: number[]) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const opened = new Promise<void>((res, rej) => { open = res; fail = rej; });
  const done = new Promise<number[]>((res, rej) => {
    delivered = res;
    const failOpen = fail;
    fail = e => { failOpen(e); rej(e); };
  });
  // Awaited by the caller; this only keeps a failure before then from counting as unhandled.
  done.catch(() => {});
  worker.on('message', (m: WatchersMessage) => {
    if (m.type === 'open') open();
    else if (m.type === 'done') delivered(m.at);
    else fail(new Error(`bench watchers: ${m.error}`));
  });
  worker.on('error', fail);
  const exited = new Promise<void>(r => worker.once('exit', () => r()));
  await opened;
  return {
    delivered: done,
    close: async () => {
      worker.postMessage('close');
      await exited;
    },
  };
}

export async function cacheBench(api: ApiClient, kubeconfig: string, timedMs: number): Promise<CacheBenchResult> {
  const ns = 'bench-cache';
  await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  await runCount(CONCURRENCY, SIZE, async i => {
    const labels = i % SELECTED_EVERY === 0 ? { sel: 'yes' } : { sel: 'no' };
    await api.expect(201, 'POST', collection(ns), body(ns, `cm-${String(i).padStart(6, '0')}`, labels));
  });
  const paths = [
    { name: `list of ${SIZE} at resourceVersion=0`, path: `${collection(ns)}?resourceVersion=0`, n: SIZE },
    { name: `consistent list of ${SIZE}`, path: collection(ns), n: SIZE },
    { name: `list by label (${SIZE / SELECTED_EVERY} of ${SIZE})`, path: `${collection(ns)}?labelSelector=sel%3Dyes`, n: SIZE / SELECTED_EVERY },
  ];
  const lists: CacheBenchResult['lists'] = [];
  for (const p of paths) {
    await expectItems(api, p.path, p.n);
    lists.push({ name: p.name, rate: await runFor(LIST_CONCURRENCY, timedMs, async () => { await api.expect(200, 'GET', p.path); }) });
  }

  return { lists, ...await fanOutBench(api, kubeconfig, 'bench-fan') };
}

/** The fan-out rows, in a new namespace `fan`: creates alone, 50 events to 200 watchers, creates watched. */
export async function fanOutBench(api: ApiClient, kubeconfig: string, fan: string): Promise<Omit<CacheBenchResult, 'lists'>> {
  await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: fan } }));
  const aloneCpu = await serverCpuSeconds(api);
  const createsAlone = await runCount(CONCURRENCY, CREATES, async i => { await api.expect(201, 'POST', collection(fan), body(fan, `alone-${i}`)); });
  const cpuPerCreate = (await serverCpuSeconds(api) - aloneCpu) / CREATES;
  const rv = (JSON.parse((await api.expect(200, 'GET', collection(fan))).toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const watchers = await openWatcherThread(kubeconfig, `${collection(fan)}?watch=true&resourceVersion=${rv}`, WATCHERS, EVENTS);
  try {
    const fanCpu = await serverCpuSeconds(api);
    // Clocks as the watcher thread reads them: its performance.now() has another origin.
    const now = () => performance.timeOrigin + performance.now();
    const t0 = now();
    await Promise.all(Array.from({ length: EVENTS }, (_, i) => api.expect(201, 'POST', collection(fan), body(fan, `fan-${i}`))));
    const written = now();
    const at = (await watchers.delivered).sort((a, b) => a - b);
    const fanOutCpu = await serverCpuSeconds(api) - fanCpu;
    const last = at[at.length - 1]!;
    const watchedCpu = await serverCpuSeconds(api);
    const createsWatched = await runCount(CONCURRENCY, CREATES, async i => { await api.expect(201, 'POST', collection(fan), body(fan, `watched-${i}`)); });
    const cpuPerWatchedCreate = (await serverCpuSeconds(api) - watchedCpu) / CREATES;
    return {
      fanOutMs: last - t0,
      fanOutTailMs: Math.max(0, last - written),
      fanOutMedianMs: at[at.length >> 1]! - t0,
      createsAlone,
      createsWatched,
      cpu: {
        perCreateUs: cpuPerCreate * 1e6,
        perWatchedCreateUs: cpuPerWatchedCreate * 1e6,
        perEventWatcherUs: Math.max(0, fanOutCpu - EVENTS * cpuPerCreate) * 1e6 / (EVENTS * WATCHERS),
      },
    };
  } finally {
    await watchers.close();
  }
}

export function formatCache(r: CacheBenchResult): string {
  const lines = ['watch cache reads and fan-out (ConfigMaps, ours on etcd):', '| row | ops/s | p50 ms | p99 ms |', '|---|---:|---:|---:|'];
  for (const { name, rate } of r.lists) lines.push(`| ${name} | ${rate.perSecond.toFixed(0)} | ${rate.p50Ms.toFixed(1)} | ${rate.p99Ms.toFixed(1)} |`);
  lines.push(`| creates, no watchers (${CREATES}) | ${r.createsAlone.perSecond.toFixed(0)} | ${r.createsAlone.p50Ms.toFixed(1)} | ${r.createsAlone.p99Ms.toFixed(1)} |`);
  lines.push(`| creates, ${WATCHERS} watchers (${CREATES}) | ${r.createsWatched.perSecond.toFixed(0)} | ${r.createsWatched.p50Ms.toFixed(1)} | ${r.createsWatched.p99Ms.toFixed(1)} |`);
  lines.push('', `${EVENTS} events to ${WATCHERS} watchers delivered in ${r.fanOutMs.toFixed(0)} ms from the first write (${r.fanOutTailMs.toFixed(0)} ms after the last write was answered; half the watchers had all ${EVENTS} at ${r.fanOutMedianMs.toFixed(0)} ms); creates with ${WATCHERS} watchers / without: ${(r.createsWatched.perSecond / r.createsAlone.perSecond).toFixed(2)}`);
  lines.push(`server CPU: ${r.cpu.perCreateUs.toFixed(0)} µs per create without watchers, ${r.cpu.perWatchedCreateUs.toFixed(0)} µs with ${WATCHERS}; fan-out ${r.cpu.perEventWatcherUs.toFixed(1)} µs per event per watcher`);
  return lines.join('\n');
}

// The watch-cache rows of `make bench` (issue 16): lists of 2,000 ConfigMaps served from memory
// (resourceVersion=0, consistent, and by label selecting 200), fan-out of 50 events to 200
// watchers, and the create rate with 200 watchers open against none.
import { randomBytes } from 'node:crypto';
import type { ApiClient, WatchStream } from './api-client.js';
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
  createsAlone: Rate;
  createsWatched: Rate;
}

async function expectItems(api: ApiClient, path: string, n: number): Promise<void> {
  const items = (JSON.parse((await api.expect(200, 'GET', path)).toString('utf8')) as { items: unknown[] }).items;
  if (items.length !== n) throw new Error(`bench: ${path} has ${items.length} items, wanted ${n}`);
}

/** Opens `count` watches from rv; onAdded gets the watcher's index for each ADDED event. */
async function openWatchers(api: ApiClient, ns: string, rv: string, count: number, onAdded: (w: number) => void): Promise<WatchStream[]> {
  const path = `${collection(ns)}?watch=true&resourceVersion=${rv}`;
  const streams: WatchStream[] = [];
  // A few at a time: each is its own TLS connection.
  for (let i = 0; i < count; i += 20) {
    streams.push(...await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, j) => api.watch(path, line => {
      if ((JSON.parse(line) as { type: string }).type === 'ADDED') onAdded(i + j);
    }))));
  }
  return streams;
}

export async function cacheBench(api: ApiClient, timedMs: number): Promise<CacheBenchResult> {
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

  const fan = 'bench-fan';
  await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: fan } }));
  const createsAlone = await runCount(CONCURRENCY, CREATES, async i => { await api.expect(201, 'POST', collection(fan), body(fan, `alone-${i}`)); });
  const rv = (JSON.parse((await api.expect(200, 'GET', collection(fan))).toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const seen = new Array<number>(WATCHERS).fill(0);
  let total = 0;
  let target = 0;
  let reached: () => void = () => {};
  const streams = await openWatchers(api, fan, rv, WATCHERS, w => {
    seen[w]! += 1;
    if (++total === target) reached();
  });
  try {
    const delivered = new Promise<void>(r => { reached = r; });
    target = EVENTS * WATCHERS;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: EVENTS }, (_, i) => api.expect(201, 'POST', collection(fan), body(fan, `fan-${i}`))));
    const written = performance.now();
    await delivered;
    const fanOutMs = performance.now() - t0;
    const fanOutTailMs = performance.now() - written;
    const createsWatched = await runCount(CONCURRENCY, CREATES, async i => { await api.expect(201, 'POST', collection(fan), body(fan, `watched-${i}`)); });
    return { lists, fanOutMs, fanOutTailMs, createsAlone, createsWatched };
  } finally {
    for (const s of streams) s.close();
  }
}

export function formatCache(r: CacheBenchResult): string {
  const lines = ['watch cache reads and fan-out (ConfigMaps, ours on etcd):', '| row | ops/s | p50 ms | p99 ms |', '|---|---:|---:|---:|'];
  for (const { name, rate } of r.lists) lines.push(`| ${name} | ${rate.perSecond.toFixed(0)} | ${rate.p50Ms.toFixed(1)} | ${rate.p99Ms.toFixed(1)} |`);
  lines.push(`| creates, no watchers (${CREATES}) | ${r.createsAlone.perSecond.toFixed(0)} | ${r.createsAlone.p50Ms.toFixed(1)} | ${r.createsAlone.p99Ms.toFixed(1)} |`);
  lines.push(`| creates, ${WATCHERS} watchers (${CREATES}) | ${r.createsWatched.perSecond.toFixed(0)} | ${r.createsWatched.p50Ms.toFixed(1)} | ${r.createsWatched.p99Ms.toFixed(1)} |`);
  lines.push('', `${EVENTS} events to ${WATCHERS} watchers delivered in ${r.fanOutMs.toFixed(0)} ms from the first write (${r.fanOutTailMs.toFixed(0)} ms after the last write was answered); creates with ${WATCHERS} watchers / without: ${(r.createsWatched.perSecond / r.createsAlone.perSecond).toFixed(2)}`);
  return lines.join('\n');
}

// The watch cache (src/storage/cacher) over the in-memory backend: reads and watches from memory,
// consistent reads, history and its limits, continue tokens, slow watchers, and falling back.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { Cacher, type CacherOptions } from '../../src/storage/cacher/index.js';
import type { ListOptions, ListResult, WatchEvent, WatchOptions, Watcher } from '../../src/storage/interface.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';
import { WatchQueue } from '../../src/storage/watch-queue.js';
import { configMap, nextEvents, rejectsWith } from '../helpers/storage-contract.js';

const ROOT = '/registry/configmaps/';
const key = (name: string) => `${ROOT}default/${name}`;

/** MemoryStorage that counts the reads that reach it, and can hold lists back or slow its watch events. */
class InnerStorage extends MemoryStorage {
  gets = 0;
  lists: ListOptions[] = [];
  listGate: Promise<void> | undefined;
  watchDelayMs = 0;
  watches = 0;

  override async get(k: string): Promise<KubeObject> {
    this.gets += 1;
    return super.get(k);
  }

  override async list(prefix: string, opts: ListOptions): Promise<ListResult> {
    this.lists.push(opts);
    if (this.listGate) await this.listGate;
    return super.list(prefix, opts);
  }

  /** Lists other than the Cacher's own probes (revision look-ups with limit 1). */
  dataLists(): ListOptions[] {
    return this.lists.filter((o) => o.limit !== 1);
  }

  override watch(k: string, opts: WatchOptions): Watcher {
    this.watches += 1;
    const source = super.watch(k, opts);
    if (this.watchDelayMs === 0) return source;
    const delay = this.watchDelayMs;
    const out = new WatchQueue(() => source.stop());
    void (async () => {
      for await (const e of source) {
        await new Promise((r) => setTimeout(r, delay));
        out.push(e);
      }
      out.end();
    })();
    return out;
  }
}

const open: Cacher[] = [];
function makeCacher(inner: InnerStorage, extra: Partial<CacherOptions> = {}): Cacher {
  const c = new Cacher(inner, { roots: [ROOT], bookmarkIntervalMs: 100, freshnessTimeoutMs: 1000, readyTimeoutMs: 1000, ...extra });
  open.push(c);
  return c;
}

/** Starts the cache for ROOT and waits for its first list. */
async function ready(c: Cacher): Promise<void> {
  assert.ok(await c.cacheFor(ROOT)!.waitReady(2000), 'cache did not become ready');
}

function names(items: KubeObject[]): string[] {
  return items.map((o) => o.metadata.name ?? '');
}

function typesAndNames(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type}:${e.type === 'ERROR' ? e.object.code : e.object.metadata.name ?? ''}`);
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('Cacher', () => {
  it('serves get and list from memory once ready, and a write is seen by the next read', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a', { v: '1' }));
    const c = makeCacher(inner);
    await ready(c);
    const gets = inner.gets;
    const dataLists = inner.dataLists().length;

    const b = await c.create(key('b'), configMap('b'));
    assert.deepEqual(await c.get(key('b')), b);
    await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: '2' } }));
    assert.deepEqual((await c.get(key('a'))).data, { v: '2' });
    const list = await c.list(ROOT, {});
    assert.deepEqual(names(list.items), ['a', 'b']);
    assert.equal(list.resourceVersion, inner.currentRevision());
    await c.delete(key('b'));
    await rejectsWith(c.get(key('b')), 'KeyNotFound');
    assert.deepEqual(names((await c.list(`${ROOT}default/`, { resourceVersion: '0' })).items), ['a']);

    assert.equal(inner.gets, gets, 'gets were served from the cache');
    assert.equal(inner.dataLists().length, dataLists, 'lists were served from the cache');
  });

  it('a consistent read takes an in-process store\'s current revision without a probe list', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a'));
    const c = makeCacher(inner);
    await ready(c);
    const lists = inner.lists.length;
    await inner.create(key('behind'), configMap('behind'));
    // Written behind the cache's back: the read still waits for it, learning the revision directly.
    assert.equal((await c.get(key('behind'))).metadata.name, 'behind');
    assert.equal((await c.list(ROOT, {})).resourceVersion, inner.currentRevision());
    assert.equal(inner.lists.length, lists, 'no list reached the inner storage');
  });

  it('hands out copies: mutating a result does not change the cache', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a', { v: '1' }));
    const c = makeCacher(inner);
    await ready(c);
    const got = await c.get(key('a'));
    (got.data as Record<string, string>).v = 'mutated';
    (await c.list(ROOT, {})).items[0].metadata.name = 'mutated';
    const again = await c.get(key('a'));
    assert.deepEqual(again.data, { v: '1' });
    assert.equal(again.metadata.name, 'a');
  });

  it('a consistent read waits until the cache has caught up with a write made behind its back', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    inner.watchDelayMs = 150;
    // The cache's watch was opened before the delay was set; restart it so it is the slow one.
    await c.close();
    const slow = makeCacher(inner);
    await ready(slow);
    const gets = inner.gets;
    const written = await inner.create(key('late'), configMap('late', { v: 'x' }));
    const started = Date.now();
    const got = await slow.get(key('late'));
    assert.equal(got.metadata.resourceVersion, written.metadata.resourceVersion);
    assert.ok(Date.now() - started >= 100, 'the read waited for the event');
    assert.equal(inner.gets, gets, 'served from the cache, not the inner storage');
    // A write elsewhere moves etcd's revision: progress notifications let an idle prefix catch up.
    await inner.create('/registry/secrets/default/s', configMap('s'));
    const list = await slow.list(ROOT, {});
    assert.equal(list.resourceVersion, inner.currentRevision());
  });

  it('watch: rv "0" starts with the current state; rv N replays the buffered changes after N', async () => {
    const inner = new InnerStorage();
    const a = await inner.create(key('a'), configMap('a'));
    const c = makeCacher(inner);
    await ready(c);
    const b = await c.create(key('b'), configMap('b'));
    const w0 = c.watch(ROOT, { recursive: true, resourceVersion: '0' });
    assert.deepEqual(typesAndNames(await nextEvents(w0, 2)), ['ADDED:a', 'ADDED:b']);
    await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: '2' } }));
    await c.delete(key('b'));
    const live = await nextEvents(w0, 2);
    assert.deepEqual(typesAndNames(live), ['MODIFIED:a', 'DELETED:b']);
    w0.stop();

    const replay = c.watch(ROOT, { recursive: true, resourceVersion: a.metadata.resourceVersion });
    assert.deepEqual(typesAndNames(await nextEvents(replay, 3)), ['ADDED:b', 'MODIFIED:a', 'DELETED:b']);
    replay.stop();
    const fromB = c.watch(key('a'), { recursive: false, resourceVersion: b.metadata.resourceVersion });
    const [only] = await nextEvents(fromB, 1);
    assert.equal(only.type, 'MODIFIED');
    assert.deepEqual(live[0].object, only.object);
    fromB.stop();
  });

  it('watch-list (sendInitialEvents=true): a consistent snapshot from memory, then the end bookmark', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a'));
    inner.watchDelayMs = 150;
    const c = makeCacher(inner);
    await ready(c);
    const written = await inner.create(key('late'), configMap('late'));
    const watches = inner.watches;
    const w = c.watch(ROOT, { recursive: true, resourceVersion: '', sendInitialEvents: true, bookmarks: true });
    const events = await nextEvents(w, 3);
    assert.deepEqual(typesAndNames(events.slice(0, 2)), ['ADDED:a', 'ADDED:late'], 'the snapshot waited for the write made behind the cache');
    assert.equal(events[2]!.type, 'BOOKMARK');
    assert.deepEqual(events[2]!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    assert.ok(BigInt(events[2]!.object.metadata.resourceVersion!) >= BigInt(written.metadata.resourceVersion!));
    assert.equal(inner.watches, watches, 'served by the cache, not by a watch of the inner storage');
    await c.create(key('next'), configMap('next'));
    let live = (await nextEvents(w, 1))[0]!;
    while (live.type === 'BOOKMARK') live = (await nextEvents(w, 1))[0]!;
    assert.deepEqual(typesAndNames([live]), ['ADDED:next']);
    w.stop();
  });

  it('watch-list with sendInitialEvents=false and no revision starts from now', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a'));
    const c = makeCacher(inner);
    await ready(c);
    const w = c.watch(ROOT, { recursive: true, resourceVersion: '', sendInitialEvents: false });
    await c.create(key('b'), configMap('b'));
    assert.deepEqual(typesAndNames(await nextEvents(w, 1)), ['ADDED:b']);
    w.stop();
  });

  it('watch-list from a revision the cache does not reach in time is 504 Too large resource version', async () => {
    const inner = new InnerStorage();
    const a = await inner.create(key('a'), configMap('a'));
    const c = makeCacher(inner);
    await ready(c);
    const ahead = (BigInt(a.metadata.resourceVersion!) + 50n).toString();
    const events = await nextEvents(c.watch(ROOT, { recursive: true, resourceVersion: ahead, sendInitialEvents: true, bookmarks: true }), 5, 5000);
    assert.deepEqual(typesAndNames(events), ['ERROR:504']);
  });

  it('watch from a resourceVersion older than the buffer gets 410 Expired', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner, { eventBuffer: { minCapacity: 2, maxCapacity: 2, freshMs: 0 } });
    await ready(c);
    const first = await c.create(key('a'), configMap('a', { v: '0' }));
    for (let i = 1; i <= 4; i++) await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: String(i) } }));
    const w = c.watch(ROOT, { recursive: true, resourceVersion: first.metadata.resourceVersion });
    const events = await nextEvents(w, 2, 2000);
    assert.equal(events.length, 1, 'one ERROR, then the watch ends');
    const [e] = events;
    assert.ok(e.type === 'ERROR');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
    assert.match(e.object.message ?? '', new RegExp(`^too old resource version: ${first.metadata.resourceVersion} \\(\\d+\\)$`));
    // The two newest changes are still there to replay.
    const recent = c.watch(ROOT, { recursive: true, resourceVersion: String(BigInt(inner.currentRevision()) - 2n) });
    assert.equal((await nextEvents(recent, 2)).length, 2);
    recent.stop();
  });

  it('watch from a revision etcd has compacted gets 410 even while the buffer still holds it', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    const first = await c.create(key('a'), configMap('a'));
    await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: '2' } }));
    await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: '3' } }));
    await inner.compactNow();
    const [e] = await nextEvents(c.watch(ROOT, { recursive: true, resourceVersion: first.metadata.resourceVersion }), 1);
    assert.ok(e.type === 'ERROR');
    assert.equal(e.object.code, 410);
  });

  it('watch with a predicate turns transitions into ADDED and DELETED', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    const start = await c.create(key('a'), configMap('a', {}, { app: 'web' }));
    const predicate = (o: KubeObject) => o.metadata.labels?.app === 'web';
    const w = c.watch(ROOT, { recursive: true, resourceVersion: start.metadata.resourceVersion, predicate });
    const setApp = (app: string) => (cur: KubeObject | null): KubeObject => ({ ...cur!, metadata: { ...cur!.metadata, labels: { app } } });
    const m1 = await c.guaranteedUpdate(key('a'), setApp('db'));
    await c.guaranteedUpdate(key('a'), setApp('cache'));
    const m3 = await c.guaranteedUpdate(key('a'), setApp('web'));
    await c.create(key('other'), configMap('other', {}, { app: 'db' }));
    const m4 = await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { touched: 'yes' } }));
    const events = await nextEvents(w, 3);
    w.stop();
    assert.deepEqual(events.map((e) => e.type), ['DELETED', 'ADDED', 'MODIFIED']);
    assert.equal((events[0].object as KubeObject).metadata.labels?.app, 'web');
    assert.equal(events[0].object.metadata.resourceVersion, m1.metadata.resourceVersion);
    assert.equal(events[1].object.metadata.resourceVersion, m3.metadata.resourceVersion);
    assert.equal(events[2].object.metadata.resourceVersion, m4.metadata.resourceVersion);
  });

  it('list pages: continue tokens in the etcd format, from memory while the snapshot holds, from the inner storage after', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    for (let i = 0; i < 7; i++) await c.create(key(`item${i}`), configMap(`item${i}`));
    const before = inner.dataLists().length;
    const page1 = await c.list(ROOT, { limit: 3 });
    assert.deepEqual(names(page1.items), ['item0', 'item1', 'item2']);
    assert.equal(page1.remainingItemCount, 4);
    const token = JSON.parse(Buffer.from(page1.continue ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(token, { v: 'meta.k8s.io/v1', rv: Number(page1.resourceVersion), start: 'default/item2\u0000' });
    const page2 = await c.list(ROOT, { limit: 3, continue: page1.continue });
    assert.deepEqual(names(page2.items), ['item3', 'item4', 'item5']);
    assert.equal(page2.resourceVersion, page1.resourceVersion);
    assert.equal(inner.dataLists().length, before, 'pages came from the cache');

    // A change after the snapshot: the last page is read from the inner storage at the snapshot.
    await c.create(key('item9'), configMap('item9'));
    await c.get(key('item9')); // a consistent read: the cache has applied the change
    const page3 = await c.list(ROOT, { limit: 3, continue: page2.continue });
    assert.deepEqual(names(page3.items), ['item6']);
    assert.equal(page3.continue, undefined);
    assert.equal(inner.dataLists().length, before + 1, 'the stale token went to the inner storage');

    const predicate = (o: KubeObject) => ['item1', 'item5', 'item9'].includes(o.metadata.name ?? '');
    const filtered = await c.list(ROOT, { limit: 2, predicate });
    assert.deepEqual(names(filtered.items), ['item1', 'item5']);
    assert.equal(filtered.remainingItemCount, undefined);
    const rest = await c.list(ROOT, { limit: 2, predicate, continue: filtered.continue });
    assert.deepEqual(names(rest.items), ['item9']);
  });

  it('list resourceVersion semantics: Exact at an old revision goes to the inner storage; a future one is too large', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner, { freshnessTimeoutMs: 300 });
    await ready(c);
    const v1 = await c.create(key('a'), configMap('a', { v: '1' }));
    await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: '2' } }));
    const old = await c.list(ROOT, { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.deepEqual(old.items[0].data, { v: '1' });
    assert.equal(old.resourceVersion, v1.metadata.resourceVersion);
    const newer = await c.list(ROOT, { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'NotOlderThan' });
    assert.deepEqual(newer.items[0].data, { v: '2' });
    const tooLarge = await rejectsWith(c.list(ROOT, { resourceVersion: '999999', resourceVersionMatch: 'NotOlderThan' }), 'TooLargeResourceVersion');
    assert.match(tooLarge.message, /^Too large resource version: 999999, current: \d+$/);
    await rejectsWith(c.list(ROOT, { resourceVersion: 'abc' }), 'InvalidArgument');
    await rejectsWith(c.list(ROOT, { limit: 1, continue: '!!' }), 'InvalidArgument');
  });

  it('a watcher that falls too far behind is closed, and can re-watch from its last resourceVersion', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner, { watcherBufferSize: 3 });
    await ready(c);
    const start = await c.create(key('a'), configMap('a', { v: '0' }));
    const slow = c.watch(ROOT, { recursive: true, resourceVersion: start.metadata.resourceVersion });
    const fast = c.watch(ROOT, { recursive: true, resourceVersion: start.metadata.resourceVersion });
    const fastEvents = nextEvents(fast, 6);
    // Let both register before writing.
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i <= 6; i++) {
      await c.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { v: String(i) } }));
      // One write per event-loop turn, as writes to etcd come: the cache hands out a turn's changes together.
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await fastEvents).length, 6);
    fast.stop();
    const got = await nextEvents(slow, 100, 2000);
    assert.equal(got.length, 3, 'the slow watcher got what fit in its buffer, then ended');
    assert.ok(got.every((e) => e.type === 'MODIFIED'));
    const resumed = c.watch(ROOT, { recursive: true, resourceVersion: got[2].object.metadata.resourceVersion });
    assert.equal((await nextEvents(resumed, 3)).length, 3);
    resumed.stop();
  });

  it('fans out one shared event per change, in batches, and a watcher with a selector gets only matching events', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    const start = await c.create(key('start'), configMap('start'));
    const from = start.metadata.resourceVersion;
    const one = c.watch(ROOT, { recursive: true, resourceVersion: from, shared: true });
    const two = c.watch(ROOT, { recursive: true, resourceVersion: from, shared: true });
    const picky = c.watch(ROOT, { recursive: true, resourceVersion: from, shared: true, predicate: (o) => o.metadata.name === 'b' });
    const gotOne = nextEvents(one, 3);
    const gotTwo = nextEvents(two, 3);
    const gotPicky = nextEvents(picky, 1);
    await new Promise((r) => setTimeout(r, 20));
    for (const n of ['a', 'b', 'c']) await c.create(key(n), configMap(n));
    const [a, b, p] = [await gotOne, await gotTwo, await gotPicky];
    assert.deepEqual(typesAndNames(a), ['ADDED:a', 'ADDED:b', 'ADDED:c']);
    // The same objects (so the same encoded frames) for both watchers without a predicate.
    a.forEach((e, i) => assert.equal(e.object, b[i]!.object));
    assert.deepEqual(typesAndNames(p), ['ADDED:b']);
    for (const w of [one, two, picky]) w.stop();
  });

  it('bookmarks carry the cache revision to watchers that ask', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    await ready(c);
    const a = await c.create(key('a'), configMap('a'));
    const w = c.watch(ROOT, { recursive: true, resourceVersion: a.metadata.resourceVersion, bookmarks: true });
    const b = await c.create(key('b'), configMap('b'));
    const events: WatchEvent[] = [];
    while (!events.some((e) => e.type === 'BOOKMARK')) events.push(...(await nextEvents(w, 1, 2000)));
    w.stop();
    assert.equal(events[0].type, 'ADDED');
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    assert.ok(BigInt(bookmark.object.metadata.resourceVersion ?? '0') >= BigInt(b.metadata.resourceVersion ?? 'x'));
  });

  it('falls back to the inner storage while the cache is not ready, and passes other keys through', async () => {
    const inner = new InnerStorage();
    await inner.create(key('a'), configMap('a'));
    let open!: () => void;
    inner.listGate = new Promise((r) => (open = r));
    const c = makeCacher(inner, { readyTimeoutMs: 200 });
    const gets = inner.gets;
    const getting = c.get(key('a'));
    // The cache's first list is held back: the get goes to the inner storage (whose own list is not needed).
    assert.equal((await getting).metadata.name, 'a');
    assert.equal(inner.gets, gets + 1);
    const w = c.watch(ROOT, { recursive: true, resourceVersion: '0' });
    const [first] = await nextEvents(w, 1);
    assert.equal(first.type, 'ADDED');
    w.stop();
    open();
    inner.listGate = undefined;
    await ready(c);
    assert.equal((await c.list(ROOT, {})).items.length, 1);

    const other = '/registry/secrets/default/s';
    await c.create(other, configMap('s'));
    const before = inner.gets;
    assert.equal((await c.get(other)).metadata.name, 's');
    assert.equal(inner.gets, before + 1);
    assert.equal(c.cacheFor(other), undefined);
  });

  it('a watch from before a new cache first listed is replayed by the inner storage', async () => {
    const inner = new InnerStorage();
    const a = await inner.create(key('a'), configMap('a'));
    await inner.create(key('b'), configMap('b'));
    const c = makeCacher(inner);
    await ready(c);
    const w = c.watch(ROOT, { recursive: true, resourceVersion: a.metadata.resourceVersion });
    assert.deepEqual(typesAndNames(await nextEvents(w, 1)), ['ADDED:b']);
    w.stop();
  });

  it('stop() ends iteration, before and after the watch started', async () => {
    const inner = new InnerStorage();
    const c = makeCacher(inner);
    const early = c.watch(ROOT, { recursive: true });
    const pending = nextEvents(early, 100, 2000);
    early.stop();
    assert.deepEqual(await pending, []);
    await ready(c);
    const w = c.watch(ROOT, { recursive: true });
    const drained = nextEvents(w, 100, 2000);
    setTimeout(() => w.stop(), 50);
    assert.deepEqual(await drained, []);
  });
});

// The Storage contract, run against every backend (etcd3 in integration tests, memory in unit tests).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { isStorageError, type StorageError } from '../../src/storage/errors.js';
import type { Storage, WatchEvent, Watcher } from '../../src/storage/interface.js';

export interface ContractTarget {
  storage: Storage;
  /** Compacts the backend to its current revision; returns that revision. */
  compact(): Promise<string>;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Must create a target whose watch bookmarks come at most every ~300 ms. */
  makeTarget(): Promise<ContractTarget>;
}

let counter = 0;
/** A fresh key prefix per test, so tests never see each other's keys. */
function freshPrefix(): string {
  counter += 1;
  return `/registry/contract${process.pid}x${Date.now().toString(36)}x${counter}/`;
}

export function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(labels ? { labels } : {}) },
    data,
  };
}

export async function rejectsWith(p: Promise<unknown>, code: StorageError['code']): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isStorageError(e, code), `expected StorageError ${code}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected StorageError ${code}, but it resolved`);
}

/** Reads the next n events, failing after timeoutMs. */
export async function nextEvents(w: Watcher, n: number, timeoutMs = 5000): Promise<WatchEvent[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    const r = await Promise.race([it.next(), timeout]);
    clearTimeout(timer);
    if (r === 'timeout') assert.fail(`timed out after ${out.length}/${n} events: ${JSON.stringify(out.map((e) => e.type))}`);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Events until the iterator ends (or timeout). */
function drain(w: Watcher, timeoutMs = 5000): Promise<WatchEvent[]> {
  return nextEvents(w, Number.MAX_SAFE_INTEGER, timeoutMs);
}

function rvOf(o: KubeObject): bigint {
  return BigInt(o.metadata.resourceVersion ?? 'x');
}

function namesOf(items: KubeObject[]): string[] {
  return items.map((o) => o.metadata.name ?? '');
}

export function storageContract(backend: string, opts: ContractOptions): void {
  describe(`Storage contract: ${backend}`, () => {
    let target: ContractTarget;
    let s: Storage;
    before(async () => {
      target = await opts.makeTarget();
      s = target.storage;
    });
    after(async () => {
      await target.close();
    });

    it('create returns the object with a resourceVersion; get returns the same; duplicates are KeyExists', async () => {
      const p = freshPrefix();
      const created = await s.create(`${p}a`, configMap('a', { x: '1' }));
      assert.match(created.metadata.resourceVersion ?? '', /^\d+$/);
      assert.deepEqual(created.data, { x: '1' });
      const got = await s.get(`${p}a`);
      assert.deepEqual(got, created);
      await rejectsWith(s.create(`${p}a`, configMap('a')), 'KeyExists');
      await rejectsWith(s.get(`${p}missing`), 'KeyNotFound');
    });

    it('create ignores a resourceVersion on the input and dryRun writes nothing', async () => {
      const p = freshPrefix();
      const obj = configMap('a');
      obj.metadata.resourceVersion = '12345';
      const dry = await s.create(`${p}a`, obj, { dryRun: true });
      assert.equal(dry.metadata.name, 'a');
      await rejectsWith(s.get(`${p}a`), 'KeyNotFound');
      const created = await s.create(`${p}a`, obj);
      assert.notEqual(created.metadata.resourceVersion, '12345');
    });

    it('guaranteedUpdate: 20 concurrent increments end at exactly +20', async () => {
      const p = freshPrefix();
      await s.create(`${p}counter`, configMap('counter', { n: '0' }));
      const rvs = await Promise.all(
        Array.from({ length: 20 }, () =>
          s.guaranteedUpdate(`${p}counter`, async (cur) => {
            assert.ok(cur);
            await new Promise((r) => setImmediate(r));
            const data = cur.data as Record<string, string>;
            return { ...cur, data: { n: String(Number(data.n) + 1) } };
          }),
        ),
      );
      const final = await s.get(`${p}counter`);
      assert.deepEqual(final.data, { n: '20' });
      assert.equal(new Set(rvs.map((o) => o.metadata.resourceVersion)).size, 20);
      assert.equal(final.metadata.resourceVersion, rvs.map(rvOf).reduce((a, b) => (a > b ? a : b)).toString());
    });

    it('guaranteedUpdate: a no-op update writes nothing and keeps the resourceVersion', async () => {
      const p = freshPrefix();
      const created = await s.create(`${p}a`, configMap('a', { x: '1' }));
      const same = await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, metadata: { ...cur!.metadata } }));
      assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.equal((await s.get(`${p}a`)).metadata.resourceVersion, created.metadata.resourceVersion);
    });

    it('guaranteedUpdate: preconditions, KeyNotFound, allowCreate and dryRun', async () => {
      const p = freshPrefix();
      const created = await s.create(`${p}a`, configMap('a', { x: '1' }));
      const bump = (cur: KubeObject | null): KubeObject => ({ ...(cur ?? configMap('a')), data: { x: 'new' } });
      const uidErr = await rejectsWith(s.guaranteedUpdate(`${p}a`, bump, { preconditions: { uid: 'other' } }), 'Conflict');
      assert.equal(uidErr.message, 'Precondition failed: UID in precondition: other, UID in object meta: uid-a');
      const rvErr = await rejectsWith(s.guaranteedUpdate(`${p}a`, bump, { preconditions: { resourceVersion: '1' } }), 'Conflict');
      assert.equal(
        rvErr.message,
        `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${created.metadata.resourceVersion}`,
      );
      const dry = await s.guaranteedUpdate(`${p}a`, bump, { dryRun: true });
      assert.deepEqual(dry.data, { x: 'new' });
      assert.deepEqual((await s.get(`${p}a`)).data, { x: '1' });
      const updated = await s.guaranteedUpdate(`${p}a`, bump, {
        preconditions: { uid: 'uid-a', resourceVersion: created.metadata.resourceVersion },
      });
      assert.ok(rvOf(updated) > rvOf(created));
      assert.deepEqual((await s.get(`${p}a`)).data, { x: 'new' });

      await rejectsWith(s.guaranteedUpdate(`${p}b`, bump), 'KeyNotFound');
      let sawNull = false;
      const made = await s.guaranteedUpdate(
        `${p}b`,
        (cur) => {
          sawNull = cur === null;
          return configMap('b', { made: 'yes' });
        },
        { allowCreate: true },
      );
      assert.ok(sawNull);
      assert.deepEqual((await s.get(`${p}b`)).data, { made: 'yes' });
      assert.equal((await s.get(`${p}b`)).metadata.resourceVersion, made.metadata.resourceVersion);
    });

    it('guaranteedUpdate: an error thrown by tryUpdate aborts the update', async () => {
      const p = freshPrefix();
      await s.create(`${p}a`, configMap('a', { x: '1' }));
      await assert.rejects(
        s.guaranteedUpdate(`${p}a`, () => {
          throw new Error('nope');
        }),
        /nope/,
      );
      assert.deepEqual((await s.get(`${p}a`)).data, { x: '1' });
    });

    it('delete: preconditions, validate, dryRun, and the last object stamped with the delete revision', async () => {
      const p = freshPrefix();
      const created = await s.create(`${p}a`, configMap('a', { x: '1' }));
      await rejectsWith(s.delete(`${p}a`, { preconditions: { uid: 'nope' } }), 'Conflict');
      await assert.rejects(
        s.delete(`${p}a`, {
          validate: () => {
            throw new Error('validation says no');
          },
        }),
        /validation says no/,
      );
      const dry = await s.delete(`${p}a`, { dryRun: true });
      assert.equal(dry.metadata.resourceVersion, created.metadata.resourceVersion);
      await s.get(`${p}a`);
      let validated: KubeObject | undefined;
      const gone = await s.delete(`${p}a`, {
        preconditions: { uid: 'uid-a', resourceVersion: created.metadata.resourceVersion },
        validate: (cur) => {
          validated = cur;
        },
      });
      assert.equal(validated?.metadata.name, 'a');
      assert.deepEqual(gone.data, { x: '1' });
      assert.ok(rvOf(gone) > rvOf(created));
      await rejectsWith(s.get(`${p}a`), 'KeyNotFound');
      await rejectsWith(s.delete(`${p}a`), 'KeyNotFound');
    });

    it('list: limit/continue/remainingItemCount over 25 keys, one snapshot for all pages', async () => {
      const p = freshPrefix();
      for (let i = 0; i < 25; i++) await s.create(`${p}default/item${String(i).padStart(2, '0')}`, configMap(`item${String(i).padStart(2, '0')}`));
      const page1 = await s.list(p, { limit: 10 });
      assert.equal(page1.items.length, 10);
      assert.equal(page1.remainingItemCount, 15);
      assert.ok(page1.continue);
      const token = JSON.parse(Buffer.from(page1.continue, 'base64url').toString()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(token), ['v', 'rv', 'start']);
      assert.equal(token.v, 'meta.k8s.io/v1');
      assert.equal(String(token.rv), page1.resourceVersion);
      assert.equal(token.start, 'default/item09\u0000');

      // A write between pages is not seen: pages come from the first page's revision.
      await s.create(`${p}default/item05a`, configMap('item05a'));
      await s.delete(`${p}default/item20`);
      const page2 = await s.list(p, { limit: 10, continue: page1.continue });
      assert.equal(page2.resourceVersion, page1.resourceVersion);
      assert.deepEqual(namesOf(page2.items), Array.from({ length: 10 }, (_, i) => `item${i + 10}`));
      assert.equal(page2.remainingItemCount, 5);
      const page3 = await s.list(p, { limit: 10, continue: page2.continue });
      assert.deepEqual(namesOf(page3.items), ['item20', 'item21', 'item22', 'item23', 'item24']);
      assert.equal(page3.continue, undefined);
      assert.equal(page3.remainingItemCount, undefined);

      const all = await s.list(p, {});
      assert.equal(all.items.length, 25);
      assert.ok(BigInt(all.resourceVersion) > BigInt(page1.resourceVersion));
      for (const o of all.items) assert.match(o.metadata.resourceVersion ?? '', /^\d+$/);
      assert.equal(await s.count(p), 25);
    });

    it('list: a predicate fills pages up to limit and gives no remainingItemCount', async () => {
      const p = freshPrefix();
      for (let i = 0; i < 25; i++) {
        await s.create(`${p}k${String(i).padStart(2, '0')}`, configMap(`k${String(i).padStart(2, '0')}`, {}, { parity: i % 3 === 0 ? 'three' : 'other' }));
      }
      const predicate = (o: KubeObject) => o.metadata.labels?.parity === 'three';
      const seen: string[] = [];
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await s.list(p, { limit: 3, predicate, continue: cont });
        pages += 1;
        assert.equal(page.remainingItemCount, undefined);
        if (page.continue) assert.equal(page.items.length, 3);
        seen.push(...namesOf(page.items));
        cont = page.continue;
      } while (cont && pages < 10);
      assert.deepEqual(seen, ['k00', 'k03', 'k06', 'k09', 'k12', 'k15', 'k18', 'k21', 'k24']);
      const unpaged = await s.list(p, { predicate });
      assert.equal(unpaged.items.length, 9);
    });

    it('list: resourceVersion semantics (Exact at an old revision, too large, malformed)', async () => {
      const p = freshPrefix();
      const v1 = await s.create(`${p}a`, configMap('a', { v: '1' }));
      await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { v: '2' } }));
      const old = await s.list(p, { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
      assert.equal(old.resourceVersion, v1.metadata.resourceVersion);
      assert.deepEqual(old.items[0].data, { v: '1' });
      const current = await s.list(p, { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'NotOlderThan' });
      assert.deepEqual(current.items[0].data, { v: '2' });
      assert.ok(BigInt(current.resourceVersion) > rvOf(v1));
      const any = await s.list(p, { resourceVersion: '0' });
      assert.deepEqual(any.items[0].data, { v: '2' });

      const tooLarge = await rejectsWith(
        s.list(p, { resourceVersion: '999999999', resourceVersionMatch: 'NotOlderThan' }),
        'TooLargeResourceVersion',
      );
      assert.match(tooLarge.message, /^Too large resource version: 999999999, current: \d+$/);
      await rejectsWith(s.list(p, { resourceVersion: '999999999', resourceVersionMatch: 'Exact' }), 'TooLargeResourceVersion');
      await rejectsWith(s.list(p, { resourceVersion: 'abc' }), 'InvalidArgument');
      const bad = await rejectsWith(s.list(p, { limit: 1, continue: '!!notbase64' }), 'InvalidArgument');
      assert.match(bad.message, /^invalid continue token: continue key is not valid/);
      const badVersion = Buffer.from('{"v":"v2","rv":5,"start":"x"}').toString('base64url');
      await rejectsWith(s.list(p, { limit: 1, continue: badVersion }), 'InvalidArgument');
      const traversal = Buffer.from('{"v":"meta.k8s.io/v1","rv":5,"start":"../x"}').toString('base64url');
      await rejectsWith(s.list(p, { limit: 1, continue: traversal }), 'InvalidArgument');
      const page = await s.list(p, { limit: 1 });
      assert.equal(page.continue, undefined);
    });

    it('list after compaction: Exact is Expired; a compacted continue token is Expired with an inconsistent token', async () => {
      const p = freshPrefix();
      for (let i = 0; i < 6; i++) await s.create(`${p}k${i}`, configMap(`k${i}`));
      const page1 = await s.list(p, { limit: 2 });
      assert.ok(page1.continue);
      await s.create(`${p}k9`, configMap('k9'));
      await target.compact();
      const exact = await rejectsWith(s.list(p, { resourceVersion: page1.resourceVersion, resourceVersionMatch: 'Exact' }), 'Expired');
      assert.equal(exact.message, 'The resourceVersion for the provided list is too old.');
      const expired = await rejectsWith(s.list(p, { limit: 2, continue: page1.continue }), 'Expired');
      assert.match(expired.message, /^The provided continue parameter is too old to display a consistent list result/);
      assert.ok(expired.continueToken);
      const token = JSON.parse(Buffer.from(expired.continueToken, 'base64url').toString()) as Record<string, unknown>;
      assert.deepEqual(token, { v: 'meta.k8s.io/v1', rv: -1, start: 'k1\u0000' });
      // Continuing with it reads the latest state (so k9 shows up).
      const names: string[] = [];
      let cont: string | undefined = expired.continueToken;
      while (cont) {
        const page = await s.list(p, { limit: 2, continue: cont });
        names.push(...namesOf(page.items));
        cont = page.continue;
      }
      assert.deepEqual(names, ['k2', 'k3', 'k4', 'k5', 'k9']);
    });

    it('watch from a resourceVersion: ADDED, MODIFIED, DELETED in order', async () => {
      const p = freshPrefix();
      const before = await s.create(`${p}before`, configMap('before'));
      const w = s.watch(p, { recursive: true, resourceVersion: before.metadata.resourceVersion });
      const a = await s.create(`${p}a`, configMap('a', { v: '1' }));
      const b = await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { v: '2' } }));
      const c = await s.delete(`${p}a`);
      await s.create(`${p.slice(0, -1)}-sibling`, configMap('outside'));
      const events = await nextEvents(w, 3);
      w.stop();
      assert.deepEqual(
        events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'DELETED'],
      );
      assert.equal(events[0].object.metadata.resourceVersion, a.metadata.resourceVersion);
      assert.equal(events[1].object.metadata.resourceVersion, b.metadata.resourceVersion);
      assert.equal(events[2].object.metadata.resourceVersion, c.metadata.resourceVersion);
      assert.deepEqual((events[2].object as KubeObject).data, { v: '2' });
    });

    it('watch with resourceVersion "" or "0" starts with the current state as ADDED', async () => {
      for (const rv of ['', '0']) {
        const p = freshPrefix();
        await s.create(`${p}x`, configMap('x'));
        await s.create(`${p}y`, configMap('y'));
        const w = s.watch(p, { recursive: true, resourceVersion: rv });
        const initial = await nextEvents(w, 2);
        assert.deepEqual(
          initial.map((e) => [e.type, (e.object as KubeObject).metadata.name]),
          [
            ['ADDED', 'x'],
            ['ADDED', 'y'],
          ],
        );
        const z = await s.create(`${p}z`, configMap('z'));
        const [live] = await nextEvents(w, 1);
        assert.equal(live.type, 'ADDED');
        assert.equal(live.object.metadata.resourceVersion, z.metadata.resourceVersion);
        w.stop();
      }
    });

    it('sendInitialEvents=true: the state as ADDED, the initial-events-end bookmark, then live events', async () => {
      const p = freshPrefix();
      await s.create(`${p}x`, configMap('x'));
      const y = await s.create(`${p}y`, configMap('y'));
      for (const rv of ['', '0', y.metadata.resourceVersion!]) {
        const w = s.watch(p, { recursive: true, resourceVersion: rv, sendInitialEvents: true, bookmarks: true });
        const initial = await nextEvents(w, 3);
        assert.deepEqual(initial.slice(0, 2).map((e) => [e.type, (e.object as KubeObject).metadata.name]), [['ADDED', 'x'], ['ADDED', 'y']], `rv ${JSON.stringify(rv)}`);
        const end = initial[2]!;
        assert.equal(end.type, 'BOOKMARK');
        assert.deepEqual(end.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
        assert.ok(BigInt(end.object.metadata.resourceVersion ?? '0') >= rvOf(y));
        const z = await s.create(`${p}z${rv}`, configMap('z'));
        let live = (await nextEvents(w, 1))[0]!;
        while (live.type === 'BOOKMARK') live = (await nextEvents(w, 1))[0]!;
        assert.deepEqual([live.type, live.object.metadata.resourceVersion], ['ADDED', z.metadata.resourceVersion]);
        assert.ok(rvOf(z) > BigInt(end.object.metadata.resourceVersion ?? '0'));
        w.stop();
        await s.delete(`${p}z${rv}`);
      }
    });

    it('sendInitialEvents=false: no initial events; "" starts now, a revision replays what came after it', async () => {
      const p = freshPrefix();
      const x = await s.create(`${p}x`, configMap('x'));
      const fromNow = s.watch(p, { recursive: true, resourceVersion: '', sendInitialEvents: false, bookmarks: false });
      const fromX = s.watch(p, { recursive: true, resourceVersion: x.metadata.resourceVersion!, sendInitialEvents: false });
      await new Promise((r) => setTimeout(r, 200));
      await s.create(`${p}y`, configMap('y'));
      const [first] = await nextEvents(fromNow, 1);
      assert.deepEqual([first!.type, (first!.object as KubeObject).metadata.name], ['ADDED', 'y']);
      const [replayed] = await nextEvents(fromX, 1);
      assert.deepEqual([replayed!.type, (replayed!.object as KubeObject).metadata.name], ['ADDED', 'y']);
      fromNow.stop();
      fromX.stop();
    });

    it('sendInitialEvents=true from a revision not reached yet: ERROR 504 Timeout, then the end', async () => {
      const p = freshPrefix();
      const x = await s.create(`${p}x`, configMap('x'));
      const ahead = (rvOf(x) + 1000n).toString();
      const events = await drain(s.watch(p, { recursive: true, resourceVersion: ahead, sendInitialEvents: true, bookmarks: true }), 15_000);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'ERROR');
      assert.equal((events[0]!.object as { code?: number }).code, 504);
      assert.match((events[0]!.object as { message?: string }).message ?? '', new RegExp(`^Timeout: Too large resource version: ${ahead}, current: \\d+$`));
    });

    it('watch of one key (not recursive)', async () => {
      const p = freshPrefix();
      const a = await s.create(`${p}a`, configMap('a'));
      const w = s.watch(`${p}a`, { recursive: false, resourceVersion: a.metadata.resourceVersion });
      await s.create(`${p}ab`, configMap('ab'));
      await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { v: '2' } }));
      const [e] = await nextEvents(w, 1);
      w.stop();
      assert.equal(e.type, 'MODIFIED');
      assert.equal(e.object.metadata.name, 'a');
    });

    it('watch with a predicate turns transitions into ADDED and DELETED', async () => {
      const p = freshPrefix();
      const start = await s.create(`${p}a`, configMap('a', {}, { app: 'web' }));
      const predicate = (o: KubeObject) => o.metadata.labels?.app === 'web';
      const w = s.watch(p, { recursive: true, resourceVersion: start.metadata.resourceVersion, predicate });
      const setApp = (app: string) => (cur: KubeObject | null): KubeObject => ({ ...cur!, metadata: { ...cur!.metadata, labels: { app } } });
      const m1 = await s.guaranteedUpdate(`${p}a`, setApp('db'));
      await s.guaranteedUpdate(`${p}a`, setApp('cache'));
      const m3 = await s.guaranteedUpdate(`${p}a`, setApp('web'));
      await s.create(`${p}other`, configMap('other', {}, { app: 'db' }));
      const m4 = await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { touched: 'yes' } }));
      const events = await nextEvents(w, 3);
      w.stop();
      assert.deepEqual(
        events.map((e) => e.type),
        ['DELETED', 'ADDED', 'MODIFIED'],
      );
      // Leaving the predicate: the previous (matching) object, at the revision of the change.
      assert.equal((events[0].object as KubeObject).metadata.labels?.app, 'web');
      assert.equal(events[0].object.metadata.resourceVersion, m1.metadata.resourceVersion);
      assert.equal(events[1].object.metadata.resourceVersion, m3.metadata.resourceVersion);
      assert.equal(events[2].object.metadata.resourceVersion, m4.metadata.resourceVersion);
    });

    it('watch from a compacted resourceVersion: one ERROR 410 Expired, then the watch ends', async () => {
      const p = freshPrefix();
      const old = await s.create(`${p}a`, configMap('a'));
      await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { v: '2' } }));
      await s.guaranteedUpdate(`${p}a`, (cur) => ({ ...cur!, data: { v: '3' } }));
      await target.compact();
      const w = s.watch(p, { recursive: true, resourceVersion: old.metadata.resourceVersion });
      const events = await drain(w);
      assert.equal(events.length, 1);
      const [e] = events;
      assert.equal(e.type, 'ERROR');
      assert.ok(e.type === 'ERROR');
      assert.equal(e.object.code, 410);
      assert.equal(e.object.reason, 'Expired');
      assert.match(e.object.message ?? '', new RegExp(`^too old resource version: ${old.metadata.resourceVersion} \\(\\d+\\)$`));
    });

    it('watch bookmarks carry a resourceVersion no older than the last event', async () => {
      const p = freshPrefix();
      const a = await s.create(`${p}a`, configMap('a'));
      const w = s.watch(p, { recursive: true, resourceVersion: a.metadata.resourceVersion, bookmarks: true });
      const b = await s.create(`${p}b`, configMap('b'));
      const events: WatchEvent[] = [];
      while (!events.some((e) => e.type === 'BOOKMARK')) events.push(...(await nextEvents(w, 1, 5000)));
      w.stop();
      assert.equal(events[0].type, 'ADDED');
      const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
      assert.deepEqual(Object.keys(bookmark.object), ['metadata']);
      assert.ok(BigInt(bookmark.object.metadata.resourceVersion ?? '0') >= rvOf(b));
    });

    it('stop() ends iteration', async () => {
      const p = freshPrefix();
      const w = s.watch(p, { recursive: true });
      const pending = drain(w, 5000);
      setTimeout(() => w.stop(), 50);
      assert.deepEqual(await pending, []);
    });

    it('values round-trip and every object read carries its own revision', async () => {
      const p = freshPrefix();
      const obj = configMap('a', { unicode: 'héllo ✓', nested: 'x' });
      (obj.metadata as Record<string, unknown>).selfLink = '/api/v1/whatever';
      const created = await s.create(`${p}a`, obj);
      assert.equal(created.metadata.selfLink, undefined);
      assert.deepEqual(created.data, { unicode: 'héllo ✓', nested: 'x' });
      assert.equal(await s.healthy(), true);
    });
  });
}

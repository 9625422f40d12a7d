// The watch cache over a real etcd (mTLS): reads from memory that still see every completed write,
// with concurrent writers through the cache and behind its back, watches fanned out from one etcd
// watch, and 410 for a compacted start.
// needs etcd: tests the etcd3 backend itself
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { Cacher } from '../../src/storage/cacher/index.js';
import { Etcd3Storage, type Etcd3StorageOptions } from '../../src/storage/etcd3/index.js';
import { rawClient, startEtcd, storageOptions, type EtcdHandle } from '../helpers/etcd.js';
import { configMap, nextEvents } from '../helpers/storage-contract.js';

let etcd: EtcdHandle;
const closers: (() => Promise<void>)[] = [];
let rootCounter = 0;

function etcdStorage(extra: Partial<Etcd3StorageOptions> = {}): Etcd3Storage {
  const s = new Etcd3Storage(storageOptions(etcd, { requestTimeoutMs: 5000, ...extra }));
  closers.push(() => s.close());
  return s;
}

/** A Cacher over its own Etcd3Storage, for a fresh resource root; ops counts the etcd calls by kind. */
async function cached(): Promise<{ cacher: Cacher; inner: Etcd3Storage; root: string; ops: Map<string, number> }> {
  rootCounter += 1;
  const root = `/registry/cachertest${process.pid}x${rootCounter}/`;
  const ops = new Map<string, number>();
  const inner = etcdStorage({ observe: (op) => ops.set(op, (ops.get(op) ?? 0) + 1) });
  const cacher = new Cacher(inner, { roots: [root] });
  closers.push(() => cacher.close());
  assert.ok(await cacher.cacheFor(root)!.waitReady(5000), 'the cache did not become ready');
  return { cacher, inner, root, ops };
}

before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await etcd.stop();
});

describe('Cacher over a real etcd', () => {
  it('concurrent writers: every read after a write sees that write (or something newer)', async () => {
    const { cacher, root, ops } = await cached();
    const key = (w: number) => `${root}default/w${w}`;
    const writers = 8;
    const rounds = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        let last = await cacher.create(key(w), configMap(`w${w}`, { n: '0' }));
        for (let n = 1; n <= rounds; n++) {
          last = await cacher.guaranteedUpdate(key(w), (cur) => ({ ...cur!, data: { n: String(n) } }));
          const got = await cacher.get(key(w));
          assert.deepEqual(got.data, { n: String(n) }, `writer ${w} round ${n}: get`);
          assert.equal(got.metadata.resourceVersion, last.metadata.resourceVersion);
          const list = await cacher.list(`${root}default/`, {});
          assert.ok(BigInt(list.resourceVersion) >= BigInt(last.metadata.resourceVersion ?? 'x'));
          const mine = list.items.find((o) => o.metadata.name === `w${w}`);
          assert.ok(mine && BigInt(mine.metadata.resourceVersion ?? '0') >= BigInt(last.metadata.resourceVersion ?? 'x'), `writer ${w} round ${n}: list`);
        }
      }),
    );
    // The reads came from memory: gets at etcd are only guaranteedUpdate's reads.
    assert.equal(ops.get('get') ?? 0, writers * rounds);
  });

  it('a consistent read sees writes made by another API server, and catches up with writes elsewhere', async () => {
    const { cacher, root, ops } = await cached();
    const other = etcdStorage();
    for (let i = 0; i < 20; i++) {
      const written = await other.create(`${root}default/o${i}`, configMap(`o${i}`));
      const got = await cacher.get(`${root}default/o${i}`);
      assert.equal(got.metadata.resourceVersion, written.metadata.resourceVersion);
      // A write under another prefix moves etcd's revision; the list waits for a progress notification.
      const elsewhere = await other.create(`/registry/cacherelsewhere${process.pid}/default/e${i}`, configMap(`e${i}`));
      const list = await cacher.list(root, {});
      assert.equal(list.items.length, i + 1);
      assert.ok(BigInt(list.resourceVersion) >= BigInt(elsewhere.metadata.resourceVersion ?? 'x'));
    }
    assert.equal(ops.get('get') ?? 0, 0, 'no get reached etcd');
  });

  it('many watchers share the one etcd watch, each getting every event in order', async () => {
    const { cacher, root } = await cached();
    const start = await cacher.create(`${root}default/start`, configMap('start'));
    const watchers = Array.from({ length: 5 }, () => cacher.watch(root, { recursive: true, resourceVersion: start.metadata.resourceVersion }));
    const received = watchers.map((w) => nextEvents(w, 30, 15_000));
    const written: KubeObject[] = [];
    await Promise.all(
      Array.from({ length: 3 }, async (_, w) => {
        for (let i = 0; i < 10; i++) written.push(await cacher.create(`${root}default/x${w}-${i}`, configMap(`x${w}-${i}`)));
      }),
    );
    const expected = written.map((o) => o.metadata.resourceVersion).sort((a, b) => Number(a) - Number(b));
    for (const events of await Promise.all(received)) {
      assert.deepEqual(
        events.map((e) => e.object.metadata.resourceVersion),
        expected,
      );
      assert.ok(events.every((e) => e.type === 'ADDED'));
    }
    for (const w of watchers) w.stop();
  });

  it('a watch from a revision etcd has compacted gets 410 Expired', async () => {
    const { cacher, inner, root } = await cached();
    const first = await cacher.create(`${root}default/a`, configMap('a'));
    await cacher.guaranteedUpdate(`${root}default/a`, (cur) => ({ ...cur!, data: { v: '2' } }));
    await cacher.guaranteedUpdate(`${root}default/a`, (cur) => ({ ...cur!, data: { v: '3' } }));
    await inner.compactNow();
    const [e] = await nextEvents(cacher.watch(root, { recursive: true, resourceVersion: first.metadata.resourceVersion }), 1);
    assert.ok(e.type === 'ERROR');
    assert.equal(e.object.code, 410);
    assert.equal(e.object.reason, 'Expired');
  });
});

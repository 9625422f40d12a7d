// The etcd3 backend against a real etcd (mTLS): the shared Storage contract, then what only a real
// etcd shows (stored bytes, leases, outages, the compact_rev_key protocol, concurrency, metrics).
// needs etcd: tests the etcd3 backend itself
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Etcd3Storage, type Etcd3StorageOptions } from '../../src/storage/etcd3/index.js';
import { rawClient, startEtcd, storageOptions, type EtcdHandle } from '../helpers/etcd.js';
import { configMap, nextEvents, rejectsWith, storageContract } from '../helpers/storage-contract.js';

let etcd: EtcdHandle;
const storages: Etcd3Storage[] = [];

function open(extra: Partial<Etcd3StorageOptions> = {}): Etcd3Storage {
  const s = new Etcd3Storage(storageOptions(etcd, { bookmarkIntervalMs: 200, requestTimeoutMs: 3000, ...extra }));
  storages.push(s);
  return s;
}


before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  await Promise.all(storages.map((s) => s.close()));
  await etcd.stop();
});

storageContract('etcd3', {
  async makeTarget() {
    const storage = open();
    return { storage, compact: () => storage.compactNow(), close: () => storage.close() };
  },
});

describe('Etcd3Storage against a real etcd', () => {
  it('stores the JSON under the given key, without resourceVersion', async () => {
    const s = open();
    const created = await s.create('/registry/configmaps/default/raw', configMap('raw', { k: 'v' }));
    const raw = rawClient(etcd);
    try {
      const value = await raw.get('/registry/configmaps/default/raw').string();
      assert.ok(value);
      const stored = JSON.parse(value) as { metadata: Record<string, unknown>; data: unknown };
      assert.equal('resourceVersion' in stored.metadata, false);
      assert.deepEqual(stored.data, { k: 'v' });
      assert.equal(stored.metadata.name, 'raw');
      const kv = await raw.get('/registry/configmaps/default/raw').exec();
      assert.equal(kv.kvs[0].mod_revision, created.metadata.resourceVersion);
    } finally {
      raw.close();
    }
  });

  it('a TTL create lives on a lease and expires with a DELETED event', async () => {
    const s = open();
    const key = '/registry/events/default/ttl-event';
    const created = await s.create(key, configMap('ttl-event'), { ttlSeconds: 1 });
    const raw = rawClient(etcd);
    try {
      const kv = await raw.get(key).exec();
      assert.notEqual(kv.kvs[0].lease, '0');
    } finally {
      raw.close();
    }
    const w = s.watch('/registry/events/', { recursive: true, resourceVersion: created.metadata.resourceVersion });
    const [e] = await nextEvents(w, 1, 8000);
    w.stop();
    assert.equal(e.type, 'DELETED');
    assert.equal(e.object.metadata.name, 'ttl-event');
    await rejectsWith(s.get(key), 'KeyNotFound');
  });

  it('64 concurrent creates all land (nothing serializes calls)', async () => {
    const s = open();
    const started = Date.now();
    await Promise.all(Array.from({ length: 64 }, (_, i) => s.create(`/registry/concurrent/default/c${i}`, configMap(`c${i}`))));
    assert.equal(await s.count('/registry/concurrent/'), 64);
    assert.ok(Date.now() - started < 10_000);
  });

  it('reports every etcd call to observe() with the resource prefix', async () => {
    const seen: [string, string, number, boolean][] = [];
    const s = open({ observe: (op, type, seconds, ok) => seen.push([op, type, seconds, ok]) });
    await s.create('/registry/pods/default/observed', configMap('observed'));
    await rejectsWith(s.get('/registry/pods/default/nope'), 'KeyNotFound');
    await s.list('/registry/apiextensions.k8s.io/customresourcedefinitions/', {});
    assert.deepEqual(
      seen.map(([op, type, , ok]) => [op, type, ok]),
      [
        ['create', '/registry/pods', true],
        ['get', '/registry/pods', true],
        ['list', '/registry/apiextensions.k8s.io/customresourcedefinitions', true],
      ],
    );
    for (const [, , seconds] of seen) assert.ok(seconds >= 0 && seconds < 5);
  });

  it('compaction goes through the compact_rev_key txn, shared by several API servers', async () => {
    const a = open();
    const b = open();
    const raw = rawClient(etcd);
    try {
      const before = await raw.get('compact_rev_key').exec();
      const versionBefore = before.kvs[0] ? BigInt(before.kvs[0].version) : 0n;
      const x = await a.create('/registry/compact/default/x', configMap('x'));
      const rev = await a.compactNow();
      assert.ok(BigInt(rev) >= BigInt(x.metadata.resourceVersion ?? '0'));
      const after1 = await raw.get('compact_rev_key').exec();
      assert.equal(after1.kvs[0].value.toString(), rev);
      assert.equal(BigInt(after1.kvs[0].version), versionBefore + 1n);
      // b has not seen that version: its first CAS fails, it learns the version, then wins.
      const rev2 = await b.compactNow();
      const after2 = await raw.get('compact_rev_key').exec();
      assert.equal(after2.kvs[0].value.toString(), rev2);
      assert.equal(BigInt(after2.kvs[0].version), versionBefore + 2n);
      await rejectsWith(
        a.list('/registry/compact/', { resourceVersion: x.metadata.resourceVersion, resourceVersionMatch: 'Exact' }),
        'Expired',
      );
    } finally {
      raw.close();
    }
  });

  it('the periodic compactor compacts what it saw an interval earlier', async () => {
    const s = open({ compactionIntervalMs: 300 });
    const old = await s.create('/registry/periodic/default/p', configMap('p'));
    const deadline = Date.now() + 8000;
    let expired = false;
    while (!expired && Date.now() < deadline) {
      await s.guaranteedUpdate('/registry/periodic/default/p', (cur) => ({ ...cur!, data: { t: String(Date.now()) } }));
      await new Promise((r) => setTimeout(r, 100));
      expired = await s
        .list('/registry/periodic/', { resourceVersion: old.metadata.resourceVersion, resourceVersionMatch: 'Exact' })
        .then(
          () => false,
          () => true,
        );
    }
    assert.ok(expired, 'the old revision was never compacted');
    // History younger than one interval is kept: the latest object is readable at its revision.
    const latest = await s.get('/registry/periodic/default/p');
    const at = await s.list('/registry/periodic/', { resourceVersion: latest.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.equal(at.items.length, 1);
  });

  // clientv3's watchGrpcStream reopens a broken stream and resumes each watch after its last revision.
  it('etcd down: calls fail fast with Unavailable, watches wait and resume after restart', async () => {
    const s = open();
    await s.create('/registry/outage/default/o', configMap('o'));
    const w = s.watch('/registry/outage/', { recursive: true, resourceVersion: '0' });
    assert.equal((await nextEvents(w, 1))[0].type, 'ADDED');

    etcd.kill();
    const started = Date.now();
    const err = await rejectsWith(s.get('/registry/outage/default/o'), 'Unavailable');
    assert.ok(err.message.length > 0);
    await rejectsWith(s.create('/registry/outage/default/p', configMap('p')), 'Unavailable');
    await rejectsWith(s.list('/registry/outage/', {}), 'Unavailable');
    assert.equal(await s.healthy(), false);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await etcd.restart();
    const deadline = Date.now() + 10_000;
    while (!(await s.healthy()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await s.healthy(), true);
    assert.equal((await s.get('/registry/outage/default/o')).metadata.name, 'o');
    const w2 = s.watch('/registry/outage/', { recursive: true, resourceVersion: '0' });
    assert.equal((await nextEvents(w2, 1))[0].type, 'ADDED');
    const p = await s.create('/registry/outage/default/p', configMap('p'));
    const [live] = await nextEvents(w2, 1);
    w2.stop();
    assert.equal(live.object.metadata.resourceVersion, p.metadata.resourceVersion);
    // The watch opened before the outage delivers the write made after it, and nothing else.
    const [resumed] = await nextEvents(w, 1, 10_000);
    w.stop();
    assert.equal(resumed.type, 'ADDED');
    assert.equal(resumed.object.metadata.resourceVersion, p.metadata.resourceVersion);
  });
});

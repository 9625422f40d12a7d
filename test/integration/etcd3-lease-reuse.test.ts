// TTL keys share etcd leases (upstream's lease reuse), an update with a TTL re-attaches the key
// to a lease, and the keys expire.
// needs etcd: tests the etcd3 backend itself
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Etcd3Storage } from '../../src/storage/etcd3/index.js';
import { storageOptions, useEtcd } from '../helpers/etcd.js';

describe('etcd3 lease reuse', () => {
  const ctx = useEtcd();

  const storageFor = (reuse: number) => new Etcd3Storage(storageOptions(ctx.etcd, { leaseReuseDurationSeconds: reuse }));
  const leaseOf = async (key: string) => (await ctx.raw.getAll().prefix(key).exec()).kvs[0]?.lease.toString();
  const obj = (name: string) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name } });

  it('attaches a burst of TTL keys to one lease, granted a little longer than the TTL', async () => {
    const s = storageFor(60);
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.create(`/registry/events/default/e${i}`, obj(`e${i}`), { ttlSeconds: 3600 })));
      const leases = new Set(await Promise.all(Array.from({ length: 10 }, (_, i) => leaseOf(`/registry/events/default/e${i}`))));
      assert.equal(leases.size, 1);
      const id = [...leases][0]!;
      assert.notEqual(id, '0');
      const ttl = await ctx.raw.leaseClient.leaseTimeToLive({ ID: id, keys: false });
      // 3600 s plus min(5% of it, 60 s).
      assert.equal(Number(ttl.grantedTTL), 3660);
    } finally {
      await s.close();
    }
  });

  it('gives an update with a TTL a lease and lets the key expire', async () => {
    const s = storageFor(0);
    try {
      await s.create('/registry/events/default/u', obj('u'));
      assert.equal(await leaseOf('/registry/events/default/u'), '0');
      await s.guaranteedUpdate('/registry/events/default/u', cur => ({ ...cur!, reason: 'x' }), { ttlSeconds: 2 });
      assert.notEqual(await leaseOf('/registry/events/default/u'), '0');
      const deadline = Date.now() + 10_000;
      while (await leaseOf('/registry/events/default/u') !== undefined) {
        assert.ok(Date.now() < deadline, 'the key did not expire');
        await new Promise(r => setTimeout(r, 200));
      }
    } finally {
      await s.close();
    }
  });
});

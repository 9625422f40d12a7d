// The etcd side of a migration: raw range reads in pages, with each key's lease's remaining TTL,
// and writes that attach keys of one TTL to one new lease.
import { createClient, type Etcd3StorageOptions } from '../etcd3/client.js';
import { prefixRangeEnd } from '../resource-version.js';
import type { Keyspace, StoredKey } from './keyspace.js';

const PAGE = 1000;

export type EtcdTarget = Pick<Etcd3StorageOptions, 'endpoints' | 'caFile' | 'certFile' | 'keyFile'>;

export function etcdKeyspace(target: EtcdTarget): Keyspace {
  const client = createClient(target);
  const remaining = new Map<string, number>();
  const ttlOf = async (lease: string): Promise<number | undefined> => {
    if (lease === '0' || lease === '') return undefined;
    if (!remaining.has(lease)) {
      const r = await client.leaseClient.leaseTimeToLive({ ID: lease });
      remaining.set(lease, Number(r.TTL));
    }
    return remaining.get(lease);
  };
  const leases = new Map<number, string>();
  const leaseFor = async (ttl: number): Promise<string> => {
    let id = leases.get(ttl);
    if (id === undefined) {
      id = (await client.leaseClient.leaseGrant({ TTL: ttl })).ID;
      leases.set(ttl, id);
    }
    return id;
  };
  return {
    async *read(prefix) {
      const end = prefixRangeEnd(prefix);
      let start = Buffer.from(prefix);
      let revision: string | undefined;
      for (;;) {
        // Every page at the first page's revision: one consistent snapshot.
        const r = await client.kv.range({ key: start, range_end: end, limit: PAGE, ...(revision ? { revision } : {}) });
        revision ??= r.header.revision;
        for (const kv of r.kvs) {
          const ttl = await ttlOf(kv.lease);
          // -1: the lease expired while we read; the key is about to go.
          if (ttl !== undefined && ttl <= 0) continue;
          yield { key: kv.key.toString('utf8'), value: kv.value, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) };
        }
        if (!r.more || r.kvs.length === 0) return;
        start = Buffer.concat([r.kvs[r.kvs.length - 1]!.key, Buffer.from([0])]);
      }
    },
    async count(prefix) {
      const r = await client.kv.range({ key: Buffer.from(prefix), range_end: prefixRangeEnd(prefix), count_only: true });
      return Number(r.count);
    },
    async write(keys: StoredKey[]) {
      for (const k of keys) {
        const lease = k.ttlSeconds ? await leaseFor(k.ttlSeconds) : '0';
        const key = Buffer.from(k.key);
        // Create-if-absent, as the API server's creates.
        const r = await client.kv.txn({
          compare: [{ key, target: 'Create', result: 'Equal', create_revision: '0' }],
          success: [{ request_put: { key, value: k.value, lease } }],
          failure: [],
        });
        if (!r.succeeded) throw new Error(`key already exists: ${k.key}`);
      }
    },
    async close() {
      client.close();
    },
  };
}

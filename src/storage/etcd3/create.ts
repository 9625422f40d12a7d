// create: a txn that puts only if the key does not exist (mod_revision == 0), with an optional
// TTL through a (shared) lease.
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import { decodeObject, encodeObject, withResourceVersion } from '../value.js';
import { bytes, type EtcdContext } from './client.js';
import { readState } from './get.js';
import type { LeaseManager } from './lease-manager.js';

export interface CreateOptions {
  ttlSeconds?: number;
  dryRun?: boolean;
}

function keyExists(key: string): StorageError {
  return new StorageError('KeyExists', key, `key already exists: ${key}`);
}

export async function create(ctx: EtcdContext, leases: LeaseManager, key: string, obj: KubeObject, opts: CreateOptions = {}): Promise<KubeObject> {
  const data = encodeObject(obj);
  if (opts.dryRun) {
    if ((await readState(ctx, key)).obj) throw keyExists(key);
    return withResourceVersion(obj, '');
  }
  const lease = opts.ttlSeconds && opts.ttlSeconds > 0 ? await leases.leaseFor(key, opts.ttlSeconds) : '0';
  const resp = await ctx.call('create', key, (o) =>
    ctx.client.kv.txn(
      {
        compare: [{ key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: bytes(key), value: ctx.toStored(key, data), lease } }],
      },
      o,
    ),
  );
  if (!resp.succeeded) throw keyExists(key);
  return decodeObject(data, resp.header.revision, key);
}

// create: insert only if the key has no live row, in the same transaction as the check.
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import { decodeObject, encodeObject, withResourceVersion } from '../value.js';
import { live } from './get.js';
import { leaseExpiry } from './lease.js';
import type { Log } from './log.js';

export interface CreateOptions {
  ttlSeconds?: number;
  dryRun?: boolean;
}

function keyExists(key: string): StorageError {
  return new StorageError('KeyExists', key, `key already exists: ${key}`);
}

export async function create(log: Log, key: string, obj: KubeObject, opts: CreateOptions = {}): Promise<KubeObject> {
  const data = encodeObject(obj);
  if (opts.dryRun) {
    if (live(log.latest(key))) throw keyExists(key);
    return withResourceVersion(obj, '');
  }
  const row = await log.append({ name: key, created: true, deleted: false, lease: leaseExpiry(opts.ttlSeconds), value: data, oldValue: null }, (latest) => {
    if (live(latest)) throw keyExists(key);
  });
  return decodeObject(data, String(row.id), key);
}

// get: one key, at the latest revision.
import type { IRangeResponse } from 'etcd3';
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import { decodeObject } from '../value.js';
import { bytes, type EtcdContext } from './client.js';

/** A key as last read: the object (null when absent), its JSON bytes, mod_revision ('0' when absent) and lease. */
export interface StoredState {
  obj: KubeObject | null;
  raw: Buffer | null;
  modRevision: string;
  lease: string;
}

export function stateFromRange(ctx: EtcdContext, key: string, resp: IRangeResponse): StoredState {
  const kv = resp.kvs[0];
  if (!kv) return { obj: null, raw: null, modRevision: '0', lease: '0' };
  const raw = ctx.fromStored(key, kv.value);
  return { obj: decodeObject(raw, kv.mod_revision, key), raw, modRevision: kv.mod_revision, lease: kv.lease };
}

export async function readState(ctx: EtcdContext, key: string): Promise<StoredState> {
  const resp = await ctx.call('get', key, (o) => ctx.client.kv.range({ key: bytes(key) }, o));
  return stateFromRange(ctx, key, resp);
}

export async function get(ctx: EtcdContext, key: string): Promise<KubeObject> {
  const state = await readState(ctx, key);
  if (!state.obj) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
  return state.obj;
}

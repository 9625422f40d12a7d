// guaranteedUpdate: read, let the caller compute the new object, write it with a txn comparing
// mod_revision; on a lost race the txn's else-branch returns the fresh value and we go again.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import type { UpdateFn, UpdateOptions } from '../interface.js';
import { checkPreconditions } from '../preconditions.js';
import { decodeObject, encodeObject, withResourceVersion } from '../value.js';
import { bytes, type EtcdContext } from './client.js';
import { readState, stateFromRange, type StoredState } from './get.js';
import type { LeaseManager } from './lease-manager.js';

/** A fresh copy for tryUpdate, so whatever it mutates never aliases our state. */
function copyOf(state: StoredState, key: string): KubeObject | null {
  return state.raw ? decodeObject(state.raw, state.modRevision, key) : null;
}

export async function guaranteedUpdate(
  ctx: EtcdContext,
  leases: LeaseManager,
  key: string,
  tryUpdate: UpdateFn,
  opts: UpdateOptions = {},
): Promise<KubeObject> {
  let state = await readState(ctx, key);
  for (;;) {
    if (!state.obj && !opts.allowCreate) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
    checkPreconditions(key, state.obj, opts.preconditions);
    const next = await tryUpdate(copyOf(state, key));
    const data = encodeObject(next);

    // Upstream writes nothing (and makes no new revision) when the stored bytes would not change.
    if (state.obj && state.raw && isDeepStrictEqual(JSON.parse(data), JSON.parse(state.raw.toString('utf8')))) {
      return state.obj;
    }
    if (opts.dryRun) {
      return state.obj ? decodeObject(data, state.modRevision, key) : withResourceVersion(next, '');
    }
    const lease = opts.ttlSeconds && opts.ttlSeconds > 0 ? await leases.leaseFor(key, opts.ttlSeconds) : state.lease;

    const resp = await ctx.call('update', key, (o) =>
      ctx.client.kv.txn(
        {
          compare: [{ key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: state.modRevision }],
          // Without a new TTL the key keeps its lease (an Event's TTL) across updates.
          success: [{ request_put: { key: bytes(key), value: ctx.toStored(key, data), lease } }],
          failure: [{ request_range: { key: bytes(key) } }],
        },
        o,
      ),
    );
    if (resp.succeeded) return decodeObject(data, resp.header.revision, key);
    state = stateFromRange(ctx, key, resp.responses[0].response_range);
  }
}

// delete: read, check preconditions and the caller's validation, then a txn deleting only if
// mod_revision is unchanged; a lost race retries with the value the txn read.
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import type { DeleteOptions } from '../interface.js';
import { checkPreconditions } from '../preconditions.js';
import { decodeObject } from '../value.js';
import { bytes, type EtcdContext } from './client.js';
import { readState, stateFromRange } from './get.js';

export async function deleteKey(ctx: EtcdContext, key: string, opts: DeleteOptions = {}): Promise<KubeObject> {
  let state = await readState(ctx, key);
  for (;;) {
    if (!state.obj || !state.raw) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
    checkPreconditions(key, state.obj, opts.preconditions);
    if (opts.validate) await opts.validate(decodeObject(state.raw, state.modRevision, key));
    if (opts.dryRun) return state.obj;

    const resp = await ctx.call('delete', key, (o) =>
      ctx.client.kv.txn(
        {
          compare: [{ key: bytes(key), target: 'Mod', result: 'Equal', mod_revision: state.modRevision }],
          success: [{ request_delete_range: { key: bytes(key) } }],
          failure: [{ request_range: { key: bytes(key) } }],
        },
        o,
      ),
    );
    // As upstream: the last stored object, stamped with the revision of its deletion.
    if (resp.succeeded) return decodeObject(state.raw, resp.header.revision, key);
    state = stateFromRange(ctx, key, resp.responses[0].response_range);
  }
}

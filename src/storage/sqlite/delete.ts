// delete: read, check preconditions and the caller's validation, then append a tombstone (holding
// the last object, for watchers) if the key is unchanged; a lost race reads again.
import type { KubeObject } from '../../api/types.js';
import type { DeleteOptions } from '../interface.js';
import { checkPreconditions } from '../preconditions.js';
import { decodeObject } from '../value.js';
import { LostRace, decodeRow, live, notFound, unchanged } from './get.js';
import type { Log } from './log.js';

export async function deleteKey(log: Log, key: string, opts: DeleteOptions = {}): Promise<KubeObject> {
  for (;;) {
    const state = live(log.latest(key));
    if (!state) throw notFound(key);
    const obj = decodeRow(state);
    checkPreconditions(key, obj, opts.preconditions);
    if (opts.validate) await opts.validate(decodeRow(state));
    if (opts.dryRun) return obj;
    try {
      const row = await log.append({ name: key, created: false, deleted: true, lease: 0, value: state.value, oldValue: null }, unchanged(state));
      // As upstream: the last stored object, stamped with the revision of its deletion.
      return decodeObject(state.value, String(row.id), key);
    } catch (e) {
      if (!(e instanceof LostRace)) throw e;
    }
  }
}

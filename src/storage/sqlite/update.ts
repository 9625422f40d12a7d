// guaranteedUpdate: read, let the caller compute the new object (it may await), then append it in
// a transaction that first checks the key's live row is still the one read; otherwise go again.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import type { UpdateFn, UpdateOptions } from '../interface.js';
import { checkPreconditions } from '../preconditions.js';
import { decodeObject, encodeObject, withResourceVersion } from '../value.js';
import { LostRace, decodeRow, live, notFound, unchanged } from './get.js';
import { leaseExpiry } from './lease.js';
import type { Log } from './log.js';

export async function guaranteedUpdate(log: Log, key: string, tryUpdate: UpdateFn, opts: UpdateOptions = {}): Promise<KubeObject> {
  for (;;) {
    const state = live(log.latest(key));
    if (!state && !opts.allowCreate) throw notFound(key);
    const current = state ? decodeRow(state) : null;
    checkPreconditions(key, current, opts.preconditions);
    const next = await tryUpdate(state ? decodeRow(state) : null);
    const data = encodeObject(next);

    // As upstream: no write (and no new revision) when the stored bytes would not change.
    if (state && current && isDeepStrictEqual(JSON.parse(data), JSON.parse(state.value.toString('utf8')))) return current;
    if (opts.dryRun) return state ? decodeObject(data, String(state.id), key) : withResourceVersion(next, '');
    // Without a new TTL the key keeps its expiry across updates (an Event's TTL).
    const lease = opts.ttlSeconds && opts.ttlSeconds > 0 ? leaseExpiry(opts.ttlSeconds) : state?.lease ?? 0;
    try {
      const row = await log.append({ name: key, created: !state, deleted: false, lease, value: data, oldValue: state?.value ?? null }, unchanged(state));
      return decodeObject(data, String(row.id), key);
    } catch (e) {
      if (!(e instanceof LostRace)) throw e;
    }
  }
}

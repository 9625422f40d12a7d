// TTL keys (kine's ttl loop): the lease column holds the key's expiry time, so a restart keeps
// it; a sweeper deletes expired keys with ordinary tombstones, which watchers see as DELETED.
import { LostRace, live, unchanged } from './get.js';
import type { Log } from './log.js';

/** The lease column value of a write with this TTL (0: none). */
export function leaseExpiry(ttlSeconds: number | undefined, now = Date.now()): number {
  return ttlSeconds && ttlSeconds > 0 ? now + Math.ceil(ttlSeconds) * 1000 : 0;
}

export class LeaseSweeper {
  constructor(private readonly log: Log) {}

  /** Deletes every key expired at `now`; returns how many. A key rewritten meanwhile is left alone. */
  sweep(now = Date.now()): number {
    let deleted = 0;
    for (const row of this.log.expired(now)) {
      const state = live(row);
      if (!state) continue;
      try {
        this.log.append({ name: row.name, created: false, deleted: true, lease: 0, value: state.value, oldValue: null }, unchanged(state));
        deleted++;
      } catch (e) {
        if (!(e instanceof LostRace)) throw e;
      }
    }
    return deleted;
  }
}

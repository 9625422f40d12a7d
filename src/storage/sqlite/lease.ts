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

  /** Deletes every key expired at `now` (one batch); resolves with how many. A key rewritten meanwhile is left alone. */
  async sweep(now = Date.now()): Promise<number> {
    const deletes = this.log.expired(now).flatMap(row => {
      const state = live(row);
      if (!state) return [];
      return [this.log.append({ name: row.name, created: false, deleted: true, lease: 0, value: state.value, oldValue: null }, unchanged(state)).then(
        () => 1,
        (e: unknown) => {
          if (e instanceof LostRace) return 0;
          throw e;
        },
      )];
    });
    return (await Promise.all(deletes)).reduce((a, b) => a + b, 0);
  }
}

// The sqlite side of a migration: the kine log read and appended to directly, without the
// encryption transformer, holding the file's exclusive lock (so no server is using it meanwhile).
import { prefixRangeEnd } from '../resource-version.js';
import { StorageError } from '../errors.js';
import { live } from '../sqlite/get.js';
import { Log, upperBound } from '../sqlite/log.js';
import { openDatabase } from '../sqlite/open.js';
import type { Keyspace, StoredKey } from './keyspace.js';

const PAGE = 1000;

export function sqliteKeyspace(path: string): Keyspace {
  const db = openDatabase(path);
  const log = new Log(db);
  const bounds = (prefix: string) => ({ end: upperBound(prefixRangeEnd(prefix)) });
  return {
    async *read(prefix) {
      const { end } = bounds(prefix);
      const rev = log.revision;
      const now = Date.now();
      let start = prefix;
      for (;;) {
        const rows = log.range(start, end, rev, PAGE);
        for (const row of rows) {
          // A key already past its expiry would be deleted by the sweeper at once: leave it out.
          if (row.lease > 0 && row.lease <= now) continue;
          yield {
            key: row.name,
            value: row.value ?? Buffer.alloc(0),
            ...(row.lease > 0 ? { ttlSeconds: Math.max(1, Math.ceil((row.lease - now) / 1000)) } : {}),
          };
        }
        if (rows.length < PAGE) return;
        start = `${rows[rows.length - 1]!.name}\0`;
      }
    },
    async count(prefix) {
      return log.count(prefix, bounds(prefix).end, log.revision);
    },
    async write(keys: StoredKey[]) {
      // Queued together, so the log commits the batch in one transaction.
      await Promise.all(keys.map(k => log.append(
        { name: k.key, created: true, deleted: false, lease: k.ttlSeconds ? Date.now() + k.ttlSeconds * 1000 : 0, value: k.value, oldValue: null },
        latest => {
          if (live(latest)) throw new StorageError('KeyExists', k.key, `key already exists: ${k.key}`);
        },
      )));
    },
    async close() {
      log.flush();
      db.close();
    },
  };
}

// The on-disk format: kine's single log table (pkg/drivers/sqlite), one row per write. The row id
// is the revision; a delete is a tombstone row; prev_revision is the id of the row a write
// replaced, and the unique (name, prev_revision) index makes two writers racing from the same
// revision impossible. The row named compact_rev_key is the compaction marker: its prev_revision
// is the revision compacted to.
import type Database from 'better-sqlite3';

export const TABLE = 'kine';
export const COMPACT_REV_KEY = 'compact_rev_key';

/**
 * SQLite's application_id of our files ('kats'). kine's own files share the table but not its
 * contents (values in the apiserver's protobuf, the lease column a TTL in seconds), so a kine
 * table without this id is refused rather than misread.
 */
export const APPLICATION_ID = 0x6b617473;

const COLUMNS = ['id', 'name', 'created', 'deleted', 'create_revision', 'prev_revision', 'lease', 'value', 'old_value'];

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    created INTEGER,
    deleted INTEGER,
    create_revision INTEGER,
    prev_revision INTEGER,
    lease INTEGER,
    value BLOB,
    old_value BLOB
  )`,
  `CREATE INDEX IF NOT EXISTS kine_name_index ON ${TABLE} (name)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON ${TABLE} (name, prev_revision)`,
  // The TTL sweeper's query; only rows with a lease are indexed.
  `CREATE INDEX IF NOT EXISTS kine_lease_index ON ${TABLE} (lease) WHERE lease > 0`,
];

/**
 * Creates the schema in an empty database, or checks that an existing one is a kine log.
 * Throws a one-line Error naming the file for anything else.
 */
export function ensureSchema(db: Database.Database, path: string): void {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  if (tables.length > 0 && !tables.includes(TABLE)) {
    throw new Error(`sqlite storage: ${path} is a SQLite database without a ${TABLE} table (tables: ${tables.join(', ')}); refusing to use it`);
  }
  if (tables.includes(TABLE)) {
    const have = new Set((db.prepare(`SELECT name FROM pragma_table_info('${TABLE}')`).pluck().all() as string[]));
    const missing = COLUMNS.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new Error(`sqlite storage: ${path} has a ${TABLE} table of another schema (missing columns: ${missing.join(', ')}); refusing to use it`);
    }
  }
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  if (tables.includes(TABLE) && applicationId !== APPLICATION_ID) {
    throw new Error(`sqlite storage: ${path} has a ${TABLE} table written by another program (application_id ${applicationId}); refusing to use it`);
  }
  db.transaction(() => {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const stmt of DDL) db.exec(stmt);
    const marker = db.prepare(`SELECT id FROM ${TABLE} WHERE name = ?`).get(COMPACT_REV_KEY);
    // The marker takes revision 1 in a new store, so the first write is revision 2, as in etcd.
    if (!marker) {
      db.prepare(
        `INSERT INTO ${TABLE} (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, 0, 0, 0, 0, 0, NULL, NULL)`,
      ).run(COMPACT_REV_KEY);
    }
  })();
}

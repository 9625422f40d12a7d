// The log layer (kine's sqllog): every statement on the kine table, the current and compacted
// revisions, and the in-process broadcast of committed rows. better-sqlite3 is synchronous and
// this process holds the file exclusively, so each write's read-compare-insert runs in a
// transaction that no other writer can interleave with, and listeners see rows in revision order.
// Writes arriving in the same turn of the event loop share one transaction (group commit, as
// etcd batches its raft entries): one fsync for the batch instead of one per write, which the
// synchronous driver would otherwise spend blocking the event loop.
import type Database from 'better-sqlite3';
import type { Transformer } from '../encryption/transformers.js';
import { Broadcaster } from './broadcaster.js';
import { COMPACT_REV_KEY, TABLE } from './schema.js';

/** One row, values as plain JSON bytes (decrypted). */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  /** Expiry time of a TTL key (epoch ms); 0: none. */
  lease: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

/** What a write appends: a put (value) or a tombstone (deleted). */
export interface Append {
  name: string;
  created: boolean;
  deleted: boolean;
  lease: number;
  value: string | Buffer;
  oldValue: Buffer | null;
}

export type RowCheck = (latest: LogRow | undefined) => void;

interface PendingWrite {
  append: Append;
  check: RowCheck;
  resolve(row: LogRow): void;
  reject(e: unknown): void;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, lease, value, old_value';
/** The latest row of every name in [start, end) at or below a revision. */
const LATEST_IN_RANGE = (bounded: boolean) =>
  `SELECT MAX(id) AS mid FROM ${TABLE} WHERE name >= @start ${bounded ? 'AND name < @end' : ''} AND id <= @rev AND name != '${COMPACT_REV_KEY}' GROUP BY name`;

export class Log {
  /** The latest revision. */
  revision: number;
  /** Reads below this revision are gone (0: nothing compacted). */
  compactRevision: number;
  readonly broadcaster = new Broadcaster<LogRow>();
  private readonly stmts;
  private pending: PendingWrite[] = [];
  private flushTimer: NodeJS.Immediate | undefined;

  constructor(
    readonly db: Database.Database,
    private readonly transformerFor: (key: string) => Transformer | undefined = () => undefined,
  ) {
    const stmt = (sql: string) => db.prepare(sql);
    // A range with and without an upper bound ([0] from prefixRangeEnd means none).
    const both = (sql: (bounded: boolean) => string) => {
      const [open, bounded] = [stmt(sql(false)), stmt(sql(true))];
      return (isBounded: boolean) => (isBounded ? bounded : open);
    };
    this.stmts = {
      latest: stmt(`SELECT ${COLUMNS} FROM ${TABLE} WHERE name = ? ORDER BY id DESC LIMIT 1`),
      insert: stmt(
        `INSERT INTO ${TABLE} (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value)
         VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @lease, @value, @old_value)`,
      ),
      maxId: stmt(`SELECT MAX(id) FROM ${TABLE}`).pluck(),
      // Rows below rev that the state at rev no longer needs: replaced by a newer row at or below
      // rev, or tombstones (the key is simply absent at rev).
      compact: stmt(
        `DELETE FROM ${TABLE} WHERE id < @rev AND name != '${COMPACT_REV_KEY}' AND (deleted = 1 OR EXISTS
         (SELECT 1 FROM ${TABLE} n WHERE n.name = ${TABLE}.name AND n.id > ${TABLE}.id AND n.id <= @rev))`,
      ),
      marker: stmt(`SELECT prev_revision FROM ${TABLE} WHERE name = '${COMPACT_REV_KEY}'`).pluck(),
      setMarker: stmt(`UPDATE ${TABLE} SET prev_revision = ? WHERE name = '${COMPACT_REV_KEY}'`),
      range: both((b) => `SELECT ${COLUMNS} FROM ${TABLE} WHERE id IN (${LATEST_IN_RANGE(b)}) AND deleted = 0 ORDER BY name LIMIT @limit`),
      count: both((b) => `SELECT COUNT(*) FROM ${TABLE} WHERE id IN (${LATEST_IN_RANGE(b)}) AND deleted = 0`),
      since: both(
        (b) => `SELECT ${COLUMNS} FROM ${TABLE} WHERE id > @after AND name >= @start ${b ? 'AND name < @end' : ''} AND name != '${COMPACT_REV_KEY}' ORDER BY id`,
      ),
      expired: stmt(
        `SELECT ${COLUMNS} FROM ${TABLE} k WHERE lease > 0 AND lease <= ? AND deleted = 0
         AND NOT EXISTS (SELECT 1 FROM ${TABLE} n WHERE n.name = k.name AND n.id > k.id)`,
      ),
    };
    this.revision = Number(this.stmts.maxId.get() ?? 0);
    this.compactRevision = Number(this.stmts.marker.get() ?? 0);
  }

  /** The newest row of a key, tombstones included. */
  latest(name: string): LogRow | undefined {
    return this.plain(this.stmts.latest.get(name) as LogRow | undefined);
  }

  /**
   * Queues a write: at the end of this turn of the event loop every queued write is applied in one
   * transaction, each as check(latest row of the name, earlier writes of the batch included; it
   * throws to refuse that write alone) then an insert at the next revision. Resolves once the
   * transaction is on disk; listeners hear about the rows right after the commit, in order.
   */
  append(a: Append, check: RowCheck): Promise<LogRow> {
    return new Promise((resolve, reject) => {
      this.pending.push({ append: a, check, resolve, reject });
      this.flushTimer ??= setImmediate(() => this.flush());
    });
  }

  /** Commits the queued writes now (before closing the database). */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    let outcomes: (LogRow | { refused: unknown })[];
    try {
      outcomes = this.db.transaction(() => {
        let revision = this.revision;
        return batch.map(w => {
          const outcome = this.applyOne(w, revision + 1);
          if (!('refused' in outcome)) revision = outcome.id;
          return outcome;
        });
      }).immediate();
    } catch (e) {
      // The transaction did not commit (I/O error, disk full, closed): no write of the batch happened.
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if ('refused' in outcome) {
        w.reject(outcome.refused);
        return;
      }
      this.revision = outcome.id;
      this.broadcaster.publish(outcome);
      w.resolve(outcome);
    });
  }

  /** One write inside the batch's transaction; a refused check leaves the others alone. */
  private applyOne(w: PendingWrite, id: number): LogRow | { refused: unknown } {
    const a = w.append;
    const latest = this.latest(a.name);
    try {
      w.check(latest);
    } catch (e) {
      return { refused: e };
    }
    const row: LogRow = {
      id,
      name: a.name,
      created: a.created ? 1 : 0,
      deleted: a.deleted ? 1 : 0,
      create_revision: a.created ? id : latest?.create_revision ?? id,
      prev_revision: latest?.id ?? 0,
      lease: a.lease,
      value: Buffer.from(a.value),
      old_value: a.oldValue,
    };
    this.stmts.insert.run({ ...row, value: this.toStored(a.name, row.value), old_value: this.toStored(a.name, row.old_value) });
    return row;
  }

  /** Live keys in [start, end) (end null: unbounded) as of revision rev, at most limit (0: all). */
  range(start: string, end: string | null, rev: number, limit: number): LogRow[] {
    const rows = this.stmts.range(end !== null).all({ start, ...(end !== null ? { end } : {}), rev, limit: limit > 0 ? limit : -1 });
    return rows.map((r) => this.plain(r as LogRow)!);
  }

  count(start: string, end: string | null, rev: number): number {
    return Number(this.stmts.count(end !== null).pluck().get({ start, ...(end !== null ? { end } : {}), rev }));
  }

  /** Every row after revision `after` for names in [start, end), in revision order. */
  since(after: number, start: string, end: string | null): LogRow[] {
    const rows = this.stmts.since(end !== null).all({ after, start, ...(end !== null ? { end } : {}) });
    return rows.map((r) => this.plain(r as LogRow)!);
  }

  /** Live keys whose lease ran out at or before now (epoch ms). */
  expired(now: number): LogRow[] {
    return this.stmts.expired.all(now).map((r) => this.plain(r as LogRow)!);
  }

  /** Drops the history below rev and records rev in the compaction marker, in one transaction; returns the rows removed. */
  compactTo(rev: number): number {
    const removed = this.db.transaction(() => {
      const { changes } = this.stmts.compact.run({ rev });
      this.stmts.setMarker.run(rev);
      return changes;
    }).immediate();
    this.compactRevision = rev;
    return removed;
  }

  private toStored(name: string, value: Buffer | null): Buffer | null {
    if (value === null) return null;
    const t = this.transformerFor(name);
    return t ? t.toStorage(value, name) : value;
  }

  private plain(row: LogRow | undefined): LogRow | undefined {
    if (!row) return undefined;
    const t = this.transformerFor(row.name);
    if (!t) return row;
    return {
      ...row,
      value: row.value === null ? null : t.fromStorage(row.value, row.name),
      old_value: row.old_value === null ? null : t.fromStorage(row.old_value, row.name),
    };
  }
}

/**
 * The exclusive upper bound of a range as TEXT (SQLite compares TEXT bytewise, as etcd compares
 * keys); null for prefixRangeEnd's "no bound". Bounds come from '/'-terminated prefixes, so they
 * are valid UTF-8; anything else cannot be compared as TEXT and is refused.
 */
export function upperBound(end: Buffer): string | null {
  if (end.length === 1 && end[0] === 0) return null;
  const text = end.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(end)) throw new Error(`range end is not valid UTF-8: ${end.toString('hex')}`);
  return text;
}

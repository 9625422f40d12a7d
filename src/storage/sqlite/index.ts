// SqliteStorage: the Storage interface over one embedded SQLite file in kine's log format
// (one verb per file; the SQL lives in log.ts).
import type Database from 'better-sqlite3';
import type { KubeObject } from '../../api/types.js';
import type { Transformer } from '../encryption/transformers.js';
import type { DeleteOptions, ListOptions, ListResult, Storage, UpdateFn, UpdateOptions, WatchOptions, Watcher } from '../interface.js';
import { parseResourceVersion } from '../resource-version.js';
import { Compactor, compact } from './compact.js';
import { create, type CreateOptions } from './create.js';
import { deleteKey } from './delete.js';
import { get } from './get.js';
import { LeaseSweeper } from './lease.js';
import { count, list } from './list.js';
import { Log } from './log.js';
import { openDatabase } from './open.js';
import { every } from './periodic.js';
import { guarded } from './unavailable.js';
import { guaranteedUpdate } from './update.js';
import { watchLog } from './watch.js';

export interface SqliteStorageOptions {
  /** The database file; created with the schema if absent. */
  path: string;
  /** How often the compactor runs (as --etcd-compaction-interval, default 5 min); 0 disables it. */
  compactionIntervalMs?: number;
  /** How often watchers that asked for bookmarks get one (default 60 s). */
  bookmarkIntervalMs?: number;
  /** How often expired TTL keys are deleted (default 1 s); 0 disables the sweeper. */
  leaseSweepIntervalMs?: number;
  /** Told about failed background work (compaction, TTL sweeps); it is tried again next interval. */
  onBackgroundError?: (e: unknown) => void;
  /** Encryption at rest: the transformer for a key's values, or undefined to store them as they are. */
  transformerFor?: (key: string) => Transformer | undefined;
}

export class SqliteStorage implements Storage {
  private readonly sweeper: LeaseSweeper;
  private readonly stopBackground: (() => void)[];
  private readonly bookmarkIntervalMs: number;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: Log,
    opts: SqliteStorageOptions,
  ) {
    const onError = opts.onBackgroundError ?? (() => {});
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    const compactor = new Compactor(log);
    this.sweeper = new LeaseSweeper(log);
    this.stopBackground = [
      every(opts.compactionIntervalMs ?? 5 * 60_000, () => compactor.runOnce(), onError),
      every(opts.leaseSweepIntervalMs ?? 1000, () => this.sweeper.sweep(), onError),
    ];
  }

  /**
   * Opens (or creates) the store and takes its exclusive lock. Throws a one-line Error for a file
   * that is not a sound SQLite database, one without the kine table, or one another process holds.
   */
  static open(opts: SqliteStorageOptions): SqliteStorage {
    const db = openDatabase(opts.path);
    return new SqliteStorage(db, new Log(db, opts.transformerFor), opts);
  }

  create(key: string, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject> {
    return guarded(key, () => create(this.log, key, obj, opts));
  }

  get(key: string): Promise<KubeObject> {
    return guarded(key, () => get(this.log, key));
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return guarded(prefix, () => list(this.log, prefix, opts));
  }

  guaranteedUpdate(key: string, tryUpdate: UpdateFn, opts?: UpdateOptions): Promise<KubeObject> {
    return guarded(key, () => guaranteedUpdate(this.log, key, tryUpdate, opts));
  }

  delete(key: string, opts?: DeleteOptions): Promise<KubeObject> {
    return guarded(key, () => deleteKey(this.log, key, opts));
  }

  watch(key: string, opts: WatchOptions): Watcher {
    return watchLog(this.log, key, opts, this.bookmarkIntervalMs);
  }

  /** A BOOKMARK at the current revision, now, to every watcher that asked for bookmarks. */
  requestWatchProgress(): void {
    this.log.broadcaster.requestProgress();
  }

  count(prefix: string): Promise<number> {
    return guarded(prefix, () => count(this.log, prefix));
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets history before `revision` (default: the current revision); returns the revision compacted to. */
  async compact(revision?: string): Promise<string> {
    const rev = revision === undefined ? this.log.revision : Number(parseResourceVersion(revision, ''));
    compact(this.log, rev);
    return String(rev);
  }

  /** Deletes the TTL keys expired by now (the sweeper's work, on demand); resolves with how many. */
  sweepExpired(): Promise<number> {
    return this.sweeper.sweep();
  }

  /** The current revision, as a decimal string. */
  currentRevision(): string {
    return String(this.log.revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopBackground) stop();
    // Writes already queued are committed, not dropped.
    this.log.flush();
    this.log.broadcaster.close();
    this.db.close();
  }
}

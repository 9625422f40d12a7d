// MemoryStorage: the Storage contract in process memory (revisions, continue tokens, watches,
// compaction on demand), for unit tests of the layers above. Nothing is persisted.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import type { DeleteOptions, ListOptions, ListResult, Storage, UpdateFn, UpdateOptions, WatchOptions, Watcher } from '../interface.js';
import { pagedList } from '../paged-list.js';
import { checkPreconditions } from '../preconditions.js';
import { parseResourceVersion, prefixRangeEnd } from '../resource-version.js';
import { decodeObject, encodeObject, withResourceVersion } from '../value.js';
import { Mvcc, type Current } from './mvcc.js';
import { watchMemory } from './watch.js';

export interface MemoryStorageOptions {
  /** How often watchers that asked for bookmarks get one (default 60 s). */
  bookmarkIntervalMs?: number;
}

function notFound(key: string): StorageError {
  return new StorageError('KeyNotFound', key, `key not found: ${key}`);
}

export class MemoryStorage implements Storage {
  private readonly store = new Mvcc();
  private readonly leaseTimers = new Set<NodeJS.Timeout>();
  private nextLease = 1;
  private readonly bookmarkIntervalMs: number;

  constructor(opts: MemoryStorageOptions = {}) {
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
  }

  async create(key: string, obj: KubeObject, opts: { ttlSeconds?: number; dryRun?: boolean } = {}): Promise<KubeObject> {
    const data = encodeObject(obj);
    if (this.store.current(key)) throw new StorageError('KeyExists', key, `key already exists: ${key}`);
    if (opts.dryRun) return withResourceVersion(obj, '');
    const lease = opts.ttlSeconds && opts.ttlSeconds > 0 ? this.grantLease(key, opts.ttlSeconds) : 0;
    const change = this.store.put(key, data, lease);
    return decodeObject(data, change.rev.toString(), key);
  }

  async get(key: string): Promise<KubeObject> {
    const cur = this.store.current(key);
    if (!cur) throw notFound(key);
    return decodeObject(cur.value, cur.modRev.toString(), key);
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return pagedList(async (start, end, limit, revision) => this.store.range(start, end, limit, revision, prefix), prefix, opts);
  }

  async guaranteedUpdate(key: string, tryUpdate: UpdateFn, opts: UpdateOptions = {}): Promise<KubeObject> {
    for (;;) {
      const cur = this.store.current(key);
      if (!cur && !opts.allowCreate) throw notFound(key);
      const currentObj = cur ? decodeObject(cur.value, cur.modRev.toString(), key) : null;
      checkPreconditions(key, currentObj, opts.preconditions);
      const next = await tryUpdate(cur ? decodeObject(cur.value, cur.modRev.toString(), key) : null);
      const data = encodeObject(next);
      if (cur && currentObj && isDeepStrictEqual(JSON.parse(data), JSON.parse(cur.value))) return currentObj;
      if (opts.dryRun) return cur ? decodeObject(data, cur.modRev.toString(), key) : withResourceVersion(next, '');
      // tryUpdate may have awaited: write only if nobody changed the key meanwhile (the etcd txn's compare).
      if (!sameRevision(this.store.current(key), cur)) continue;
      const lease = opts.ttlSeconds && opts.ttlSeconds > 0 ? this.grantLease(key, opts.ttlSeconds) : cur?.lease ?? 0;
      const change = this.store.put(key, data, lease);
      return decodeObject(data, change.rev.toString(), key);
    }
  }

  async delete(key: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    for (;;) {
      const cur = this.store.current(key);
      if (!cur) throw notFound(key);
      const obj = decodeObject(cur.value, cur.modRev.toString(), key);
      checkPreconditions(key, obj, opts.preconditions);
      if (opts.validate) await opts.validate(decodeObject(cur.value, cur.modRev.toString(), key));
      if (opts.dryRun) return obj;
      if (!sameRevision(this.store.current(key), cur)) continue;
      const change = this.store.delete(key);
      return decodeObject(cur.value, (change?.rev ?? cur.modRev).toString(), key);
    }
  }

  watch(key: string, opts: WatchOptions): Watcher {
    return watchMemory(this.store, key, opts, this.bookmarkIntervalMs);
  }

  /** A BOOKMARK at the current revision, now, to every watcher that asked for bookmarks. */
  requestWatchProgress(): void {
    this.store.requestProgress();
  }

  async count(prefix: string): Promise<number> {
    const keyPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return this.store.range(keyPrefix, prefixRangeEnd(keyPrefix), 0, 0n, keyPrefix).count;
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  /** Forgets history before `revision` (default: the current revision); returns the revision compacted to. */
  async compactNow(revision?: string): Promise<string> {
    const rev = revision === undefined ? this.store.revision : parseResourceVersion(revision, '');
    this.store.compact(rev);
    return rev.toString();
  }

  /** The current revision, as a decimal string. */
  currentRevision(): string {
    return this.store.revision.toString();
  }

  async close(): Promise<void> {
    for (const t of this.leaseTimers) clearTimeout(t);
    this.leaseTimers.clear();
  }

  private grantLease(key: string, ttlSeconds: number): number {
    const lease = this.nextLease++;
    const timer = setTimeout(() => {
      this.leaseTimers.delete(timer);
      if (this.store.current(key)?.lease === lease) this.store.delete(key);
    }, Math.ceil(ttlSeconds) * 1000).unref();
    this.leaseTimers.add(timer);
    return lease;
  }
}

function sameRevision(a: Current | undefined, b: Current | undefined): boolean {
  return (a?.modRev ?? 0n) === (b?.modRev ?? 0n);
}

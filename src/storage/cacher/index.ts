// Cacher: the Storage interface served from memory for the resource prefixes it is given (upstream's
// storage/cacher, 1.32 with ConsistentListFromCache), over an inner Storage that takes every write
// and every read the cache cannot answer. One WatchCache per prefix, created on first use.
import type { KubeObject } from '../../api/types.js';
import { decodeContinue } from '../continue-token.js';
import { StorageError, isStorageError } from '../errors.js';
import type { DeleteOptions, ListOptions, ListResult, ReadOptions, Storage, UpdateFn, UpdateOptions, WatchOptions, Watcher } from '../interface.js';
import { pagedList, type RangeFn } from '../paged-list.js';
import { parseResourceVersion, tooLargeResourceVersion } from '../resource-version.js';
import { DeferredWatcher } from './deferred-watcher.js';
import type { EventBufferOptions } from './event-buffer.js';
import { RevisionBatcher, Throttle } from './fresh-revision.js';
import { WatchCache } from './watch-cache.js';

/** An inner storage that can ask its watch stream for a progress notification now (etcd's RequestProgress). */
export interface WatchProgressRequester {
  requestWatchProgress(): void;
}

function canRequestProgress(s: Storage): s is Storage & WatchProgressRequester {
  return typeof (s as Partial<WatchProgressRequester>).requestWatchProgress === 'function';
}

/**
 * An inner storage in this process that knows its current revision without a round trip (the
 * embedded sqlite log); etcd's is learned with a one-key range read instead.
 */
export interface CurrentRevisionReader {
  currentRevision(): string;
}

function knowsCurrentRevision(s: Storage): s is Storage & CurrentRevisionReader {
  return typeof (s as Partial<CurrentRevisionReader>).currentRevision === 'function';
}

export interface CacherOptions {
  /** Resource prefixes to cache, e.g. '/registry/pods/' (with the trailing slash); other keys pass through. */
  roots: string[];
  eventBuffer?: EventBufferOptions;
  /** Live events a watcher may have queued before it is closed as too slow (default 1000). */
  watcherBufferSize?: number;
  /** How often watchers that asked for bookmarks get one (default 60 s, upstream's frequency). */
  bookmarkIntervalMs?: number;
  /** How long a read waits for the cache to catch up before giving up (default 3 s, as upstream). */
  freshnessTimeoutMs?: number;
  /** How long a watch waits for a new cache's first list before going to the inner storage (default 3 s). */
  readyTimeoutMs?: number;
  /** Pause before relisting after an inner watch broke (default 1 s). */
  retryMs?: number;
  /** Told when a cache's list or inner watch fails (it then starts over). */
  onError?: (root: string, e: unknown) => void;
}

/** Thrown inside a cached list when the cache cannot answer; the list then goes to the inner storage. */
class Delegate extends Error {}

export class Cacher implements Storage {
  private roots: string[];
  private readonly caches = new Map<string, WatchCache>();
  private readonly revisions = new RevisionBatcher();
  private readonly progress: Throttle | undefined;
  private readonly freshnessTimeoutMs: number;
  private readonly readyTimeoutMs: number;
  private closed = false;

  constructor(
    private readonly inner: Storage,
    private readonly opts: CacherOptions,
  ) {
    // Longest first, so a root nested in another wins.
    this.roots = [...new Set(opts.roots.map((r) => (r.endsWith('/') ? r : `${r}/`)))].sort((a, b) => b.length - a.length);
    this.freshnessTimeoutMs = opts.freshnessTimeoutMs ?? 3000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 3000;
    const requester = canRequestProgress(inner) ? inner : undefined;
    this.progress = requester ? new Throttle(() => requester.requestWatchProgress(), 10) : undefined;
  }

  /** Caches another resource prefix from now on (a custom resource's), e.g. '/registry/example.com/widgets/'. */
  addRoot(root: string): void {
    const r = root.endsWith('/') ? root : `${root}/`;
    if (this.roots.includes(r)) return;
    this.roots = [...this.roots, r].sort((a, b) => b.length - a.length);
  }

  /** Stops caching a prefix and drops its cache; its watchers end and clients re-list. */
  removeRoot(root: string): void {
    const r = root.endsWith('/') ? root : `${root}/`;
    this.roots = this.roots.filter(x => x !== r);
    this.caches.get(r)?.close();
    this.caches.delete(r);
  }

  /** The cache for a key or prefix under a configured root, started if new; undefined for other keys. */
  cacheFor(keyOrPrefix: string): WatchCache | undefined {
    if (this.closed) return undefined;
    const root = this.roots.find((r) => keyOrPrefix.startsWith(r) || keyOrPrefix === r.slice(0, -1));
    if (!root) return undefined;
    let cache = this.caches.get(root);
    if (!cache) {
      cache = new WatchCache(this.inner, root, {
        eventBuffer: this.opts.eventBuffer,
        watcherBufferSize: this.opts.watcherBufferSize ?? 1000,
        bookmarkIntervalMs: this.opts.bookmarkIntervalMs ?? 60_000,
        retryMs: this.opts.retryMs ?? 1000,
        onError: (e) => this.opts.onError?.(root, e),
      });
      this.caches.set(root, cache);
    }
    return cache;
  }

  async create(key: string, obj: KubeObject, opts?: { ttlSeconds?: number; dryRun?: boolean }): Promise<KubeObject> {
    const out = await this.inner.create(key, obj, opts);
    if (!opts?.dryRun) this.noteWrite(key, out);
    return out;
  }

  async get(key: string, opts?: ReadOptions): Promise<KubeObject> {
    const cache = this.cacheFor(key);
    if (!cache || !(await this.consistent(cache))) return this.inner.get(key);
    const entry = cache.store.get(key);
    if (!entry) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
    return opts?.shared ? entry.shared() : entry.decode();
  }

  async list(prefix: string, opts: ListOptions): Promise<ListResult> {
    const cache = this.cacheFor(prefix);
    if (!cache?.isReady) return this.inner.list(prefix, opts);
    const keyPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const rv = opts.resourceVersion ?? '';
    const match = opts.resourceVersionMatch ?? '';
    if (opts.continue) {
      // A page is served from memory only while the cache still holds the token's snapshot
      // (checked in the range); the inner storage answers the rest, 410 included.
      const { rv: tokenRevision } = decodeContinue(opts.continue, keyPrefix);
      if ((rv !== '' && rv !== '0') || tokenRevision <= 0n) return this.inner.list(prefix, opts);
      return this.listFromCache(cache, prefix, opts);
    }
    if (rv === '') {
      return (await this.consistent(cache)) ? this.listFromCache(cache, prefix, opts) : this.inner.list(prefix, opts);
    }
    const wanted = parseResourceVersion(rv, keyPrefix);
    const paging = (opts.limit ?? 0) > 0;
    if (wanted === 0n || match === 'Exact' || (match === '' && paging)) return this.listFromCache(cache, prefix, opts);
    if (match !== '' && match !== 'NotOlderThan') return this.inner.list(prefix, opts);
    if (!(await cache.waitFresh(wanted, this.freshnessTimeoutMs, this.requestProgress))) {
      if (!cache.isReady) return this.inner.list(prefix, opts);
      throw tooLargeResourceVersion(keyPrefix, wanted, cache.revision);
    }
    return this.listFromCache(cache, prefix, opts);
  }

  async guaranteedUpdate(key: string, tryUpdate: UpdateFn, opts?: UpdateOptions): Promise<KubeObject> {
    const out = await this.inner.guaranteedUpdate(key, tryUpdate, opts);
    if (!opts?.dryRun) this.noteWrite(key, out);
    return out;
  }

  async delete(key: string, opts?: DeleteOptions): Promise<KubeObject> {
    const out = await this.inner.delete(key, opts);
    if (!opts?.dryRun) this.noteWrite(key, out);
    return out;
  }

  watch(key: string, opts: WatchOptions): Watcher {
    const cache = this.cacheFor(key);
    if (!cache) return this.inner.watch(key, opts);
    const from = parseResourceVersion(opts.resourceVersion, key);
    return new DeferredWatcher(this.openWatch(cache, key, opts, from));
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.progress?.cancel();
    for (const cache of this.caches.values()) cache.close();
    this.caches.clear();
    await this.inner.close();
  }

  private readonly requestProgress = (): void => this.progress?.request();

  /**
   * Waits until the cache holds etcd's current revision (a consistent read, upstream's
   * ConsistentListFromCache); false when it cannot (not ready, no way to ask for progress, or no
   * catching up within the timeout): the caller then reads the inner storage.
   */
  private async consistent(cache: WatchCache): Promise<boolean> {
    if (!cache.isReady || !this.progress) return false;
    const inner = this.inner;
    const current = knowsCurrentRevision(inner) ? BigInt(inner.currentRevision()) : await this.revisions.current(async () => {
      const page = await inner.list(cache.root, { limit: 1 });
      return BigInt(page.resourceVersion);
    });
    return cache.waitFresh(current, this.freshnessTimeoutMs, this.requestProgress);
  }

  private async listFromCache(cache: WatchCache, prefix: string, opts: ListOptions): Promise<ListResult> {
    const range: RangeFn = async (start, end, limit, revision) => {
      // The cache holds one state, valid for [changeRevision, revision]; other revisions are etcd's.
      if (!cache.isReady || (revision !== 0n && (revision < cache.changeRevision || revision > cache.revision))) {
        throw new Delegate();
      }
      const unbounded = end.length === 1 && end[0] === 0;
      const { kvs, count } = cache.store.range(start, unbounded ? undefined : end.toString('utf8'), limit);
      return { kvs, more: kvs.length < count, count, revision: cache.revision };
    };
    try {
      return await pagedList(range, prefix, opts);
    } catch (e) {
      if (e instanceof Delegate) return this.inner.list(prefix, opts);
      throw e;
    }
  }

  private async openWatch(cache: WatchCache, key: string, opts: WatchOptions, from: bigint): Promise<Watcher> {
    if (!(await cache.waitReady(this.readyTimeoutMs))) return this.inner.watch(key, opts);
    if (opts.sendInitialEvents) {
      // The initial state must be no older than the revision asked for, or etcd's current one
      // when none was (a consistent read), as upstream's watch-list waits for its cache.
      if (!opts.resourceVersion) {
        if (!(await this.consistent(cache))) return this.inner.watch(key, opts);
      } else if (from > 0n && !(await cache.waitFresh(from, this.freshnessTimeoutMs, this.requestProgress))) {
        if (!cache.isReady) return this.inner.watch(key, opts);
        throw tooLargeResourceVersion(cache.root, from, cache.revision);
      }
      return cache.watch(key, opts, from);
    }
    // etcd compacted past the start: answer as etcd would (410) rather than replay what it no
    // longer has. Checked for every start revision, since the cache may not have caught up yet.
    if (from > 0n && (await this.compactedAt(cache.root, from))) return this.inner.watch(key, opts);
    if (from > 0n && from < cache.changeRevision) {
      // History before a lazily created cache's first list is etcd's to replay.
      if (from < cache.events.oldestStart() && !cache.events.wasEvicted) return this.inner.watch(key, opts);
      if (!cache.isReady) return this.inner.watch(key, opts);
    }
    return cache.watch(key, opts, from);
  }

  private async compactedAt(root: string, rev: bigint): Promise<boolean> {
    try {
      await this.inner.list(root, { resourceVersion: rev.toString(), resourceVersionMatch: 'Exact', limit: 1 });
      return false;
    } catch (e) {
      return isStorageError(e, 'Expired');
    }
  }

  private noteWrite(key: string, obj: KubeObject): void {
    const rv = obj.metadata.resourceVersion;
    if (!rv || !/^\d+$/.test(rv)) return;
    const root = this.roots.find((r) => key.startsWith(r));
    if (root) this.caches.get(root)?.noteWrite(BigInt(rv));
  }
}

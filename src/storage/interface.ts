// The one storage interface every backend (etcd3, memory, a future watch cache) implements.
// It knows keys, JSON objects and revisions; nothing about HTTP or resources.
import type { KubeObject, Status } from '../api/types.js';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface ListOptions {
  /** '' (default) is a consistent read; '0' is "any"; otherwise a revision, read per resourceVersionMatch. */
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan' | 'Exact';
  /** 0 or undefined: no limit. */
  limit?: number;
  /** An opaque continue token from a previous page. */
  continue?: string;
  /** Items not matching are skipped; pages are still filled up to limit, as upstream does. */
  predicate?: (obj: KubeObject) => boolean;
  /** See ReadOptions.shared. */
  shared?: boolean;
}

export interface ReadOptions {
  /**
   * The caller never mutates what it reads: a cache may hand out its frozen, shared objects
   * (src/storage/shared.ts) instead of private copies. Other backends ignore it.
   */
  shared?: boolean;
}

export interface ListResult {
  items: KubeObject[];
  /** The revision the list was read at, as a decimal string. */
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  | { type: 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: Status };

export interface WatchOptions {
  /** '' or '0': start with synthetic ADDED events for the current state; N: events after revision N. */
  resourceVersion?: string;
  /** Watch every key under the prefix (true) or the exact key (false). */
  recursive: boolean;
  /**
   * Filter; an object that stops matching is sent as DELETED and one that starts matching
   * as ADDED, as upstream's watchers do.
   */
  predicate?: (obj: KubeObject) => boolean;
  /** Emit BOOKMARK events (carrying only metadata.resourceVersion) from etcd progress notifications. */
  bookmarks?: boolean;
  /**
   * The watch-list form (resourceVersionMatch=NotOlderThan). true: the state at a revision no
   * older than resourceVersion ('' means etcd's current one) as ADDED events, then, with
   * bookmarks, a BOOKMARK annotated k8s.io/initial-events-end at that revision. false: no
   * initial events, and ''/'0' start from now. Unset: the legacy rules above.
   */
  sendInitialEvents?: boolean;
  /** See ReadOptions.shared: event objects may be shared by every watcher. */
  shared?: boolean;
}

/**
 * A running watch. Iterate it for events; it ends when stop() is called or the backend fails
 * (a final ERROR event says why). Iteration pulls, so a slow consumer is buffered, not dropped.
 */
export interface Watcher extends AsyncIterable<WatchEvent> {
  stop(): void;
  /**
   * Optional: the same events, each batch all that was queued when the consumer asked (a burst the
   * watch cache fanned out in one turn), so a consumer wakes once per burst, not once per event.
   * A consumer iterates either this or the watcher itself, not both. See watchBatches.
   */
  batches?(): AsyncIterable<WatchEvent[]>;
}

/** Computes the new object from the current one; throw an ApiError to abort. */
export type UpdateFn = (current: KubeObject | null) => Promise<KubeObject> | KubeObject;

export interface UpdateOptions {
  preconditions?: Preconditions;
  /** When true, tryUpdate is called with null if the key does not exist and the result is created. */
  allowCreate?: boolean;
  /** Only validate and compute: nothing is written (dryRun). */
  dryRun?: boolean;
  /** The written key expires after this many seconds (a fresh TTL); without it the key keeps its lease. */
  ttlSeconds?: number;
}

export interface DeleteOptions {
  preconditions?: Preconditions;
  /** Called with the current object before deleting; throw to abort. */
  validate?: (current: KubeObject) => Promise<void> | void;
  dryRun?: boolean;
}

export interface Storage {
  /** Fails with StorageError 'KeyExists' if the key is present. Returns the stored object with its resourceVersion. */
  create(key: string, obj: KubeObject, opts?: { ttlSeconds?: number; dryRun?: boolean }): Promise<KubeObject>;
  /** Fails with 'KeyNotFound'. */
  get(key: string, opts?: ReadOptions): Promise<KubeObject>;
  /** Lists every key under prefix (which ends with '/'). */
  list(prefix: string, opts: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write with compare-and-swap on mod_revision, retried on a lost race.
   * Fails with 'KeyNotFound' (unless allowCreate) or 'Conflict' when preconditions do not hold.
   */
  guaranteedUpdate(key: string, tryUpdate: UpdateFn, opts?: UpdateOptions): Promise<KubeObject>;
  /** Returns the object as it was just before deletion. */
  delete(key: string, opts?: DeleteOptions): Promise<KubeObject>;
  watch(key: string, opts: WatchOptions): Watcher;
  count(prefix: string): Promise<number>;
  /** True when the backend answers (for /readyz and /livez). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

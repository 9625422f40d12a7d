// watch: every watcher is one etcd watch on ONE shared bidi gRPC stream (the raw
// watchClient.watch(), which reports compact_revision; the high-level watcher loses it).
// Watch ids are assigned here (etcd 3.4 honours client-chosen ids), so responses route directly.
// A broken stream (etcd restarted, connection lost) is reopened and every watch resumes after the
// last revision it delivered, as clientv3 does; a resume etcd can no longer serve (compacted)
// ends that watcher with 410, so its consumer relists.
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import type { KubeObject } from '../../api/types.js';
import type { WatchEvent, WatchOptions, Watcher } from '../interface.js';
import { prefixRangeEnd, parseResourceVersion, tooLargeResourceVersion } from '../resource-version.js';
import { decodeObject } from '../value.js';
import { WatchQueue } from '../watch-queue.js';
import { bookmarkEvent, changeToEvent, initialEventsEndBookmark, internalErrorStatus, tooOldStatus, watchErrorStatus, type Change } from '../watch-events.js';
import { bytes, isUnavailableError, revisionOf, type EtcdContext } from './client.js';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** etcd syncs lagging watchers every 100 ms; after this long a watcher is surely caught up. */
const SYNC_GRACE_MS = 2000;
/** Pauses between attempts to reopen a broken stream: doubling from the first to the last. */
const RESUME_BACKOFF_MS = { first: 100, max: 2000 };

interface Subscription {
  id: number;
  key: string;
  rangeEnd?: Buffer;
  /** First revision wanted (inclusive). */
  startRevision: bigint;
  predicate?: (obj: KubeObject) => boolean;
  bookmarks: boolean;
  queue: WatchQueue;
  /** The store revision when etcd created the watch; undefined until then. */
  createdRevision?: bigint;
  createdAt: number;
  lastRevision: bigint;
  /** The stream this watch was created on; a new stream re-creates it. */
  stream?: WatchStream;
}

/**
 * etcd 3.4 answers a progress request at the store's revision even for watchers still replaying
 * history, so a bookmark is only sent once the watcher has caught up: it started in the future,
 * or delivered an event at/after its creation revision, or the sync grace period has passed.
 */
function caughtUp(sub: Subscription): boolean {
  if (sub.createdRevision === undefined) return false;
  return (
    sub.startRevision > sub.createdRevision ||
    sub.lastRevision >= sub.createdRevision ||
    Date.now() - sub.createdAt > SYNC_GRACE_MS
  );
}

export class WatchMux {
  private stream: WatchStream | undefined;
  private opening: Promise<WatchStream> | undefined;
  private readonly subs = new Map<string, Subscription>();
  private readonly byQueue = new Map<WatchQueue, Subscription>();
  private nextId = 1;
  private progressTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private resumeAttempts = 0;
  private closed = false;

  constructor(
    private readonly ctx: EtcdContext,
    private readonly bookmarkIntervalMs: number,
  ) {}

  async add(sub: Omit<Subscription, 'id' | 'createdAt' | 'lastRevision'>): Promise<void> {
    let stream = await this.open();
    // The stream may have failed while we waited for it: use the next one.
    while (this.stream !== stream) stream = await this.open();
    if (sub.queue.isStopped) return;
    const full: Subscription = { ...sub, id: this.nextId++, createdAt: Date.now(), lastRevision: sub.startRevision - 1n };
    this.subs.set(String(full.id), full);
    this.byQueue.set(full.queue, full);
    this.createOn(stream, full);
  }

  /** Creates the etcd watch of sub on stream, from the revision after the last one it delivered. */
  private createOn(stream: WatchStream, sub: Subscription): void {
    sub.stream = stream;
    if (sub.lastRevision >= sub.startRevision) sub.startRevision = sub.lastRevision + 1n;
    sub.createdRevision = undefined;
    sub.createdAt = Date.now();
    stream.write({
      create_request: {
        key: bytes(sub.key),
        ...(sub.rangeEnd ? { range_end: sub.rangeEnd } : {}),
        start_revision: sub.startRevision.toString(),
        prev_kv: true,
        watch_id: sub.id,
      },
    });
  }

  remove(queue: WatchQueue): void {
    const sub = this.byQueue.get(queue);
    if (!sub) return;
    this.forget(sub);
    this.stream?.write({ cancel_request: { watch_id: sub.id } });
  }

  private forget(sub: Subscription): void {
    this.subs.delete(String(sub.id));
    this.byQueue.delete(sub.queue);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.progressTimer);
    clearTimeout(this.resumeTimer);
    const stream = this.stream;
    this.stream = undefined;
    for (const sub of this.subs.values()) sub.queue.end();
    this.subs.clear();
    this.byQueue.clear();
    stream?.cancel();
  }

  private open(): Promise<WatchStream> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    if (this.stream) return Promise.resolve(this.stream);
    this.opening ??= this.ctx.client.watchClient.watch().then(
      (stream) => {
        this.opening = undefined;
        this.stream = stream;
        stream.on('data', (resp) => {
          if (this.stream !== stream) return;
          this.resumeAttempts = 0;
          this.onResponse(resp);
        });
        stream.on('error', (err) => this.onFailure(stream, err));
        stream.on('end', () => this.onFailure(stream, new Error('etcd watch stream ended'), true));
        clearInterval(this.progressTimer);
        this.progressTimer = setInterval(() => this.requestProgress(), this.bookmarkIntervalMs).unref();
        // Watches of a broken stream resume here.
        for (const sub of this.subs.values()) if (sub.stream !== stream) this.createOn(stream, sub);
        return stream;
      },
      (err: unknown) => {
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }

  /** Asks etcd for a progress notification now (the watch cache's consistent reads wait on it). */
  requestProgressNow(): void {
    this.stream?.write({ progress_request: {} });
  }

  private requestProgress(): void {
    if (!this.stream) return;
    for (const sub of this.subs.values()) {
      if (sub.bookmarks) {
        this.stream.write({ progress_request: {} });
        return;
      }
    }
  }

  /**
   * A stream broken by the transport (etcd restarted, connection lost): its watchers wait, nothing
   * lost and nothing ended, while a new stream is opened. Any other failure ends them with an
   * ERROR, so no watcher waits on something that will not come back.
   */
  private onFailure(stream: WatchStream, err: Error, transient = isTransportFailure(err)): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    clearInterval(this.progressTimer);
    if (transient) {
      this.scheduleResume();
      return;
    }
    const subs = [...this.subs.values()];
    this.subs.clear();
    this.byQueue.clear();
    for (const sub of subs) {
      sub.queue.push({ type: 'ERROR', object: internalErrorStatus(`etcd watch stream: ${err.message}`) });
      sub.queue.end();
    }
  }

  private scheduleResume(): void {
    if (this.closed || this.resumeTimer !== undefined || this.subs.size === 0) return;
    const delay = Math.min(RESUME_BACKOFF_MS.max, RESUME_BACKOFF_MS.first * 2 ** this.resumeAttempts);
    this.resumeAttempts++;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      if (this.closed || this.stream || this.subs.size === 0) return;
      // open() re-creates every watch; an etcd still down fails it or the new stream, and we try again.
      this.open().catch(() => this.scheduleResume());
    }, delay).unref();
  }

  private onResponse(resp: IWatchResponse): void {
    if (resp.watch_id === '-1') {
      // A progress notification for the whole stream.
      const rev = revisionOf(resp.header);
      for (const sub of this.subs.values()) if (sub.bookmarks && caughtUp(sub)) this.bookmark(sub, rev);
      return;
    }
    const sub = this.subs.get(resp.watch_id);
    if (!sub) return;
    if (resp.created) sub.createdRevision = revisionOf(resp.header);

    if (resp.compact_revision !== '0') {
      this.end(sub, {
        type: 'ERROR',
        // The oldest resourceVersion one can still watch from is compact_revision - 1.
        object: tooOldStatus(sub.startRevision - 1n, BigInt(resp.compact_revision) - 1n),
      });
      return;
    }
    if (resp.canceled) {
      this.end(sub, { type: 'ERROR', object: internalErrorStatus(`etcd canceled the watch: ${resp.cancel_reason}`) });
      return;
    }
    if (resp.events.length === 0) {
      if (!resp.created && sub.bookmarks && caughtUp(sub)) this.bookmark(sub, revisionOf(resp.header));
      return;
    }
    try {
      for (const e of resp.events) {
        const event = changeToEvent(toChange(this.ctx, e), sub.predicate);
        sub.lastRevision = BigInt(e.kv.mod_revision);
        if (event) sub.queue.push(event);
      }
    } catch (err) {
      // A value that does not decode, or a predicate that throws: this watcher cannot go on.
      this.end(sub, { type: 'ERROR', object: internalErrorStatus(err instanceof Error ? err.message : String(err)) });
    }
  }

  private bookmark(sub: Subscription, rev: bigint): void {
    if (rev < sub.lastRevision) return;
    sub.queue.push(bookmarkEvent(rev));
  }

  private end(sub: Subscription, last: WatchEvent): void {
    this.forget(sub);
    sub.queue.push(last);
    sub.queue.end();
  }
}

/** gRPC's UNAVAILABLE status code: the raw stream's errors are not mapped to etcd3's classes. */
const GRPC_UNAVAILABLE = 14;

function isTransportFailure(err: Error): boolean {
  return isUnavailableError(err) || (err as Error & { code?: unknown }).code === GRPC_UNAVAILABLE;
}

function toChange(ctx: EtcdContext, e: IEvent): Change {
  const key = e.kv.key.toString('utf8');
  const rev = e.kv.mod_revision;
  if (e.type === 'Delete') {
    if (!e.prev_kv) {
      throw new Error(`etcd event received with PrevKv=nil (key=${JSON.stringify(key)}, modRevision=${rev}, type=DELETE)`);
    }
    return { kind: 'delete', created: false, current: null, previous: decodeObject(ctx.fromStored(key, e.prev_kv.value), rev, key) };
  }
  return {
    kind: 'put',
    created: e.kv.create_revision === e.kv.mod_revision,
    current: decodeObject(ctx.fromStored(key, e.kv.value), rev, key),
    // The previous state, stamped with this revision: what a watcher leaving the predicate sees.
    previous: e.prev_kv ? decodeObject(ctx.fromStored(key, e.prev_kv.value), rev, key) : null,
  };
}

export function watch(ctx: EtcdContext, mux: WatchMux, key: string, opts: WatchOptions): Watcher {
  const fromRevision = parseResourceVersion(opts.resourceVersion, key);
  const watchKey = opts.recursive && !key.endsWith('/') ? `${key}/` : key;
  const rangeEnd = opts.recursive ? prefixRangeEnd(watchKey) : undefined;
  const queue = new WatchQueue(() => mux.remove(queue));

  const start = async () => {
    let after = fromRevision;
    const initialState = opts.sendInitialEvents ?? fromRevision === 0n;
    if (initialState) {
      // The current state as ADDED events, then changes after that read; a current revision is
      // never older than the one asked for, unless etcd has not reached it.
      const resp = await ctx.call('list', watchKey, (o) =>
        ctx.client.kv.range({ key: bytes(watchKey), ...(rangeEnd ? { range_end: rangeEnd } : {}) }, o),
      );
      after = revisionOf(resp.header);
      if (after < fromRevision) throw tooLargeResourceVersion(key, fromRevision, after);
      for (const kv of resp.kvs) {
        const k = kv.key.toString('utf8');
        const obj = decodeObject(ctx.fromStored(k, kv.value), kv.mod_revision, k);
        if (!opts.predicate || opts.predicate(obj)) queue.push({ type: 'ADDED', object: obj });
      }
      if (opts.sendInitialEvents && opts.bookmarks) queue.push(initialEventsEndBookmark(after));
    } else if (fromRevision === 0n) {
      // sendInitialEvents=false without a revision: changes from now on.
      const resp = await ctx.call('list', watchKey, (o) => ctx.client.kv.range({ key: bytes(watchKey), count_only: true }, o));
      after = revisionOf(resp.header);
    }
    if (queue.isStopped) return;
    await mux.add({
      key: watchKey,
      rangeEnd,
      startRevision: after + 1n,
      predicate: opts.predicate,
      bookmarks: opts.bookmarks ?? false,
      queue,
    });
  };
  start().catch((e: unknown) => {
    queue.push({ type: 'ERROR', object: watchErrorStatus(e) });
    queue.end();
  });
  return queue;
}

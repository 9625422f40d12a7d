// One resource prefix held in memory: list it, then follow ONE inner watch from the list's revision
// (with progress bookmarks), keeping the current objects, a history of recent changes and the
// watchers fed from them. A broken inner watch closes the watchers and starts over with a new list.
import type { KubeObject } from '../../api/types.js';
import type { Storage, WatchEvent, WatchOptions, Watcher } from '../interface.js';
import { decodeObject, encodeObject } from '../value.js';
import { initialEventsEndBookmark, tooOldStatus, type Change } from '../watch-events.js';
import { CacheWatcher } from './cache-watcher.js';
import { Dispatcher, eventFor } from './dispatcher.js';
import { EventBuffer, type EventBufferOptions } from './event-buffer.js';
import { share } from '../shared.js';
import { SortedStore, StoredEntry } from './sorted-store.js';

/** The first string after every string that starts with prefix (for the ASCII keys of a cache). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * A modification whose previous state (prior's object, stamped with this revision: what a watcher
 * leaving its predicate sees) is decoded only when a watcher's predicate asks for it, once.
 */
function modifyChange(current: KubeObject, prior: StoredEntry, rev: string): Change {
  let from: StoredEntry | undefined = prior;
  let previous: KubeObject | null = null;
  return {
    kind: 'put',
    created: false,
    current,
    get previous(): KubeObject | null {
      if (from) {
        previous = share(from.decode(rev));
        from = undefined;
      }
      return previous;
    },
  };
}

export interface WatchCacheOptions {
  eventBuffer?: EventBufferOptions;
  /** Live events a watcher may have queued before it is closed as too slow. */
  watcherBufferSize: number;
  /** How often watchers that asked for bookmarks get one. */
  bookmarkIntervalMs: number;
  /** Wait before listing again after the inner watch broke. */
  retryMs: number;
  onError?: (e: unknown) => void;
}

interface RevisionWaiter {
  rev: bigint;
  done: (fresh: boolean) => void;
}

export class WatchCache {
  readonly store = new SortedStore();
  readonly events: EventBuffer;
  private readonly dispatcher = new Dispatcher();
  /** The cache holds every change up to this revision (from events and progress notifications). */
  revision = 0n;
  /**
   * Revision of the last change applied (or of the list): the objects held are the state at every
   * revision in [changeRevision, revision].
   */
  changeRevision = 0n;
  /** Writes made through the Cacher: a consistent read waits until their events are applied. */
  private writtenRevision = 0n;
  private ready = false;
  private closed = false;
  private innerWatcher: Watcher | undefined;
  private readyWaiters: (() => void)[] = [];
  private readonly revisionWaiters = new Set<RevisionWaiter>();
  private readonly bookmarkTimer: NodeJS.Timeout;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: Storage,
    readonly root: string,
    private readonly opts: WatchCacheOptions,
  ) {
    this.events = new EventBuffer(opts.eventBuffer);
    this.bookmarkTimer = setInterval(() => {
      if (this.ready) this.dispatcher.bookmark(this.revision);
    }, opts.bookmarkIntervalMs).unref();
    void this.run();
  }

  get isReady(): boolean {
    return this.ready;
  }

  get watcherCount(): number {
    return this.dispatcher.size;
  }

  /** The key an object of this prefix is stored under (the registry's layout). */
  keyOf(obj: KubeObject): string {
    const ns = obj.metadata.namespace;
    return ns ? `${this.root}${ns}/${obj.metadata.name ?? ''}` : `${this.root}${obj.metadata.name ?? ''}`;
  }

  /** Resolves true once ready, false after timeoutMs or when closed. */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.ready);
      });
    });
  }

  /**
   * Resolves true once the cache has every change up to rev (and every write made through the
   * Cacher), false after timeoutMs or if the cache stops being ready. requestProgress is called at
   * once and every 100 ms meanwhile, as upstream's progress requester does, so an idle prefix catches
   * up with revisions made elsewhere.
   */
  waitFresh(rev: bigint, timeoutMs: number, requestProgress?: () => void): Promise<boolean> {
    if (!this.ready) return Promise.resolve(false);
    if (this.isFresh(rev)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const ticker = requestProgress ? setInterval(requestProgress, 100) : undefined;
      const waiter: RevisionWaiter = {
        rev,
        done: (fresh) => {
          clearTimeout(timer);
          clearInterval(ticker);
          this.revisionWaiters.delete(waiter);
          resolve(fresh);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      this.revisionWaiters.add(waiter);
      requestProgress?.();
    });
  }

  noteWrite(rev: bigint): void {
    if (rev > this.writtenRevision) this.writtenRevision = rev;
  }

  /**
   * A watcher from the cache, registered now: rv 0 starts with the current objects as ADDED; rv N
   * replays the buffered changes after N (410 Expired if N is older than the buffer); an N in the
   * future only gets changes after N. With sendInitialEvents the caller made the cache fresh
   * enough: true starts with the current objects and the initial-events-end bookmark, false
   * with nothing (from now when N is 0). The caller checked isReady.
   */
  watch(key: string, opts: WatchOptions, from: bigint): CacheWatcher {
    const filter = {
      key: opts.recursive && !key.endsWith('/') ? `${key}/` : key,
      recursive: opts.recursive,
      predicate: opts.predicate,
      bookmarks: opts.bookmarks ?? false,
      shared: opts.shared ?? false,
    };
    // A snapshot of the current objects, or a replay of the changes after a revision; a watch
    // with sendInitialEvents=false and no revision starts from now.
    const snapshot = opts.sendInitialEvents ?? from === 0n;
    const fromNow = !snapshot && from === 0n;
    const startAt = snapshot ? 0n : fromNow ? this.revision : from;
    const after = startAt > this.changeRevision ? startAt : this.changeRevision;
    const w = new CacheWatcher(filter, after, this.opts.watcherBufferSize, (x) => this.dispatcher.remove(x));
    if (!snapshot && !fromNow && startAt < this.events.oldestStart()) {
      w.close(tooOldStatus(startAt, this.events.oldestStart()));
      return w;
    }
    const initial: WatchEvent[] = [];
    if (snapshot) {
      const end = filter.recursive ? prefixEnd(filter.key) : `${filter.key}\x00`;
      for (const kv of this.store.range(filter.key, end, 0).kvs) {
        const obj = filter.shared ? kv.entry!.shared() : decodeObject(kv.value, kv.modRevision, kv.key);
        if (!filter.predicate || filter.predicate(obj)) initial.push({ type: 'ADDED', object: obj });
      }
      if (opts.sendInitialEvents && filter.bookmarks) {
        initial.push(initialEventsEndBookmark(this.revision));
        w.lastRevision = this.revision;
      }
    } else if (!fromNow) {
      for (const e of this.events.since(startAt)) {
        if (!w.matches(e.key)) continue;
        const event = eventFor(e.change, filter.predicate, filter.shared);
        if (event) initial.push(event);
      }
    }
    w.setInitial(initial);
    this.dispatcher.add(w);
    return w;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.bookmarkTimer);
    clearTimeout(this.retryTimer);
    this.setUnready();
    this.innerWatcher?.stop();
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  private isFresh(rev: bigint): boolean {
    return this.revision >= rev && this.changeRevision >= this.writtenRevision;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.syncOnce();
      } catch (e) {
        if (!this.closed) this.opts.onError?.(e);
      }
      this.setUnready();
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, this.opts.retryMs)));
    }
  }

  /** One list + watch cycle; returns when the inner watch ends, throws when it fails. */
  private async syncOnce(): Promise<void> {
    const list = await this.inner.list(this.root, {});
    if (this.closed) return;
    const listRevision = BigInt(list.resourceVersion);
    this.store.replace(
      list.items.map((obj) => {
        const key = this.keyOf(obj);
        return [key, new StoredEntry(key, obj.metadata.resourceVersion ?? '0', { raw: encodeObject(obj) })];
      }),
    );
    this.revision = listRevision;
    this.changeRevision = listRevision;
    this.events.reset(listRevision);
    const watcher = this.inner.watch(this.root, { recursive: true, resourceVersion: list.resourceVersion, bookmarks: true });
    this.innerWatcher = watcher;
    this.ready = true;
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.settleWaiters();
    for await (const event of watcher) {
      if (event.type === 'ERROR') throw new Error(`watch of ${this.root} failed: ${event.object.message ?? ''}`);
      if (event.type === 'BOOKMARK') this.advance(BigInt(event.object.metadata.resourceVersion ?? '0'));
      else this.apply(event.type, event.object);
    }
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const revString = obj.metadata.resourceVersion ?? '0';
    const rev = BigInt(revString);
    const key = this.keyOf(obj);
    const prior = this.store.get(key);
    // The change's objects are shared by every watcher that asked for shared events (the others
    // get copies), so one event costs one encoding however many watch it; the store keeps the
    // same object as the current revision.
    let change: Change;
    if (type === 'DELETED') {
      change = { kind: 'delete', created: false, current: null, previous: share(obj) };
      this.store.delete(key);
    } else {
      const entry = new StoredEntry(key, revString, { object: obj });
      change = prior ? modifyChange(entry.shared(), prior, revString) : { kind: 'put', created: true, current: entry.shared(), previous: null };
      this.store.set(key, entry);
    }
    const cached = { rev, key, change, at: Date.now() };
    this.events.push(cached);
    this.changeRevision = rev;
    this.dispatcher.dispatch(cached);
    this.advance(rev);
  }

  private advance(rev: bigint): void {
    if (rev > this.revision) this.revision = rev;
    this.settleWaiters();
  }

  private settleWaiters(): void {
    for (const w of this.revisionWaiters) if (this.isFresh(w.rev)) w.done(true);
  }

  private setUnready(): void {
    this.ready = false;
    this.innerWatcher = undefined;
    this.dispatcher.closeAll();
    for (const w of this.revisionWaiters) w.done(false);
  }
}

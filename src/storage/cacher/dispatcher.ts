// Fan-out: every change the cache applies goes to each interested watcher, filtered through its
// predicate (with upstream's ADDED/DELETED transitions): the cache's shared object for watchers that
// promise not to mutate it, a copy for the others. Changes are handed out once per event-loop turn,
// after the I/O that brought them: a burst costs each watcher one wake-up (and one socket write),
// and the writes that caused it are answered before the fan-out runs.
import type { KubeObject } from '../../api/types.js';
import type { WatchEvent } from '../interface.js';
import { changeToEvent, internalErrorStatus, type Change } from '../watch-events.js';
import type { CacheWatcher } from './cache-watcher.js';
import type { CachedEvent } from './event-buffer.js';

/** The event a watcher with this predicate sees for a change (its own copy unless shared); null when none. */
export function eventFor(change: Change, predicate: ((obj: KubeObject) => boolean) | undefined, shared: boolean): WatchEvent | null {
  const event = changeToEvent(change, predicate);
  if (!event || event.type === 'ERROR' || shared) return event;
  return { type: event.type, object: structuredClone(event.object) };
}

export class Dispatcher {
  private readonly watchers = new Set<CacheWatcher>();
  private pending: CachedEvent[] = [];
  private scheduled = false;

  get size(): number {
    return this.watchers.size;
  }

  add(w: CacheWatcher): void {
    this.watchers.add(w);
  }

  remove(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  /** Queues a change for every watcher; they get it in this turn's fan-out. */
  dispatch(e: CachedEvent): void {
    this.pending.push(e);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Hands out the queued changes now (also before a bookmark or closing, so nothing overtakes them). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    for (const e of events) this.deliver(e);
    for (const w of this.watchers) w.flush();
  };

  bookmark(rev: bigint): void {
    this.flush();
    for (const w of this.watchers) w.offerBookmark(rev);
  }

  /** Ends every watcher (after a broken inner watch or on shutdown). */
  closeAll(): void {
    this.flush();
    for (const w of [...this.watchers]) w.close();
    this.watchers.clear();
  }

  private deliver(e: CachedEvent): void {
    // What every watcher without a predicate that shares objects gets: built once per change.
    let plain: WatchEvent | null | undefined;
    for (const w of this.watchers) {
      if (e.rev <= w.after || !w.matches(e.key)) continue;
      let event: WatchEvent | null;
      try {
        if (w.filter.shared && !w.filter.predicate) event = plain === undefined ? (plain = changeToEvent(e.change)) : plain;
        else event = eventFor(e.change, w.filter.predicate, w.filter.shared);
      } catch (err) {
        w.close(internalErrorStatus(err instanceof Error ? err.message : String(err)));
        continue;
      }
      // Too far behind: close it (its client re-watches from its last resourceVersion).
      if (event && !w.offer(event, e.rev)) w.close();
    }
  }
}

// Fan-out: every change the cache applies goes to each interested watcher, filtered through its
// predicate (with upstream's ADDED/DELETED transitions): the cache's shared object for watchers that
// promise not to mutate it, a copy for the others.
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

  get size(): number {
    return this.watchers.size;
  }

  add(w: CacheWatcher): void {
    this.watchers.add(w);
  }

  remove(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  dispatch(e: CachedEvent): void {
    for (const w of this.watchers) {
      if (e.rev <= w.after || !w.matches(e.key)) continue;
      let event: WatchEvent | null;
      try {
        event = eventFor(e.change, w.filter.predicate, w.filter.shared);
      } catch (err) {
        w.close(internalErrorStatus(err instanceof Error ? err.message : String(err)));
        continue;
      }
      // Too far behind: close it (its client re-watches from its last resourceVersion).
      if (event && !w.offer(event, e.rev)) w.close();
    }
  }

  bookmark(rev: bigint): void {
    for (const w of this.watchers) w.offerBookmark(rev);
  }

  /** Ends every watcher (after a broken inner watch or on shutdown). */
  closeAll(): void {
    for (const w of [...this.watchers]) w.close();
    this.watchers.clear();
  }
}

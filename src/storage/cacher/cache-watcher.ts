// One watcher served from a watch cache: the events it starts with (replay or the current state,
// unbounded: they are known up front) and then live events in a bounded buffer. A watcher whose
// buffer is full is closed by the dispatcher, as upstream's cacheWatcher is, and its client re-watches.
// Live events come in bursts (one per event-loop turn, see dispatcher.ts), so the capacity also
// bounds the largest burst a watcher takes.
import type { KubeObject, Status } from '../../api/types.js';
import type { WatchEvent, Watcher } from '../interface.js';

export interface WatchFilter {
  /** The exact key, or the prefix (ending in '/') when recursive. */
  key: string;
  recursive: boolean;
  predicate?: (obj: KubeObject) => boolean;
  bookmarks: boolean;
  /** The consumer never mutates event objects: they are the cache's shared ones, not copies. */
  shared: boolean;
}

export class CacheWatcher implements Watcher {
  private initial: WatchEvent[] = [];
  private initialHead = 0;
  /** Live events queued; those before liveHead were already taken one by one. */
  private live: WatchEvent[] = [];
  private liveHead = 0;
  private wake: (() => void) | undefined;
  private ended = false;
  private stopped = false;
  /** Revision of the last event queued: bookmarks never go back before it. */
  lastRevision: bigint;

  /**
   * after: live events at or below this revision are already covered by the initial events.
   * onStop runs once, when the consumer stops or the watcher is closed.
   */
  constructor(
    readonly filter: WatchFilter,
    readonly after: bigint,
    private readonly capacity: number,
    private readonly onStop: (w: CacheWatcher) => void,
  ) {
    this.lastRevision = after;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  matches(key: string): boolean {
    return this.filter.recursive ? key.startsWith(this.filter.key) : key === this.filter.key;
  }

  setInitial(events: WatchEvent[]): void {
    this.initial = events;
    this.initialHead = 0;
    this.notify();
  }

  /**
   * Queues a live event without waking the consumer (the dispatcher calls flush after a burst);
   * false when the buffer is full (the caller then closes this watcher).
   */
  offer(event: WatchEvent, rev: bigint): boolean {
    if (this.ended) return true;
    if (this.live.length - this.liveHead >= this.capacity) return false;
    this.live.push(event);
    if (rev > this.lastRevision) this.lastRevision = rev;
    return true;
  }

  /** Ends a burst: wakes the consumer when something is queued. */
  flush(): void {
    if (this.liveHead < this.live.length) this.notify();
  }

  offerBookmark(rev: bigint): void {
    if (this.ended || !this.filter.bookmarks || rev < this.lastRevision || this.live.length - this.liveHead >= this.capacity) return;
    this.lastRevision = rev;
    this.live.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: rev.toString() } } });
    this.notify();
  }

  /** Ends the watch after what is queued; with an error Status, that comes last. */
  close(error?: Status): void {
    if (this.ended) return;
    if (error) this.live.push({ type: 'ERROR', object: error });
    this.ended = true;
    this.notify();
    this.onStop(this);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const wasEnded = this.ended;
    this.ended = true;
    this.initial = [];
    this.live = [];
    this.liveHead = 0;
    this.notify();
    if (!wasEnded) this.onStop(this);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private next(): WatchEvent | undefined {
    if (this.initialHead < this.initial.length) {
      const event = this.initial[this.initialHead++];
      if (this.initialHead === this.initial.length) this.initial = [];
      return event;
    }
    if (this.liveHead === this.live.length) return undefined;
    const event = this.live[this.liveHead++];
    if (this.liveHead === this.live.length) {
      this.live = [];
      this.liveHead = 0;
    }
    return event;
  }

  /** Everything queued, initial events first; undefined when nothing is. */
  private takeAll(): WatchEvent[] | undefined {
    if (this.initialHead < this.initial.length) {
      const events = this.initialHead === 0 ? this.initial : this.initial.slice(this.initialHead);
      this.initial = [];
      this.initialHead = 0;
      return events;
    }
    if (this.liveHead === this.live.length) return undefined;
    const events = this.liveHead === 0 ? this.live : this.live.slice(this.liveHead);
    this.live = [];
    this.liveHead = 0;
    return events;
  }

  private waitForMore(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      for (;;) {
        const event = this.next();
        if (event) {
          yield event;
          continue;
        }
        if (this.ended) return;
        await this.waitForMore();
      }
    } finally {
      this.stop();
    }
  }

  async *batches(): AsyncIterable<WatchEvent[]> {
    try {
      for (;;) {
        const events = this.takeAll();
        if (events) {
          yield events;
          continue;
        }
        if (this.ended) return;
        await this.waitForMore();
      }
    } finally {
      this.stop();
    }
  }
}

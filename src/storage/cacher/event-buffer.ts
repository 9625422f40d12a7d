// The watch cache's history: recent changes in revision order, replayed to watchers that start from
// a resourceVersion. Sized as upstream's watchCache (1.32): it starts at 100 events, doubles (up to
// 100 Ki) while its oldest event is younger than the fresh duration (75 s), and halves again when the
// newest quarter is all older than that.
import type { Change } from '../watch-events.js';

export interface CachedEvent {
  rev: bigint;
  key: string;
  change: Change;
  /** When the cache received it (ms since the epoch). */
  at: number;
}

export interface EventBufferOptions {
  minCapacity?: number;
  maxCapacity?: number;
  freshMs?: number;
  now?: () => number;
}

export class EventBuffer {
  private events: CachedEvent[] = [];
  private head = 0;
  private capacity: number;
  private listRevision = 0n;
  private evicted = false;
  private readonly minCapacity: number;
  private readonly maxCapacity: number;
  private readonly freshMs: number;
  private readonly now: () => number;

  constructor(opts: EventBufferOptions = {}) {
    this.minCapacity = Math.max(1, opts.minCapacity ?? 100);
    this.maxCapacity = Math.max(this.minCapacity, opts.maxCapacity ?? 100 * 1024);
    this.freshMs = opts.freshMs ?? 75_000;
    this.now = opts.now ?? Date.now;
    this.capacity = this.minCapacity;
  }

  get size(): number {
    return this.events.length - this.head;
  }

  /** True once an event was dropped since the last reset (before that, history starts at the list). */
  get wasEvicted(): boolean {
    return this.evicted;
  }

  /** Empties the history after a (re)list at revision. */
  reset(listRevision: bigint): void {
    this.events = [];
    this.head = 0;
    this.capacity = this.minCapacity;
    this.listRevision = listRevision;
    this.evicted = false;
  }

  push(event: CachedEvent): void {
    this.resize(event.at);
    if (this.size >= this.capacity) this.dropOldest(this.size - this.capacity + 1);
    this.events.push(event);
  }

  /**
   * The oldest resourceVersion a watch can start from: the list's revision until something was
   * evicted, then one before the oldest buffered event (upstream's "oldest - 1").
   */
  oldestStart(): bigint {
    if (!this.evicted || this.size === 0) return this.listRevision;
    return this.events[this.head].rev - 1n;
  }

  /** Buffered events with a revision above rev, oldest first. */
  since(rev: bigint): CachedEvent[] {
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  private resize(now: number): void {
    if (this.size < this.capacity) return;
    if (this.capacity < this.maxCapacity && now - this.events[this.head].at < this.freshMs) {
      this.capacity = Math.min(this.capacity * 2, this.maxCapacity);
      return;
    }
    const quarter = this.events[this.events.length - Math.max(1, Math.floor(this.capacity / 4))];
    if (this.capacity > this.minCapacity && now - quarter.at > this.freshMs) {
      this.capacity = Math.max(Math.floor(this.capacity / 2), this.minCapacity);
    }
  }

  private dropOldest(n: number): void {
    this.head += n;
    this.evicted = true;
    // Reclaim the dropped prefix now and then instead of shifting on every push.
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }
}

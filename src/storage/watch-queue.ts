// The Watcher handed to callers: an unbounded buffer the backend pushes into and the caller pulls
// from. stop() (or breaking out of for-await) cancels the backend watch and drops what is buffered;
// end() lets the caller drain what is buffered (e.g. a final ERROR event) first.
import type { WatchEvent, Watcher } from './interface.js';

export class WatchQueue implements Watcher {
  private readonly buffer: WatchEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private stopped = false;

  /** onStop runs once, when the consumer stops (not when the backend ends the watch). */
  constructor(private readonly onStop: () => void = () => {}) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(event: WatchEvent): void {
    if (this.ended) return;
    this.buffer.push(event);
    this.notify();
  }

  /** No more events: iteration finishes after the buffered ones. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ended = true;
    this.buffer.length = 0;
    this.notify();
    this.onStop();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForMore(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      for (;;) {
        const next = this.buffer.shift();
        if (next) {
          yield next;
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
        if (this.buffer.length > 0) {
          yield this.buffer.splice(0);
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

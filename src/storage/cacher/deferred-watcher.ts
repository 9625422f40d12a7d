// A Watcher whose source is decided asynchronously (the cache once it is ready, or the inner
// storage): watch() must return at once, and stop() must work before the source is known.
import type { WatchEvent, Watcher } from '../interface.js';
import { watchBatches } from '../watch-batches.js';
import { watchErrorStatus } from '../watch-events.js';

export class DeferredWatcher implements Watcher {
  private target: Watcher | undefined;
  private stopped = false;
  private wakeStopped: (() => void) | undefined;
  private readonly stoppedSignal = new Promise<undefined>((resolve) => (this.wakeStopped = () => resolve(undefined)));

  constructor(private readonly source: Promise<Watcher>) {
    source.then(
      (w) => {
        this.target = w;
        if (this.stopped) w.stop();
      },
      () => {},
    );
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeStopped?.();
    this.target?.stop();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for await (const events of this.batches()) yield* events;
  }

  async *batches(): AsyncIterable<WatchEvent[]> {
    let w: Watcher | undefined;
    try {
      w = await Promise.race([this.source, this.stoppedSignal]);
    } catch (e) {
      yield [{ type: 'ERROR', object: watchErrorStatus(e) }];
      return;
    }
    if (!w || this.stopped) {
      w?.stop();
      return;
    }
    try {
      yield* watchBatches(w);
    } finally {
      this.stop();
    }
  }
}

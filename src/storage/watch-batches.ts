// Reading a Watcher a burst at a time: its own batches when it has them, else one event per batch.
import type { WatchEvent, Watcher } from './interface.js';

async function* oneByOne(w: Watcher): AsyncIterable<WatchEvent[]> {
  for await (const ev of w) yield [ev];
}

export function watchBatches(w: Watcher): AsyncIterable<WatchEvent[]> {
  return w.batches ? w.batches() : oneByOne(w);
}

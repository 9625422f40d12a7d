// In-process fan-out of committed rows and of progress requests to the running watches.
// Delivery is synchronous, right after the commit, so a watch that replays history and
// subscribes in the same tick neither misses nor repeats a row.
export class Broadcaster<T> {
  private readonly listeners = new Set<(item: T) => void>();
  private readonly progressListeners = new Set<() => void>();
  private readonly closeListeners = new Set<() => void>();

  subscribe(listener: (item: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Told once when the store closes. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  publish(item: T): void {
    for (const l of [...this.listeners]) l(item);
  }

  requestProgress(): void {
    for (const l of [...this.progressListeners]) l();
  }

  close(): void {
    const listeners = [...this.closeListeners];
    this.listeners.clear();
    this.progressListeners.clear();
    this.closeListeners.clear();
    for (const l of listeners) l();
  }
}

// A controller work queue: names are synced one at a time; a name queued again while it waits
// runs once. A failed sync is reported and, with retryMs, queued again after that delay.
export class KeyQueue {
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;

  constructor(
    private readonly sync: (key: string) => Promise<void>,
    private readonly onError: (key: string, err: unknown) => void,
    private readonly retryMs?: number,
  ) {}

  add(key: string): void {
    if (!key || this.stopped) return;
    this.queue.add(key);
    if (!this.running) void this.drain();
  }

  stop(): void {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const key = this.queue.values().next().value as string;
        this.queue.delete(key);
        try {
          await this.sync(key);
        } catch (e) {
          this.onError(key, e);
          if (this.retryMs !== undefined) setTimeout(() => this.add(key), this.retryMs).unref();
        }
      }
    } finally {
      this.running = false;
    }
  }
}

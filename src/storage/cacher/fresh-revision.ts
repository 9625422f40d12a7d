// What a consistent read from the cache waits for: etcd's current revision, learned after the read
// arrived. Concurrent reads share one look-up (a read joins the next look-up to start, never one
// already under way, which may predate a write the reader has seen), and progress requests to the
// inner watch are rate-limited, since one answer serves every waiting read.

export class RevisionBatcher {
  private running: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;

  /** etcd's revision as read by a look-up that starts no earlier than this call. */
  current(fetch: () => Promise<bigint>): Promise<bigint> {
    if (!this.running) return this.launch(fetch);
    const running = this.running;
    this.queued ??= running.then(
      () => this.startQueued(fetch),
      () => this.startQueued(fetch),
    );
    return this.queued;
  }

  private startQueued(fetch: () => Promise<bigint>): Promise<bigint> {
    this.queued = undefined;
    return this.launch(fetch);
  }

  private launch(fetch: () => Promise<bigint>): Promise<bigint> {
    const p = fetch();
    this.running = p;
    const clear = () => {
      if (this.running === p) this.running = undefined;
    };
    p.then(clear, clear);
    return p;
  }
}

/** Calls fn at most once per gapMs; a call inside the gap is deferred to its end, not dropped. */
export class Throttle {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly gapMs: number,
  ) {}

  request(): void {
    const wait = this.last + this.gapMs - Date.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer ??= setTimeout(() => this.fire(), wait).unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.cancel();
    this.last = Date.now();
    this.fn();
  }
}

// The Retry-After of a rejected request (upstream's dropped_requests_tracker.go): per priority
// level, it starts at 1s, doubles (up to 32s) while rejections over the last Retry-After
// seconds reach three per second of it, and shrinks by one when they fall below one a second.
const maxRetryAfter = 32;

class LevelStats {
  private history: { unix: number; count: number }[] = [];
  private currentUnix = 0;
  private currentCount = 0;
  retryAfter = 1;
  private retryAfterUpdatedUnix = 0;

  record(unix: number): void {
    if (unix === this.currentUnix) {
      this.currentCount++;
      return;
    }
    this.pushHistory(this.currentUnix, this.currentCount);
    this.currentUnix = unix;
    this.currentCount = 1;
    this.updateRetryAfter(unix);
  }

  private pushHistory(unix: number, count: number): void {
    this.history.push({ unix, count });
    const keep = Math.min(2 * this.retryAfter, maxRetryAfter);
    this.history = this.history.filter(h => unix - h.unix <= keep);
  }

  private updateRetryAfter(unix: number): void {
    let dropped = 0;
    for (const h of this.history) if (unix - h.unix <= this.retryAfter && h.unix < unix) dropped += h.count;
    if (unix - this.retryAfterUpdatedUnix >= this.retryAfter && dropped >= 3 * this.retryAfter) {
      this.retryAfter = Math.min(2 * this.retryAfter, maxRetryAfter);
      this.retryAfterUpdatedUnix = unix;
    } else if (dropped < this.retryAfter && this.retryAfter > 1) {
      this.retryAfter--;
    }
  }
}

export class DroppedRequestsTracker {
  private readonly levels = new Map<string, LevelStats>();
  constructor(private readonly nowUnix: () => number = () => Math.floor(Date.now() / 1000)) {}

  record(level: string): void {
    let s = this.levels.get(level);
    if (!s) this.levels.set(level, s = new LevelStats());
    s.record(this.nowUnix());
  }

  retryAfter(level: string): number {
    return this.levels.get(level)?.retryAfter ?? 1;
  }
}

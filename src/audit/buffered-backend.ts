// Batch mode (upstream's plugin/pkg/audit/buffered): events queue in memory up to the buffer
// size and reach the delegate in batches of at most maxBatchSize, at the latest maxBatchWait
// after the first queued event, optionally throttled to qps batches per second with a burst.
// A full queue drops events (apiserver_audit_error_total{plugin="buffered"}); requests never wait.
import { handlePluginError, type AuditBackend } from './backend.js';
import type { AuditEvent } from './event.js';

export interface BatchConfig {
  bufferSize: number;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  /** Undefined: no throttling. */
  throttle?: { qps: number; burst: number };
  /** Send batches without waiting for the previous one (upstream does this for webhooks). */
  asyncDelegate: boolean;
}

export class BufferedBackend implements AuditBackend {
  private queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;
  private tokens: number;
  private lastRefill = Date.now();

  constructor(private readonly delegate: AuditBackend, private readonly cfg: BatchConfig) {
    this.tokens = cfg.throttle?.burst ?? 0;
  }

  async processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    for (let i = 0; i < events.length; i++) {
      if (this.stopping || this.queue.length >= this.cfg.bufferSize) {
        handlePluginError('buffered', new Error(this.stopping ? 'audit backend shut down' : 'audit buffer queue blocked'), events.slice(i));
        return true;
      }
      this.queue.push(events[i]!);
    }
    if (this.queue.length >= this.cfg.maxBatchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.cfg.maxBatchWaitMs);
    return true;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) {
        if (this.queue.length >= this.cfg.maxBatchSize || this.stopping) this.kick();
        else this.timer ??= setTimeout(() => this.kick(), this.cfg.maxBatchWaitMs);
      }
    });
  }

  private async drain(): Promise<void> {
    do {
      const batch = this.queue.splice(0, this.cfg.maxBatchSize);
      await this.throttle();
      const sent = this.delegate.processEvents(batch).catch((e: unknown) => handlePluginError('buffered', e, batch));
      if (this.cfg.asyncDelegate) {
        this.inFlight.add(sent);
        void sent.finally(() => this.inFlight.delete(sent));
      } else {
        await sent;
      }
    } while (this.queue.length >= this.cfg.maxBatchSize || (this.stopping && this.queue.length > 0));
  }

  private async throttle(): Promise<void> {
    const t = this.cfg.throttle;
    if (!t || this.stopping) return;
    const now = Date.now();
    this.tokens = Math.min(t.burst, this.tokens + ((now - this.lastRefill) / 1000) * t.qps);
    this.lastRefill = now;
    if (this.tokens < 1) {
      await new Promise(r => setTimeout(r, ((1 - this.tokens) / t.qps) * 1000));
      this.tokens = 1;
      this.lastRefill = Date.now();
    }
    this.tokens -= 1;
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.queue.length > 0) this.kick();
    while (this.draining) await this.draining;
    await Promise.all([...this.inFlight]);
    await this.delegate.shutdown();
  }
}

// One priority level's queues (upstream's fairqueuing/queueset): requests are shuffle-sharded
// to the least-loaded queue of their flow's hand, wait there, and are dispatched one queue at a
// time by fair queuing (the queue whose head would finish first in virtual time) while the
// level's seats allow. A level without queues (Reject) admits while seats allow; an exempt level
// admits everything and only counts.
import { dealHand } from './shuffle-sharding.js';

export interface QueuingConfig {
  /** 0: no queues (limitResponse Reject); -1: exempt from limitation. */
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

export type RejectReason = 'queue-full' | 'concurrency-limit' | 'time-out' | 'cancelled';

export interface Admission {
  /** Frees the request's seats and dispatches whatever now fits. Idempotent. */
  release(): void;
  /** Seconds spent queued. */
  waitedSeconds: number;
}

export interface QueueSetObserver {
  rejected(flowSchema: string, reason: RejectReason): void;
  dispatched(flowSchema: string, waitedSeconds: number): void;
  executing(flowSchema: string, requestsDelta: number, seatsDelta: number): void;
  waiting(flowSchema: string, requestsDelta: number): void;
}

export interface StartOptions {
  flowSchema: string;
  hash: bigint;
  seats: number;
  /** Seats the request keeps for `additionalLatencyMs` after it finishes (its watch fan-out). */
  finalSeats?: number;
  additionalLatencyMs?: number;
  /** How long the request may wait in a queue before it is rejected. */
  waitLimitMs: number;
  /** Aborts the wait (the client went away). */
  signal?: AbortSignal;
}

interface Waiting {
  opts: StartOptions;
  work: number;
  /** The service time `work` assumed, so the charge can be corrected to the real one. */
  guessedSeconds: number;
  arrivedAt: number;
  queue: Queue;
  settle: (r: Admission | RejectReason) => void;
}

interface Queue {
  waiting: Waiting[];
  executingSeats: number;
  /** Virtual time (seat-seconds) at which this queue's next request is due. */
  nextDispatchR: number;
}

/** Time-weighted statistics of seat demand (seats in use plus seats waiting), for borrowing. */
export interface DemandStats { max: number; avg: number; stdDev: number; durationMs: number }

const now = () => performance.now();
/** Guess of a request's service time before anything finished, as upstream's initial estimate. */
const initialServiceSeconds = 0.003;

/** Seats a request occupies from dispatch until its final seats are released. */
const width = (o: StartOptions) => Math.max(o.seats, o.finalSeats ?? 0);
/** Seat-seconds charged at dispatch: the execution guess plus the known after-work. */
const estimatedWork = (o: StartOptions, serviceSeconds: number) => o.seats * serviceSeconds + (o.finalSeats ?? 0) * (o.additionalLatencyMs ?? 0) / 1000;

export class QueueSet {
  private queues: Queue[] = [];
  private seatsInUse = 0;
  private requestsExecuting = 0;
  private seatsWaiting = 0;
  private requestsWaiting = 0;
  private enqueues = 0;
  private robin = 0;
  private serviceSeconds = initialServiceSeconds;
  private demand = { since: now(), last: now(), value: 0, sum: 0, sumSq: 0, max: 0 };

  constructor(private config: QueuingConfig, private limit: number, private readonly observer: QueueSetObserver) {
    this.resizeQueues();
  }

  get concurrencyLimit(): number { return this.limit; }
  get executingRequests(): number { return this.requestsExecuting; }
  get executingSeats(): number { return this.seatsInUse; }
  get waitingRequests(): number { return this.requestsWaiting; }
  isIdle(): boolean { return this.requestsExecuting === 0 && this.requestsWaiting === 0; }

  /** New queuing parameters: queues beyond the new count drain but take no new requests. */
  reconfigure(config: QueuingConfig): void {
    this.config = config;
    this.resizeQueues();
    this.dispatchAll();
  }

  setConcurrencyLimit(limit: number): void {
    this.limit = limit;
    this.dispatchAll();
  }

  start(opts: StartOptions): Promise<Admission | RejectReason> | Admission | RejectReason {
    if (this.config.queues < 0) return this.execute(opts, undefined, 0);
    if (this.config.queues === 0) {
      if (!this.canAccommodate(width(opts))) return this.reject(opts.flowSchema, 'concurrency-limit');
      return this.execute(opts, undefined, 0);
    }
    const queue = this.pickQueue(opts.hash);
    if (this.seatsInUse >= this.limit && queue.waiting.length >= this.config.queueLengthLimit) return this.reject(opts.flowSchema, 'queue-full');
    return new Promise<Admission | RejectReason>(resolve => {
      // An idle queue starts at the present virtual time, so it cannot hoard credit.
      if (queue.waiting.length === 0 && queue.executingSeats === 0) queue.nextDispatchR = this.currentR();
      const w: Waiting = { opts, work: estimatedWork(opts, this.serviceSeconds), guessedSeconds: this.serviceSeconds, arrivedAt: now(), queue, settle: resolve };
      queue.waiting.push(w);
      this.requestsWaiting++;
      this.seatsWaiting += width(opts);
      this.observer.waiting(opts.flowSchema, 1);
      this.noteDemand();
      const leave = (reason: RejectReason) => {
        const i = queue.waiting.indexOf(w);
        if (i < 0) return;
        queue.waiting.splice(i, 1);
        this.unwait(w);
        w.settle(this.reject(opts.flowSchema, reason));
      };
      const timer = setTimeout(() => leave('time-out'), opts.waitLimitMs);
      const onAbort = () => leave('cancelled');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      w.settle = r => { clearTimeout(timer); opts.signal?.removeEventListener('abort', onAbort); resolve(r); };
      this.dispatchAll();
    });
  }

  /** The demand statistics since the last call, starting a new period. */
  takeDemandStats(): DemandStats {
    this.noteDemand();
    const d = this.demand;
    const durationMs = d.last - d.since;
    const avg = durationMs > 0 ? d.sum / durationMs : d.value;
    const variance = durationMs > 0 ? Math.max(0, d.sumSq / durationMs - avg * avg) : 0;
    const stats = { max: d.max, avg, stdDev: Math.sqrt(variance), durationMs };
    this.demand = { since: d.last, last: d.last, value: d.value, sum: 0, sumSq: 0, max: d.value };
    return stats;
  }

  private resizeQueues(): void {
    const n = Math.max(0, this.config.queues);
    while (this.queues.length < n) this.queues.push({ waiting: [], executingSeats: 0, nextDispatchR: this.currentR() });
    // Only empty queues past the end can go; busy ones stay until drained.
    while (this.queues.length > n && this.queues[this.queues.length - 1]!.waiting.length === 0) this.queues.pop();
  }

  private currentR(): number {
    let r = Infinity;
    for (const q of this.queues) if (q.waiting.length > 0 || q.executingSeats > 0) r = Math.min(r, q.nextDispatchR);
    return Number.isFinite(r) ? r : Math.max(0, ...this.queues.map(q => q.nextDispatchR));
  }

  /** The hand's queue holding the least waiting work, starting the scan at a rotating offset. */
  private pickQueue(hash: bigint): Queue {
    const deck = Math.min(this.config.queues, this.queues.length);
    const hand = dealHand(hash, deck, Math.min(this.config.handSize, deck));
    const offset = this.enqueues++ % hand.length;
    let best: Queue | undefined;
    let bestWork = Infinity;
    for (let i = 0; i < hand.length; i++) {
      const q = this.queues[hand[(offset + i) % hand.length]!]!;
      const work = q.waiting.reduce((s, w) => s + w.work, 0);
      if (work < bestWork) { bestWork = work; best = q; }
    }
    return best!;
  }

  private canAccommodate(seats: number): boolean {
    if (this.config.queues < 0) return true;
    // A request wider than the whole level runs alone rather than never.
    if (seats > this.limit) return this.requestsExecuting === 0;
    return this.seatsInUse + seats <= this.limit;
  }

  private dispatchAll(): void {
    // No seat check here: a level lent down to 0 seats still runs one request at a time.
    while (this.requestsWaiting > 0 && this.dispatchOne());
  }

  private dispatchOne(): boolean {
    let best: Queue | undefined;
    let bestFinish = Infinity;
    for (let i = 0; i < this.queues.length; i++) {
      this.robin = (this.robin + 1) % this.queues.length;
      const q = this.queues[this.robin]!;
      const head = q.waiting[0];
      if (head && q.nextDispatchR + head.work < bestFinish) { bestFinish = q.nextDispatchR + head.work; best = q; }
    }
    const head = best?.waiting[0];
    if (!best || !head || !this.canAccommodate(width(head.opts))) return false;
    best.waiting.shift();
    this.unwait(head);
    best.nextDispatchR += head.work;
    head.settle(this.execute(head.opts, best, (now() - head.arrivedAt) / 1000, head.guessedSeconds));
    return true;
  }

  private unwait(w: Waiting): void {
    this.requestsWaiting--;
    this.seatsWaiting -= width(w.opts);
    this.observer.waiting(w.opts.flowSchema, -1);
    this.noteDemand();
  }

  private execute(opts: StartOptions, queue: Queue | undefined, waitedSeconds: number, guessedSeconds = 0): Admission {
    const startedAt = now();
    const seats = width(opts);
    this.seatsInUse += seats;
    this.requestsExecuting++;
    if (queue) queue.executingSeats += seats;
    this.observer.dispatched(opts.flowSchema, waitedSeconds);
    this.observer.executing(opts.flowSchema, 1, seats);
    this.noteDemand();
    const free = () => {
      this.seatsInUse -= seats;
      this.requestsExecuting--;
      if (queue) queue.executingSeats -= seats;
      this.observer.executing(opts.flowSchema, -1, -seats);
      this.noteDemand();
      this.dispatchAll();
    };
    let released = false;
    return {
      waitedSeconds,
      release: () => {
        if (released) return;
        released = true;
        const seconds = (now() - startedAt) / 1000;
        // Charge the queue what the request really took instead of the estimate.
        if (queue) queue.nextDispatchR += opts.seats * (seconds - guessedSeconds);
        this.serviceSeconds = 0.9 * this.serviceSeconds + 0.1 * seconds;
        // The watch fan-out keeps its seats a little longer; the client need not wait for it.
        if (opts.additionalLatencyMs && (opts.finalSeats ?? 0) > 0) setTimeout(free, opts.additionalLatencyMs).unref();
        else free();
      },
    };
  }

  private reject(flowSchema: string, reason: RejectReason): RejectReason {
    this.observer.rejected(flowSchema, reason);
    return reason;
  }

  /** Integrates the previous demand value up to now and records the current one. */
  private noteDemand(): void {
    const d = this.demand;
    const t = now();
    const dt = t - d.last;
    d.sum += d.value * dt;
    d.sumSq += d.value * d.value * dt;
    d.last = t;
    d.value = this.seatsInUse + this.seatsWaiting;
    d.max = Math.max(d.max, d.value);
  }
}

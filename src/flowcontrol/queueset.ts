// One priority level's queues (upstream's fairqueuing/queueset): requests are shuffle-sharded
// to the least-loaded queue of their flow's hand, wait there, and are dispatched by fair queuing
// while the level's seats allow. The virtual clock R counts the seat-seconds each active queue
// has been entitled to; a queue's next request is due at `nextDispatchR`, and the queue whose
// head would finish first in virtual time goes next. A level without queues (Reject) admits
// while seats allow; an exempt level admits everything and only counts.
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

/** Milliseconds, monotonic; tests pass a fake one. */
export interface Clock { now(): number }

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
  arrivedAt: number;
  /** The virtual time at arrival: the queue's next dispatch never precedes it. */
  arrivalR: number;
  queue: Queue;
  settle: (r: Admission | RejectReason) => void;
}

interface Queue {
  waiting: Waiting[];
  executingRequests: number;
  executingSeats: number;
  /** Virtual time (seat-seconds) at which this queue's next request is due. */
  nextDispatchR: number;
}

/** Time-weighted statistics of seat demand (seats in use plus seats waiting), for borrowing. */
export interface DemandStats { max: number; avg: number; stdDev: number; durationMs: number }

const realClock: Clock = { now: () => performance.now() };
/** Upstream's estimatedServiceDuration, our first guess before any request has finished. */
export const initialServiceSeconds = 0.003;

/** Seats a request occupies from dispatch until its final seats are released. */
const width = (o: StartOptions) => Math.max(o.seats, o.finalSeats ?? 0);
const totalWork = (o: StartOptions, serviceSeconds: number) => o.seats * serviceSeconds + (o.finalSeats ?? 0) * (o.additionalLatencyMs ?? 0) / 1000;

export class QueueSet {
  private queues: Queue[] = [];
  private seatsInUse = 0;
  private requestsExecuting = 0;
  private seatsWaiting = 0;
  private requestsWaiting = 0;
  private enqueues = 0;
  /** The index of the queue dispatched last; the scan for the next starts after it. */
  private robin = 0;
  private currentR = 0;
  /**
   * The service time charged at dispatch. Upstream keeps it at 3 ms; here it follows the real
   * times, because a queue is charged its real time only when a request finishes: with a fixed
   * guess far below it, a backlogged queue's virtual start trails R by its requests in flight,
   * and a flow arriving at an empty queue waits behind several of the backlog's requests.
   */
  private serviceSeconds = initialServiceSeconds;
  private lastRealTime: number;
  private demand: { since: number; last: number; value: number; sum: number; sumSq: number; max: number };

  constructor(private config: QueuingConfig, private limit: number, private readonly observer: QueueSetObserver, private readonly clock: Clock = realClock) {
    this.lastRealTime = clock.now();
    this.demand = { since: this.lastRealTime, last: this.lastRealTime, value: 0, sum: 0, sumSq: 0, max: 0 };
    this.resizeQueues();
  }

  get concurrencyLimit(): number { return this.limit; }
  get executingRequests(): number { return this.requestsExecuting; }
  get executingSeats(): number { return this.seatsInUse; }
  get waitingRequests(): number { return this.requestsWaiting; }
  isIdle(): boolean { return this.requestsExecuting === 0 && this.requestsWaiting === 0; }

  /** The virtual time now, in seat-seconds per active queue. */
  virtualTime(): number {
    this.syncTime();
    return this.currentR;
  }

  /** New queuing parameters: queues beyond the new count drain but take no new requests. */
  reconfigure(config: QueuingConfig): void {
    this.syncTime();
    this.config = config;
    this.resizeQueues();
    this.dispatchAll();
  }

  setConcurrencyLimit(limit: number): void {
    this.syncTime();
    this.limit = limit;
    this.dispatchAll();
  }

  start(opts: StartOptions): Promise<Admission | RejectReason> | Admission | RejectReason {
    this.syncTime();
    if (this.config.queues < 0) return this.execute(opts, undefined, 0);
    if (this.config.queues === 0) {
      if (!this.canAccommodate(width(opts))) return this.reject(opts.flowSchema, 'concurrency-limit');
      return this.execute(opts, undefined, 0);
    }
    const queue = this.pickQueue(opts.hash);
    if (this.seatsInUse >= this.limit && queue.waiting.length >= this.config.queueLengthLimit) return this.reject(opts.flowSchema, 'queue-full');
    return new Promise<Admission | RejectReason>(resolve => {
      // An idle queue starts at the present virtual time, so it cannot hoard credit.
      if (queue.waiting.length === 0 && queue.executingRequests === 0) queue.nextDispatchR = this.currentR;
      const w: Waiting = { opts, arrivedAt: this.clock.now(), arrivalR: this.currentR, queue, settle: resolve };
      queue.waiting.push(w);
      this.boundNextDispatch(queue);
      this.requestsWaiting++;
      this.seatsWaiting += width(opts);
      this.observer.waiting(opts.flowSchema, 1);
      this.noteDemand();
      const leave = (reason: RejectReason) => {
        const i = queue.waiting.indexOf(w);
        if (i < 0) return;
        this.syncTime();
        queue.waiting.splice(i, 1);
        this.unwait(w);
        this.boundNextDispatch(queue);
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
    while (this.queues.length < n) this.queues.push({ waiting: [], executingRequests: 0, executingSeats: 0, nextDispatchR: 0 });
    // Only idle queues past the end can go; busy ones stay until drained.
    while (this.queues.length > n && this.isIdleQueue(this.queues[this.queues.length - 1]!)) this.queues.pop();
    if (this.robin >= this.queues.length) this.robin = 0;
  }

  private isIdleQueue(q: Queue): boolean {
    return q.waiting.length === 0 && q.executingRequests === 0;
  }

  /**
   * Advances R as if the queues had been in their present state since the last call: each
   * active queue is entitled to an equal part of the seats that are in use or asked for.
   */
  private syncTime(): void {
    const t = this.clock.now();
    const dt = (t - this.lastRealTime) / 1000;
    this.lastRealTime = t;
    if (dt <= 0) return;
    let active = 0;
    let seatsRequested = 0;
    for (const q of this.queues) {
      if (this.isIdleQueue(q)) continue;
      active++;
      seatsRequested += q.executingSeats;
      for (const w of q.waiting) seatsRequested += width(w.opts);
    }
    if (active > 0) this.currentR += dt * Math.min(seatsRequested, this.limit) / active;
  }

  /** Anti-windup: a queue that could not use its share does not bank it past its head's arrival. */
  private boundNextDispatch(queue: Queue): void {
    const head = queue.waiting[0];
    if (head && queue.nextDispatchR < head.arrivalR) queue.nextDispatchR = head.arrivalR;
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
      const work = q.waiting.reduce((s, w) => s + totalWork(w.opts, this.serviceSeconds), 0);
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

  /** Dispatches the head of the queue that would finish first; ties go round robin. */
  private dispatchOne(): boolean {
    let best = -1;
    let bestFinish = Infinity;
    const n = this.queues.length;
    for (let i = 1; i <= n; i++) {
      const index = (this.robin + i) % n;
      const q = this.queues[index]!;
      const head = q.waiting[0];
      const finish = head ? q.nextDispatchR + totalWork(head.opts, this.serviceSeconds) : Infinity;
      if (finish < bestFinish) { bestFinish = finish; best = index; }
    }
    const queue = this.queues[best];
    const head = queue?.waiting[0];
    if (!queue || !head || !this.canAccommodate(width(head.opts))) return false;
    this.robin = best;
    queue.waiting.shift();
    this.unwait(head);
    queue.nextDispatchR += totalWork(head.opts, this.serviceSeconds);
    this.boundNextDispatch(queue);
    head.settle(this.execute(head.opts, queue, (this.clock.now() - head.arrivedAt) / 1000, this.serviceSeconds));
    return true;
  }

  private unwait(w: Waiting): void {
    this.requestsWaiting--;
    this.seatsWaiting -= width(w.opts);
    this.observer.waiting(w.opts.flowSchema, -1);
    this.noteDemand();
  }

  private execute(opts: StartOptions, queue: Queue | undefined, waitedSeconds: number, guessedSeconds = 0): Admission {
    const startedAt = this.clock.now();
    const seats = width(opts);
    this.seatsInUse += seats;
    this.requestsExecuting++;
    if (queue) {
      queue.executingRequests++;
      queue.executingSeats += seats;
    }
    this.observer.dispatched(opts.flowSchema, waitedSeconds);
    this.observer.executing(opts.flowSchema, 1, seats);
    this.noteDemand();
    const free = () => {
      this.syncTime();
      this.seatsInUse -= seats;
      if (queue) queue.executingSeats -= seats;
      this.observer.executing(opts.flowSchema, -1, -seats);
      this.noteDemand();
      if (this.queues.length > this.config.queues) this.resizeQueues();
      this.dispatchAll();
    };
    let released = false;
    return {
      waitedSeconds,
      release: () => {
        if (released) return;
        released = true;
        this.syncTime();
        const seconds = (this.clock.now() - startedAt) / 1000;
        this.requestsExecuting--;
        if (queue) {
          queue.executingRequests--;
          // Charge the queue what the request really took instead of the estimate.
          queue.nextDispatchR += opts.seats * (seconds - guessedSeconds);
          this.boundNextDispatch(queue);
        }
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
    const t = this.clock.now();
    const dt = t - d.last;
    d.sum += d.value * dt;
    d.sumSq += d.value * d.value * dt;
    d.last = t;
    d.value = this.seatsInUse + this.seatsWaiting;
    d.max = Math.max(d.max, d.value);
  }
}

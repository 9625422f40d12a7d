// The API Priority and Fairness config consumer (upstream's apf_controller.go): watches the
// FlowSchemas and PriorityLevelConfigurations, keeps one QueueSet per priority level with seats
// shared by nominalConcurrencyShares, re-divides seats by demand every 10s (lending/borrowing),
// classifies requests and admits or rejects them.
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import { log } from '../observability/logger.js';
import { allocate, nominalLimits, smoothDemand, type LevelLimits } from './allocation.js';
import { mandatoryFlowSchemas, mandatoryPriorityLevels } from './bootstrap.js';
import { compareFlowSchemas, flowDistinguisher, matchesFlowSchema, type RequestDigest } from './match.js';
import { apfMetrics, levelObserver } from './metrics.js';
import { QueueSet, type Admission, type QueuingConfig, type RejectReason } from './queueset.js';
import type { WorkEstimate } from './work-estimator.js';
import { hashFlowID } from './shuffle-sharding.js';
import { conditionCurrent, danglingCondition, writeDangling } from './status.js';
import { CATCH_ALL, EXEMPT, type FlowSchema, type PriorityLevelConfiguration } from './types.js';

export interface APFControllerOptions {
  flowSchemas: Store;
  priorityLevels: Store;
  /** --max-requests-inflight plus --max-mutating-requests-inflight. */
  serverConcurrencyLimit: number;
  /** Borrowing adjustment period (upstream: 10s). */
  adjustmentPeriodMs?: number;
}

interface LevelState {
  pl: PriorityLevelConfiguration;
  queues: QueueSet;
  limits: LevelLimits;
  currentCL: number;
  smoothed: number;
  /** The most seats one request may take here (0: no level-specific cap). */
  maxSeats: number;
  /** No longer configured: kept until its requests drain. */
  quiescing: boolean;
}

export interface Classification {
  flowSchema: FlowSchema;
  level: PriorityLevelConfiguration;
  exempt: boolean;
}

export interface AdmitOptions {
  /** Seats when there is no estimator. */
  seats?: number;
  /** Upstream's work estimator, called once the level (and its seat cap) is known. */
  estimate?: (levelMaxSeats: number) => WorkEstimate;
  waitLimitMs: number;
  signal?: AbortSignal;
}

export type AdmitResult = { classification: Classification } & ({ admitted: Admission } | { rejected: RejectReason });

function queuingOf(pl: PriorityLevelConfiguration): QueuingConfig {
  if (pl.spec.type === 'Exempt') return { queues: -1, handSize: 0, queueLengthLimit: 0 };
  const q = pl.spec.limited?.limitResponse.queuing;
  return pl.spec.limited?.limitResponse.type === 'Queue' && q ? { ...q } : { queues: 0, handSize: 0, queueLengthLimit: 0 };
}

/** Upstream's queueSetCompleterForPL sanity checks: a level failing them is ignored. */
function usable(pl: PriorityLevelConfiguration): boolean {
  const { type, limited } = pl.spec;
  if ((type === 'Limited') !== (limited !== undefined && limited !== null)) return false;
  if ((type === 'Exempt') !== (pl.metadata.name === EXEMPT)) return false;
  if (limited && (limited.limitResponse.type === 'Reject') !== (limited.limitResponse.queuing === undefined)) return false;
  return true;
}

/**
 * Upstream's per-level seat cap for one request: 15% of the nominal seats, but no more than a
 * hand's fair share (nominal / handSize), and at least one. Only queuing levels have one.
 */
function levelMaxSeats(pl: PriorityLevelConfiguration, nominalCL: number): number {
  const handSize = pl.spec.limited?.limitResponse.queuing?.handSize;
  if (!handSize) return 0;
  return Math.max(1, Math.min(Math.ceil(nominalCL * 0.15), Math.floor(nominalCL / handSize)));
}

export class APFController {
  private readonly fsInformer: Informer;
  private readonly plInformer: Informer;
  private levels = new Map<string, LevelState>();
  private schemas: FlowSchema[] = [];
  private timer: NodeJS.Timeout | undefined;
  private digestQueued = false;
  private readonly period: number;

  constructor(private readonly opts: APFControllerOptions) {
    this.fsInformer = new Informer(opts.flowSchemas);
    this.plInformer = new Informer(opts.priorityLevels);
    this.period = opts.adjustmentPeriodMs ?? 10_000;
    // Until the informers sync, the mandatory objects alone classify.
    this.digest([], []);
  }

  async start(): Promise<void> {
    const kick = () => this.queueDigest();
    this.fsInformer.onEvent(kick);
    this.plInformer.onEvent(kick);
    await Promise.all([this.fsInformer.start(), this.plInformer.start()]);
    this.runDigest();
    this.timer = setInterval(() => this.updateBorrowing(), this.period);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.fsInformer.stop();
    this.plInformer.stop();
  }

  classify(d: RequestDigest): Classification {
    const fs = this.schemas.find(s => matchesFlowSchema(d, s)) ?? this.schemas.find(s => s.metadata.name === CATCH_ALL)!;
    const state = this.levels.get(fs.spec.priorityLevelConfiguration.name)!;
    return { flowSchema: fs, level: state.pl, exempt: state.pl.spec.type === 'Exempt' };
  }

  async admit(d: RequestDigest, opts: AdmitOptions): Promise<AdmitResult> {
    const classification = this.classify(d);
    const { flowSchema, level } = classification;
    const state = this.levels.get(level.metadata.name ?? '')!;
    const fsName = flowSchema.metadata.name ?? '';
    const work = opts.estimate?.(state.maxSeats) ?? { initialSeats: opts.seats ?? 1, finalSeats: 0, additionalLatencyMs: 0 };
    apfMetrics.estimatedSeats.observe({ priority_level: level.metadata.name ?? '', flow_schema: fsName }, Math.max(work.initialSeats, work.finalSeats));
    const queuing = queuingOf(level);
    const hash = queuing.queues > 1 ? hashFlowID(fsName, flowDistinguisher(d, flowSchema)) : 0n;
    const outcome = await state.queues.start({
      flowSchema: fsName, hash, seats: work.initialSeats, finalSeats: work.finalSeats, additionalLatencyMs: work.additionalLatencyMs,
      waitLimitMs: opts.waitLimitMs, ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (state.quiescing && state.queues.isIdle()) this.queueDigest();
    return typeof outcome === 'string' ? { classification, rejected: outcome } : { classification, admitted: outcome };
  }

  /** The most seats one request may take at the level (0: the estimator's own cap). */
  maxSeats(level: string): number | undefined {
    return this.levels.get(level)?.maxSeats;
  }

  /** The level's seat limit now (for tests and the benchmark). */
  currentLimit(level: string): number | undefined {
    return this.levels.get(level)?.currentCL;
  }

  private queueDigest(): void {
    if (this.digestQueued) return;
    this.digestQueued = true;
    setImmediate(() => this.runDigest());
  }

  private runDigest(): void {
    this.digestQueued = false;
    try {
      this.digest(this.plInformer.list() as PriorityLevelConfiguration[], this.fsInformer.list() as FlowSchema[]);
    } catch (e) {
      log.error('API priority and fairness configuration failed', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  private digest(pls: PriorityLevelConfiguration[], fss: FlowSchema[]): void {
    const next = new Map<string, LevelState>();
    const levelFor = (pl: PriorityLevelConfiguration, quiescing: boolean) => {
      const name = pl.metadata.name ?? '';
      const old = this.levels.get(name);
      if (old) {
        old.pl = pl;
        old.quiescing = quiescing;
        old.queues.reconfigure(queuingOf(pl));
        next.set(name, old);
      } else {
        next.set(name, { pl, queues: new QueueSet(queuingOf(pl), 0, levelObserver(name)), limits: { nominalCL: 0, minCL: 0, maxCL: 0 }, currentCL: -1, smoothed: 0, maxSeats: 0, quiescing });
      }
    };
    for (const pl of pls) if (usable(pl)) levelFor(pl, false);
    // Schemas whose level is missing are skipped, and say so in their status.
    const good: FlowSchema[] = [];
    for (const fs of fss) {
      const levelName = fs.spec.priorityLevelConfiguration.name;
      const found = next.has(levelName);
      const want = danglingCondition(levelName, !found, new Date());
      if (!conditionCurrent(fs, want)) void writeDangling(this.opts.flowSchemas, fs, want);
      if (found) good.push(fs);
    }
    // Old levels no longer configured: mandatory ones stay, busy ones drain, idle ones go.
    for (const [name, old] of this.levels) {
      if (next.has(name)) continue;
      if (name === EXEMPT || name === CATCH_ALL) levelFor(old.pl, false);
      else if (!old.queues.isIdle()) levelFor(old.pl, true);
    }
    for (const pl of mandatoryPriorityLevels()) if (!next.has(pl.metadata.name ?? '')) levelFor(pl, false);
    good.sort(compareFlowSchemas);
    const [exemptFS, catchAllFS] = mandatoryFlowSchemas();
    if (!good.some(s => s.metadata.name === EXEMPT)) good.unshift(exemptFS!);
    if (!good.some(s => s.metadata.name === CATCH_ALL)) good.push(catchAllFS!);
    this.levels = next;
    this.schemas = good;

    const limits = nominalLimits([...next.values()].map(s => s.pl), this.opts.serverConcurrencyLimit);
    for (const [name, state] of next) {
      state.limits = limits.get(name)!;
      const { nominalCL, minCL, maxCL } = state.limits;
      state.maxSeats = levelMaxSeats(state.pl, nominalCL);
      apfMetrics.nominalLimit.set({ priority_level: name }, nominalCL);
      apfMetrics.concurrencyLimit.set({ priority_level: name }, nominalCL);
      apfMetrics.lowerLimit.set({ priority_level: name }, minCL);
      apfMetrics.upperLimit.set({ priority_level: name }, maxCL);
      // A new level starts halfway between lending nothing and lending all it may.
      if (state.currentCL < 0) state.currentCL = nominalCL - Math.floor((nominalCL - minCL) / 2);
    }
    this.updateBorrowing();
  }

  /** Re-divides the seats by each level's recent demand, within what it may lend and borrow. */
  private updateBorrowing(): void {
    const nominalSum = [...this.levels.values()].reduce((s, l) => s + l.limits.nominalCL, 0);
    let remaining = nominalSum;
    const limited: { name: string; state: LevelState; lower: number }[] = [];
    for (const [name, state] of this.levels) {
      const demand = state.queues.takeDemandStats();
      state.smoothed = smoothDemand(state.smoothed, demand.avg, demand.stdDev);
      const high = Math.round(demand.max);
      apfMetrics.demandHighWatermark.set({ priority_level: name }, high);
      apfMetrics.demandAverage.set({ priority_level: name }, demand.avg);
      apfMetrics.demandStdev.set({ priority_level: name }, demand.stdDev);
      apfMetrics.demandSmoothed.set({ priority_level: name }, state.smoothed);
      if (state.pl.spec.type === 'Exempt') {
        // Exempt requests are never limited; what they used is simply not there for others.
        state.currentCL = Math.max(state.limits.minCL, high);
        remaining -= state.currentCL;
      } else {
        limited.push({ name, state, lower: Math.max(state.limits.minCL, Math.min(state.limits.nominalCL, high)) });
      }
    }
    const minSum = limited.reduce((s, l) => s + l.state.limits.minCL, 0);
    const lowerSum = limited.reduce((s, l) => s + l.lower, 0);
    if (remaining <= minSum) {
      for (const l of limited) l.state.currentCL = l.state.limits.minCL;
      apfMetrics.fairFrac.set(0);
    } else if (remaining <= lowerSum) {
      const frac = (remaining - minSum) / (lowerSum - minSum);
      for (const l of limited) l.state.currentCL = l.state.limits.minCL + Math.round((l.lower - l.state.limits.minCL) * frac);
      apfMetrics.fairFrac.set(0);
    } else {
      const items = limited.map(l => ({ lower: l.lower, upper: l.state.limits.maxCL, target: Math.max(l.lower, l.state.smoothed) }));
      const allocs = allocate(nominalSum, items);
      limited.forEach((l, i) => {
        l.state.currentCL = Math.round(allocs[i]!);
        apfMetrics.targetSeats.set({ priority_level: l.name }, items[i]!.target);
      });
      const first = items.findIndex(it => it.target > 0);
      apfMetrics.fairFrac.set(first >= 0 ? allocs[first]! / Math.max(items[first]!.target, 0.001) : 0);
    }
    for (const [name, state] of this.levels) {
      apfMetrics.currentLimit.set({ priority_level: name }, state.currentCL);
      state.queues.setConcurrencyLimit(state.currentCL);
    }
  }
}

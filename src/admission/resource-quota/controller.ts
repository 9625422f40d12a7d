// Upstream's quota evaluator (plugin/pkg/admission/resourcequota/controller.go): requests wait in
// a per-namespace batch; a worker checks the whole batch against the namespace's quotas, then
// writes each changed quota's status.used once, compare-and-swap on its resourceVersion. Quotas
// that lost the race are read again and the batch's undecided requests checked again, up to three
// retries, so usage recorded by admission never double-counts or skips a request.
import { errors } from '../../api/errors.js';
import { log } from '../../observability/logger.js';
import { checkRequest, type LimitedResource } from './check-request.js';
import type { Attributes, QuotaEvaluator, ResourceQuota } from './evaluator.js';
import { equals, parseList } from './resources.js';
import type { EvaluatorRegistry } from './registry.js';

/** Reads a namespace's quotas and persists a quota's new status (resource_access.go). */
export interface QuotaAccessor {
  getQuotas(namespace: string): Promise<ResourceQuota[]>;
  /** Writes status.used; rejects (409 on a stale resourceVersion) when the write did not happen. */
  updateQuotaStatus(quota: ResourceQuota): Promise<void>;
}

export interface QuotaEvaluatorOptions {
  accessor: QuotaAccessor;
  registry: EvaluatorRegistry;
  limitedResources: LimitedResource[];
  /** Namespaces checked at once (upstream starts 5 workers). */
  workers?: number;
  /** How long a request waits for its verdict (upstream: 10s). */
  timeoutMs?: number;
}

/** The verdict of a request still waiting on a quota write. */
const DEFAULT_DENY = new Error('DEFAULT DENY');

interface Waiter {
  attributes: Attributes;
  result: Error | null;
  done: () => void;
}

const RETRIES = 3;

export class QuotaEvaluatorQueue {
  private readonly work = new Map<string, Waiter[]>();
  private readonly dirty = new Map<string, Waiter[]>();
  private readonly inProgress = new Set<string>();
  /** Namespaces with work, in arrival order. */
  private readonly queued = new Set<string>();
  private running = 0;

  constructor(private readonly opts: QuotaEvaluatorOptions) {}

  /** Resolves when the request fits every quota (and any charge is recorded); rejects otherwise. */
  async evaluate(a: Attributes): Promise<void> {
    const evaluator = this.opts.registry.evaluatorFor(a.group, a.resource);
    if (!evaluator || !evaluator.handles(a)) return;
    const waiter: Waiter = { attributes: a, result: DEFAULT_DENY, done: () => {} };
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<boolean>(resolve => {
      waiter.done = () => resolve(true);
      timer = setTimeout(() => resolve(false), this.opts.timeoutMs ?? 10_000);
    });
    this.addWork(waiter);
    const inTime = await finished;
    clearTimeout(timer);
    if (!inTime) throw errors.internal('resource quota evaluation timed out');
    if (waiter.result) throw waiter.result;
  }

  private addWork(w: Waiter): void {
    const ns = w.attributes.namespace;
    // Work for a namespace being checked waits for the next round, as upstream's dirty list.
    const into = this.inProgress.has(ns) ? this.dirty : this.work;
    into.set(ns, [...(into.get(ns) ?? []), w]);
    if (!this.inProgress.has(ns)) this.queued.add(ns);
    this.pump();
  }

  private pump(): void {
    while (this.running < (this.opts.workers ?? 5)) {
      const ns = this.queued.values().next().value;
      if (ns === undefined) return;
      this.queued.delete(ns);
      const batch = this.work.get(ns) ?? [];
      this.work.delete(ns);
      this.inProgress.add(ns);
      this.running++;
      void this.checkAttributes(ns, batch).finally(() => this.completeWork(ns));
    }
  }

  private completeWork(ns: string): void {
    this.running--;
    this.inProgress.delete(ns);
    const next = this.dirty.get(ns);
    this.dirty.delete(ns);
    if (next && next.length > 0) {
      this.work.set(ns, next);
      this.queued.add(ns);
    }
    this.pump();
  }

  /** Decides every waiter of the batch, then wakes them all. */
  private async checkAttributes(ns: string, waiters: Waiter[]): Promise<void> {
    try {
      const quotas = await this.opts.accessor.getQuotas(ns);
      if (quotas.length === 0 && this.opts.limitedResources.length === 0) {
        for (const w of waiters) w.result = null;
        return;
      }
      await this.checkQuotas(quotas, waiters, RETRIES);
    } catch (e) {
      for (const w of waiters) if (w.result === DEFAULT_DENY) w.result = e instanceof Error ? e : new Error(String(e));
    } finally {
      for (const w of waiters) w.done();
    }
  }

  private evaluatorOf(a: Attributes): QuotaEvaluator | undefined {
    return this.opts.registry.evaluatorFor(a.group, a.resource);
  }

  private async checkQuotas(start: ResourceQuota[], waiters: Waiter[], retries: number): Promise<void> {
    const original = start;
    let quotas = start;
    let changed = false;
    for (const w of waiters) {
      const evaluator = this.evaluatorOf(w.attributes);
      let next: ResourceQuota[];
      try {
        next = evaluator ? checkRequest(quotas, w.attributes, evaluator, this.opts.limitedResources) : quotas;
      } catch (e) {
        w.result = e instanceof Error ? e : new Error(String(e));
        continue;
      }
      // A dry run is checked, never charged.
      if (w.attributes.dryRun) {
        w.result = null;
        continue;
      }
      const charged = next.some((q, i) => !equals(usedOf(quotas[i]!), usedOf(q)));
      if (charged) changed = true;
      else w.result = null;
      quotas = next;
    }
    if (!changed) return;

    const failed: ResourceQuota[] = [];
    let lastErr: Error | undefined;
    for (let i = 0; i < quotas.length; i++) {
      const quota = quotas[i]!;
      if (equals(usedOf(original[i]!), usedOf(quota))) continue;
      try {
        await this.opts.accessor.updateQuotaStatus(quota);
      } catch (e) {
        failed.push(quota);
        lastErr = e instanceof Error ? e : new Error(String(e));
      }
    }
    const settle = (result: Error | null) => { for (const w of waiters) if (w.result === DEFAULT_DENY) w.result = result; };
    if (failed.length === 0) return settle(null);
    if (retries <= 0) return settle(lastErr!);
    let fresh: ResourceQuota[];
    try {
      fresh = await this.opts.accessor.getQuotas(quotas[0]!.metadata.namespace ?? '');
    } catch {
      return settle(lastErr!);
    }
    log.v(4).info('quota status update conflicted; re-checking', { namespace: quotas[0]!.metadata.namespace, retriesLeft: retries - 1 });
    // Only the quotas that failed are checked again: the batch already fits the others. A quota
    // deleted meanwhile drops out.
    const again = fresh.filter(q => failed.some(f => f.metadata.name === q.metadata.name));
    await this.checkQuotas(again, waiters, retries - 1);
  }
}

const usedOf = (q: ResourceQuota) => parseList(q.status?.used);

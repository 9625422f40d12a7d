// Where quota admission reads and writes quotas (upstream's resource_access.go): the informer's
// copy; a live list while the informer has not synced and shows none (kept 30s per namespace, one
// list in flight per namespace); and the quotas this process just wrote, which win over an
// informer copy with an older resourceVersion so back-to-back batches do not conflict.
import type { KubeObject } from '../../api/types.js';
import type { QuotaAccessor } from './controller.js';
import type { ResourceQuota } from './evaluator.js';

export interface QuotaSources {
  /** The informer's quotas in a namespace. */
  cached(namespace: string): ResourceQuota[];
  hasSynced(): boolean;
  /** A live list of the namespace's quotas. */
  list(namespace: string): Promise<ResourceQuota[]>;
  /**
   * Writes the quota's status, only if its resourceVersion is still current (409 otherwise);
   * resolves to the stored quota.
   */
  updateStatus(quota: ResourceQuota): Promise<ResourceQuota>;
}

/** A small least-recently-used map (k8s.io/utils/lru). */
class Lru<V> {
  private readonly items = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const v = this.items.get(key);
    if (v !== undefined) {
      this.items.delete(key);
      this.items.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.items.delete(key);
    this.items.set(key, v);
    if (this.items.size > this.size) this.items.delete(this.items.keys().next().value!);
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}

const LIVE_TTL_MS = 30_000;
const keyOf = (q: KubeObject) => `${q.metadata.namespace ?? ''}/${q.metadata.name ?? ''}`;

/** etcd resourceVersions are integers that only grow; a non-number compares as oldest. */
function rv(q: KubeObject): bigint {
  try {
    return BigInt(q.metadata.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

export function quotaAccessor(sources: QuotaSources, now: () => number = Date.now): QuotaAccessor {
  const live = new Lru<{ expiry: number; items: ResourceQuota[] }>(100);
  const inFlight = new Map<string, Promise<ResourceQuota[]>>();
  const updated = new Lru<ResourceQuota>(100);

  const liveLookup = (namespace: string): Promise<ResourceQuota[]> => {
    const hit = live.get(namespace);
    if (hit && hit.expiry >= now()) return Promise.resolve(hit.items);
    let pending = inFlight.get(namespace);
    if (!pending) {
      pending = sources.list(namespace).then(items => {
        live.set(namespace, { expiry: now() + LIVE_TTL_MS, items });
        return items;
      }).finally(() => inFlight.delete(namespace));
      inFlight.set(namespace, pending);
    }
    return pending;
  };

  const newest = (q: ResourceQuota): ResourceQuota => {
    const mine = updated.get(keyOf(q));
    if (!mine) return q;
    if (rv(q) >= rv(mine)) {
      updated.delete(keyOf(q));
      return q;
    }
    return mine;
  };

  return {
    async getQuotas(namespace) {
      let items = sources.cached(namespace);
      if (items.length === 0 && !sources.hasSynced()) items = await liveLookup(namespace);
      // Copies: evaluation works on them and must never touch the informer's objects.
      return items.map(q => structuredClone(newest(q)));
    },
    async updateQuotaStatus(quota) {
      const stored = await sources.updateStatus(quota);
      updated.set(keyOf(stored), stored);
    },
  };
}

// Empties terminating namespaces and then removes the "kubernetes" finalizer, the job
// kube-controller-manager's namespace controller does upstream. Running it in-process lets
// `kubectl delete namespace` finish against a bare API server; it is idempotent, so a real
// controller-manager running beside it does no harm.
import type { Catalog } from '../api/catalog.js';
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import type { Stores } from '../server/stores.js';

const finalizerName = 'kubernetes';

function isTerminating(ns: KubeObject): boolean {
  const finalizers = ((ns['spec'] ?? {}) as { finalizers?: string[] }).finalizers ?? [];
  return ns.metadata.deletionTimestamp !== undefined && finalizers.includes(finalizerName);
}

export class NamespaceFinalizer {
  private stopped = false;
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  /** `namespaces` lists the namespaces as last seen (an informer's cache): no etcd read per resync. */
  constructor(
    private readonly catalog: Catalog,
    private readonly stores: Stores,
    private readonly namespaces: () => KubeObject[],
    private readonly resyncMs = 2000,
  ) {}

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.resync();
      } catch (e) {
        log.v(2).info('namespace finalizer resync failed', { err: e instanceof Error ? e.message : String(e) });
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.resyncMs);
    };
    this.timer = setTimeout(tick, this.resyncMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async resync(): Promise<void> {
    await Promise.all(this.namespaces().filter(isTerminating).map(ns => this.finalize(ns.metadata.name ?? '')));
  }

  /** Deletes everything in the namespace; once nothing is left, drops the finalizer. */
  async finalize(name: string): Promise<void> {
    if (this.busy.has(name)) return;
    this.busy.add(name);
    try {
      let remaining = 0;
      const seen = new Set<string>();
      for (const info of this.catalog.all()) {
        if (!info.namespaced || !info.preferred || !info.verbs.includes('list') || !info.verbs.includes('delete')) continue;
        // Several group-versions can share one etcd path (core and events.k8s.io events).
        if (seen.has(info.etcdPath)) continue;
        seen.add(info.etcdPath);
        const store = this.stores.storeFor(info);
        const left = await store.deleteCollection(name, {}, { dryRun: false, gracePeriodSeconds: 0 });
        remaining += left.filter(o => o.metadata.deletionTimestamp !== undefined && ((o.metadata.finalizers ?? []).length > 0)).length;
      }
      if (remaining > 0) return;
      await this.stores.builtin('', 'namespaces').update('', name, 'finalize', cur => {
        if (!cur) throw new Error('gone');
        const spec = (cur['spec'] ?? {}) as { finalizers?: string[] };
        spec.finalizers = (spec.finalizers ?? []).filter(f => f !== finalizerName);
        cur['spec'] = spec;
        return cur;
      }, { dryRun: false });
    } catch (e) {
      if (!(isApiError(e) && e.code === 404)) throw e;
    } finally {
      this.busy.delete(name);
    }
  }
}

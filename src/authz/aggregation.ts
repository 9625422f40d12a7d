// ClusterRole aggregation: a ClusterRole with an aggregationRule gets the union of the rules of
// the ClusterRoles its selectors match (upstream's clusterrole-aggregation controller). Upstream
// runs it in kube-controller-manager; it runs in-process here so that admin/edit/view are usable
// against a bare API server. It is idempotent, so a controller-manager doing the same is harmless.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import { deepEqual } from '../registry/meta.js';
import type { Informer } from '../registry/informer.js';
import { fromLabelSelectorObject, type LabelSelectorObject } from '../registry/selectors/labels.js';
import type { Store } from '../registry/store.js';
import { rulesOf } from './rbac-index.js';
import type { PolicyRule } from './types.js';

interface AggregationRule { clusterRoleSelectors?: LabelSelectorObject[] }

/** The rules an aggregated role should have, from the roles it selects (by name order, deduplicated). */
export function aggregatedRules(role: KubeObject, all: readonly KubeObject[]): PolicyRule[] {
  const rule = role['aggregationRule'] as AggregationRule | undefined;
  const out: PolicyRule[] = [];
  const sorted = [...all].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const sel of rule?.clusterRoleSelectors ?? []) {
    const selector = fromLabelSelectorObject(sel);
    for (const other of sorted) {
      if (other.metadata.name === role.metadata.name || !selector.matches(other.metadata.labels ?? {})) continue;
      for (const r of rulesOf(other)) if (!out.some(o => deepEqual(o, r))) out.push(r);
    }
  }
  return out;
}

export class ClusterRoleAggregator {
  private pending = false;
  private running = false;

  constructor(private readonly clusterRoles: Informer, private readonly store: Store) {
    clusterRoles.onEvent(() => this.schedule());
  }

  /** Coalesces bursts of events into one pass; a pass never overlaps another. */
  private schedule(): void {
    this.pending = true;
    if (this.running) return;
    this.running = true;
    setImmediate(() => { void this.drain(); });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      try {
        await this.syncAll();
      } catch (e) {
        log.v(2).info('clusterrole aggregation failed; will retry on the next change', { err: e instanceof Error ? e.message : String(e) });
      }
    }
    this.running = false;
  }

  async syncAll(): Promise<void> {
    const all = this.clusterRoles.list();
    for (const role of all) {
      if (!role['aggregationRule']) continue;
      const want = aggregatedRules(role, all);
      if (deepEqual(rulesOf(role), want)) continue;
      try {
        await this.store.update('', role.metadata.name ?? '', '', cur => {
          if (!cur) throw new Error('gone');
          cur['rules'] = want;
          return cur;
        }, { dryRun: false });
      } catch (e) {
        if (!(isApiError(e) && (e.code === 404 || e.code === 409))) throw e;
      }
    }
  }
}

// Upstream's ResourceQuota admission plugin: validating only, on creates and updates of
// namespaced objects. Quota is charged here, as each request is admitted; the quota controller
// (kube-controller-manager) recalculates usage and gives back what deleted objects held.
import type { AdmissionPlugin } from '../plugin.js';
import type { LimitedResource } from './check-request.js';
import { QuotaEvaluatorQueue, type QuotaAccessor } from './controller.js';
import { EvaluatorRegistry } from './registry.js';

export interface ResourceQuotaOptions {
  accessor: QuotaAccessor;
  /** From the plugin's ResourceQuotaConfiguration (config.ts). */
  limitedResources?: LimitedResource[];
  now?: () => Date;
  timeoutMs?: number;
}

export function resourceQuota(opts: ResourceQuotaOptions): AdmissionPlugin {
  const queue = new QuotaEvaluatorQueue({
    accessor: opts.accessor,
    registry: new EvaluatorRegistry(opts.now),
    limitedResources: opts.limitedResources ?? [],
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return {
    name: 'ResourceQuota',
    async validate(op, info, obj, old, admission) {
      const namespace = obj.metadata.namespace ?? '';
      // Cluster-scoped objects (namespaces among them) are never quota'd.
      if (op === 'delete' || !info.namespaced || namespace === '') return;
      await queue.evaluate({
        operation: op,
        group: info.group,
        resource: info.resource,
        subresource: admission.subresource ?? '',
        namespace,
        name: obj.metadata.name ?? '',
        object: obj,
        oldObject: old,
        dryRun: admission.dryRun,
      });
    },
  };
}

// Group and version priorities: the fixed table kube-apiserver registers its built-in group
// versions with (cmd/kube-apiserver/app/aggregator.go and the generic control plane's defaults,
// 1.32), the CRD defaults, and upstream's SortedByGroupAndVersion order that /apis follows.
import { compareKubeAwareVersions } from '../api/version-priority.js';
import type { APIService } from './types.js';

export interface Priority {
  group: number;
  version: number;
}

const table: Record<string, Priority> = {
  'v1': { group: 18000, version: 1 },
  // The aggregator's own group: what the Local v1.apiregistration.k8s.io of a 1.32 cluster carries.
  'apiregistration.k8s.io/v1': { group: 18000, version: 15 },
  'apps/v1': { group: 17800, version: 15 },
  'events.k8s.io/v1': { group: 17750, version: 15 },
  'events.k8s.io/v1beta1': { group: 17750, version: 5 },
  'authentication.k8s.io/v1': { group: 17700, version: 15 },
  'authentication.k8s.io/v1beta1': { group: 17700, version: 9 },
  'authentication.k8s.io/v1alpha1': { group: 17700, version: 1 },
  'authorization.k8s.io/v1': { group: 17600, version: 15 },
  'autoscaling/v1': { group: 17500, version: 15 },
  'autoscaling/v2': { group: 17500, version: 30 },
  'autoscaling/v2beta1': { group: 17500, version: 9 },
  'autoscaling/v2beta2': { group: 17500, version: 1 },
  'batch/v1': { group: 17400, version: 15 },
  'batch/v1beta1': { group: 17400, version: 9 },
  'certificates.k8s.io/v1': { group: 17300, version: 15 },
  'certificates.k8s.io/v1beta1': { group: 17300, version: 9 },
  'certificates.k8s.io/v1alpha1': { group: 17300, version: 1 },
  'networking.k8s.io/v1': { group: 17200, version: 15 },
  'networking.k8s.io/v1beta1': { group: 17200, version: 9 },
  'networking.k8s.io/v1alpha1': { group: 17200, version: 1 },
  'policy/v1': { group: 17100, version: 15 },
  'policy/v1beta1': { group: 17100, version: 9 },
  'rbac.authorization.k8s.io/v1': { group: 17000, version: 15 },
  'storage.k8s.io/v1': { group: 16800, version: 15 },
  'storage.k8s.io/v1beta1': { group: 16800, version: 9 },
  'storage.k8s.io/v1alpha1': { group: 16800, version: 1 },
  'apiextensions.k8s.io/v1': { group: 16700, version: 15 },
  'admissionregistration.k8s.io/v1': { group: 16700, version: 15 },
  'admissionregistration.k8s.io/v1beta1': { group: 16700, version: 12 },
  'admissionregistration.k8s.io/v1alpha1': { group: 16700, version: 9 },
  'scheduling.k8s.io/v1': { group: 16600, version: 15 },
  'coordination.k8s.io/v1': { group: 16500, version: 15 },
  'coordination.k8s.io/v1beta1': { group: 16500, version: 13 },
  'coordination.k8s.io/v1alpha2': { group: 16500, version: 12 },
  'node.k8s.io/v1': { group: 16300, version: 15 },
  'node.k8s.io/v1alpha1': { group: 16300, version: 1 },
  'node.k8s.io/v1beta1': { group: 16300, version: 9 },
  'discovery.k8s.io/v1': { group: 16200, version: 15 },
  'discovery.k8s.io/v1beta1': { group: 16200, version: 12 },
  'flowcontrol.apiserver.k8s.io/v1': { group: 16100, version: 21 },
  'flowcontrol.apiserver.k8s.io/v1beta3': { group: 16100, version: 18 },
  'flowcontrol.apiserver.k8s.io/v1beta2': { group: 16100, version: 15 },
  'flowcontrol.apiserver.k8s.io/v1beta1': { group: 16100, version: 12 },
  'flowcontrol.apiserver.k8s.io/v1alpha1': { group: 16100, version: 9 },
  'internal.apiserver.k8s.io/v1alpha1': { group: 16000, version: 9 },
  'resource.k8s.io/v1alpha3': { group: 15900, version: 9 },
  'storagemigration.k8s.io/v1alpha1': { group: 15800, version: 9 },
};

/** The priority a built-in group version registers with; undefined means upstream registers no APIService for it. */
export function builtinPriority(group: string, version: string): Priority | undefined {
  return table[group ? `${group}/${version}` : version];
}

/** crdregistration's APIServices: below every built-in group. */
export const CRD_PRIORITY: Priority = { group: 1000, version: 100 };

/** The group the aggregator serves itself; upstream lists it first in /apis, whatever the APIServices say. */
export const APIREGISTRATION_GROUP = 'apiregistration.k8s.io';

const num = (v: number | undefined) => v ?? 0;

/**
 * SortedByGroupAndVersion: APIServices by groupPriorityMinimum (highest first, then name), grouped
 * by group in the order each group first appears; each group's by versionPriority (highest
 * first), then kube-aware version order.
 */
export function sortedByGroupAndVersion(services: readonly APIService[]): APIService[][] {
  const byGroupPriority = [...services].sort((a, b) =>
    num(b.spec.groupPriorityMinimum) - num(a.spec.groupPriorityMinimum) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
  const groups = new Map<string, APIService[]>();
  for (const s of byGroupPriority) {
    const g = s.spec.group ?? '';
    const list = groups.get(g);
    if (list) list.push(s);
    else groups.set(g, [s]);
  }
  const byVersion = (a: APIService, b: APIService) =>
    num(b.spec.versionPriority) - num(a.spec.versionPriority) || compareKubeAwareVersions(b.spec.version ?? '', a.spec.version ?? '');
  return [...groups.values()].map(list => list.sort(byVersion));
}

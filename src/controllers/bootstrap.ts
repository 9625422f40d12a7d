// Post-start work upstream does in its bootstrap controllers: the system namespaces and the
// two system PriorityClasses. Idempotent: existing objects are left as they are.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Store } from '../registry/store.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const priorityClasses: KubeObject[] = [
  {
    metadata: { name: 'system-node-critical' }, value: 2000001000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority',
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    metadata: { name: 'system-cluster-critical' }, value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority',
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

async function ensure(store: Store, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await store.create(namespace, obj, { dryRun: false });
  } catch (e) {
    if (isApiError(e) && e.code === 409) return;
    throw e;
  }
}

export async function ensureSystemNamespaces(namespaces: Store): Promise<void> {
  for (const name of systemNamespaces) await ensure(namespaces, '', { metadata: { name } });
}

export async function ensureSystemPriorityClasses(store: Store): Promise<void> {
  for (const pc of priorityClasses) await ensure(store, '', structuredClone(pc));
}

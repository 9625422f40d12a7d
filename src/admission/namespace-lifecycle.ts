// Upstream's NamespaceLifecycle plugin: no new content in a missing or terminating namespace,
// and the system namespaces cannot be deleted.
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from './plugin.js';

export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

/** Reads a namespace; null when it does not exist. */
export type NamespaceGetter = (name: string) => Promise<KubeObject | null>;

function isNamespaces(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'namespaces';
}

export function namespaceLifecycle(getNamespace: NamespaceGetter): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(op, info, obj) {
      if (op === 'delete') {
        if (isNamespaces(info) && immortalNamespaces.has(obj.metadata.name ?? '')) {
          throw errors.forbidden(`namespaces "${obj.metadata.name}" is forbidden: this namespace may not be deleted`, { group: '', resource: 'namespaces', name: obj.metadata.name ?? '' });
        }
        return;
      }
      if (op !== 'create' || !info.namespaced) return;
      const nsName = obj.metadata.namespace ?? '';
      const ns = await getNamespace(nsName);
      if (!ns) throw errors.notFound({ group: '', resource: 'namespaces', name: nsName });
      const phase = (ns['status'] as { phase?: string } | undefined)?.phase;
      if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
        const what = info.group ? `${info.resource}.${info.group}` : info.resource;
        const e = errors.forbidden(`${what} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${nsName} because it is being terminated`, { group: info.group, resource: info.resource, name: obj.metadata.name ?? '' });
        e.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${nsName} is being terminated`, field: 'metadata.namespace' }];
        throw e;
      }
    },
  };
}

// The in-memory copy of Roles, ClusterRoles and their bindings that RBAC decisions read: kept
// fresh by informers (list, then watch; relist on 410), so no request reads etcd.
import type { KubeObject } from '../api/types.js';
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import type { PolicyRule } from './types.js';
import type { RoleRef, Subject } from './rbac-rules.js';

export interface RbacStores {
  roles: Store;
  clusterRoles: Store;
  roleBindings: Store;
  clusterRoleBindings: Store;
}

export interface Binding {
  name: string;
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

export const rulesOf = (o: KubeObject | undefined): PolicyRule[] => ((o?.['rules'] ?? []) as PolicyRule[] | null) ?? [];

function toBinding(o: KubeObject): Binding {
  return {
    name: o.metadata.name ?? '',
    namespace: o.metadata.namespace ?? '',
    roleRef: (o['roleRef'] ?? { kind: '', name: '' }) as RoleRef,
    subjects: ((o['subjects'] ?? []) as Subject[] | null) ?? [],
  };
}

export class RbacIndex {
  readonly roles: Informer;
  readonly clusterRoles: Informer;
  readonly roleBindings: Informer;
  readonly clusterRoleBindings: Informer;
  /** Role bindings by namespace: a request looks at its own namespace only. */
  private readonly bindingsByNamespace = new Map<string, Map<string, Binding>>();
  /** Cluster role bindings, converted once per change rather than per request. */
  private readonly clusterBindings = new Map<string, Binding>();

  constructor(stores: RbacStores) {
    this.roles = new Informer(stores.roles);
    this.clusterRoles = new Informer(stores.clusterRoles);
    this.roleBindings = new Informer(stores.roleBindings);
    this.clusterRoleBindings = new Informer(stores.clusterRoleBindings);
    this.roleBindings.onEvent((type, obj) => {
      const ns = obj.metadata.namespace ?? '';
      let m = this.bindingsByNamespace.get(ns);
      if (type === 'DELETED') {
        m?.delete(obj.metadata.name ?? '');
        if (m && m.size === 0) this.bindingsByNamespace.delete(ns);
        return;
      }
      if (!m) this.bindingsByNamespace.set(ns, (m = new Map()));
      m.set(obj.metadata.name ?? '', toBinding(obj));
    });
    this.clusterRoleBindings.onEvent((type, obj) => {
      if (type === 'DELETED') this.clusterBindings.delete(obj.metadata.name ?? '');
      else this.clusterBindings.set(obj.metadata.name ?? '', toBinding(obj));
    });
  }

  /** Resolves once every informer has its first list. */
  async start(): Promise<void> {
    await Promise.all([this.roles.start(), this.clusterRoles.start(), this.roleBindings.start(), this.clusterRoleBindings.start()]);
  }

  stop(): void {
    for (const i of [this.roles, this.clusterRoles, this.roleBindings, this.clusterRoleBindings]) i.stop();
  }

  clusterRole(name: string): KubeObject | undefined {
    return this.clusterRoles.get('', name);
  }

  role(namespace: string, name: string): KubeObject | undefined {
    return this.roles.get(namespace, name);
  }

  clusterRoleBindingList(): Binding[] {
    return [...this.clusterBindings.values()];
  }

  roleBindingsIn(namespace: string): Binding[] {
    return [...(this.bindingsByNamespace.get(namespace)?.values() ?? [])];
  }
}

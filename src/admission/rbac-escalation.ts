// RBAC escalation prevention on role and binding writes (upstream does it in the rbac registry's
// policy-based storage): a user may only write a Role/ClusterRole whose rules they already hold,
// unless allowed to `escalate`, and may only bind a role whose rules they hold, unless allowed to
// `bind` it. system:masters and server-internal writes (no request user) are exempt.
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/user.js';
import { rulesOf } from '../authz/rbac-index.js';
import { compactRules, compactString, covers, goQuoteList, type RoleRef } from '../authz/rbac-rules.js';
import { requestUser } from '../authz/request-user.js';
import type { Attributes, PolicyRule } from '../authz/types.js';
import { privilegedGroup } from '../authz/union.js';
import { deepEqual } from '../registry/meta.js';
import type { AdmissionPlugin } from './plugin.js';

const rbacGroup = 'rbac.authorization.k8s.io';

export interface EscalationDeps {
  /** The authorizer chain: is the user allowed `escalate` or `bind`? */
  authorize(user: UserInfo, attrs: Attributes): Promise<{ allowed: boolean }>;
  /** RBAC's rule resolver; without RBAC the rule comparison cannot be made and is skipped. */
  resolver(): RuleResolver | undefined;
}

export interface RuleResolver {
  rulesWithErrors(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] };
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[];
}

const fullAuthority: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];

/** Upstream's IsOnlyMutatingGCFields: owner references and finalizers are the garbage collector's. */
function onlyGCFieldsChanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = structuredClone(o);
    for (const k of ['ownerReferences', 'finalizers', 'resourceVersion', 'managedFields', 'generation']) delete c.metadata[k];
    return c;
  };
  return deepEqual(strip(obj), strip(old));
}

export function escalationMessage(user: UserInfo, missing: PolicyRule[], resolutionErrors: string[]): string {
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (resolutionErrors.length > 0) msg += `; resolution errors: [${resolutionErrors.join(', ')}]`;
  return msg;
}

export function rbacEscalation(deps: EscalationDeps): AdmissionPlugin {
  const confirmNoEscalation = (user: UserInfo, namespace: string, info: ResourceInfo, name: string, rules: PolicyRule[]) => {
    const resolver = deps.resolver();
    if (!resolver) return;
    const owner = resolver.rulesWithErrors(user, namespace);
    const { covered, missing } = covers(owner.rules, rules);
    if (covered) return;
    throw errors.forbidden(`${info.resource}.${rbacGroup} ${JSON.stringify(name)} is forbidden: ${escalationMessage(user, missing, owner.errors)}`, { group: rbacGroup, resource: info.resource, name });
  };

  return {
    name: 'RBACEscalation',
    async validate(op, info, obj, old) {
      if (op === 'delete' || info.group !== rbacGroup) return;
      const user = requestUser();
      if (!user || user.groups.includes(privilegedGroup)) return;
      if (op === 'update' && old && onlyGCFieldsChanged(obj, old)) return;
      const namespace = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      if (info.resource === 'roles' || info.resource === 'clusterroles') {
        const esc = await deps.authorize(user, { verb: 'escalate', group: rbacGroup, resource: info.resource, namespace, name: op === 'update' ? name : '', isResourceRequest: true });
        if (esc.allowed) return;
        const rules = obj['aggregationRule'] ? fullAuthority : rulesOf(obj);
        confirmNoEscalation(user, namespace, info, name, rules);
        return;
      }
      if (info.resource === 'rolebindings' || info.resource === 'clusterrolebindings') {
        const ref = (obj['roleRef'] ?? { kind: '', name: '' }) as RoleRef;
        const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : '';
        if (resource) {
          const bind = await deps.authorize(user, { verb: 'bind', group: rbacGroup, resource, namespace, name: ref.name, isResourceRequest: true });
          if (bind.allowed) return;
        }
        const resolver = deps.resolver();
        if (!resolver) return;
        let rules: PolicyRule[];
        try {
          rules = resolver.roleReferenceRules(ref, namespace);
        } catch {
          throw errors.notFound({ group: rbacGroup, resource: resource || 'roles', name: ref.name });
        }
        confirmNoEscalation(user, namespace, info, name, rules);
      }
    },
  };
}

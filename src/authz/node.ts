// The Node authorizer for kubelets (users system:node:<name> in group system:nodes), a subset of
// upstream's graph-based one: secrets, configmaps, PVCs, PVs and service account tokens only
// through pods bound to the node; its own Lease and CSINode; everything else in the static
// system:node rules. Other users get no opinion.
import type { UserInfo } from '../authn/user.js';
import type { NodeGraph, VertexType } from './node-graph.js';
import { rulesAllow } from './rbac-rules.js';
import type { Attributes, Authorizer, DecisionResult, PolicyRule } from './types.js';

const nodeLeaseNamespace = 'kube-node-lease';

export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes('system:nodes') || !user.name.startsWith('system:node:')) return undefined;
  return user.name.slice('system:node:'.length);
}

const no = (reason: string): DecisionResult => ({ decision: 'NoOpinion', reason });
const allow: DecisionResult = { decision: 'Allow', reason: '' };

export class NodeAuthorizer implements Authorizer {
  constructor(private readonly graph: NodeGraph, private readonly nodeRules: readonly PolicyRule[]) {}

  private related(node: string, t: VertexType, attrs: Attributes): DecisionResult {
    if (!attrs.name) return no('No Object name found');
    return this.graph.hasEdge(node, t, attrs.namespace ?? '', attrs.name) ? allow : no(`no relationship found between node '${node}' and this object`);
  }

  private readNamespaced(node: string, t: VertexType, attrs: Attributes): DecisionResult {
    if (!['get', 'list', 'watch'].includes(attrs.verb)) return no('can only read resources of this type');
    if (attrs.subresource) return no('cannot read subresource');
    if (!attrs.namespace) return no('can only read namespaced object of this type');
    return this.related(node, t, attrs);
  }

  authorize(user: UserInfo, attrs: Attributes): DecisionResult {
    const node = nodeIdentity(user);
    if (node === undefined) return no('');
    if (node === '') return no('unknown node');
    if (attrs.isResourceRequest) {
      const group = attrs.group ?? '';
      const resource = attrs.resource ?? '';
      const sub = attrs.subresource ?? '';
      if (group === '' && resource === 'secrets') return this.readNamespaced(node, 'secret', attrs);
      if (group === '' && resource === 'configmaps') return this.readNamespaced(node, 'configmap', attrs);
      if (group === '' && resource === 'persistentvolumeclaims') {
        if (sub === 'status') {
          if (!['get', 'update', 'patch'].includes(attrs.verb)) return no('can only get, update or patch persistentvolumeclaim status');
          return this.related(node, 'pvc', attrs);
        }
        if (attrs.verb !== 'get') return no('can only get individual resources of this type');
        if (sub) return no('cannot get subresource');
        return this.related(node, 'pvc', attrs);
      }
      if (group === '' && resource === 'persistentvolumes') {
        if (attrs.verb !== 'get') return no('can only get individual resources of this type');
        if (sub) return no('cannot get subresource');
        if (!attrs.name) return no('No Object name found');
        return this.graph.usesVolume(node, attrs.name) ? allow : no(`no relationship found between node '${node}' and this object`);
      }
      if (group === '' && resource === 'serviceaccounts') {
        if (attrs.verb !== 'create' || !attrs.name) return no('can only create tokens for individual service accounts');
        if (sub !== 'token') return no('can only create token subresource of serviceaccount');
        return this.related(node, 'serviceaccount', attrs);
      }
      if (group === 'coordination.k8s.io' && resource === 'leases') {
        if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return no('can only get, create, update, patch, or delete a node lease');
        if (attrs.namespace !== nodeLeaseNamespace) return no(`can only access leases in the ${JSON.stringify(nodeLeaseNamespace)} system namespace`);
        // The name is unknown on create; NodeRestriction admission checks it there upstream.
        if (attrs.verb !== 'create' && attrs.name !== node) return no('can only access node lease with the same name as the requesting node');
        return allow;
      }
      if (group === 'storage.k8s.io' && resource === 'csinodes') {
        if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return no('can only get, create, update, patch, or delete a CSINode');
        if (sub) return no('cannot authorize CSINode subresources');
        if (attrs.verb !== 'create' && attrs.name !== node) return no('can only access CSINode with the same name as the requesting node');
        return allow;
      }
    }
    return rulesAllow(attrs, this.nodeRules) ? allow : no('');
  }

  rulesFor(user: UserInfo): ReturnType<Authorizer['rulesFor']> {
    if (nodeIdentity(user) !== undefined) {
      return { resourceRules: [], nonResourceRules: [], incomplete: true, error: 'node authorizer does not support user rule resolution' };
    }
    return { resourceRules: [], nonResourceRules: [], incomplete: false };
  }
}

// Upstream's NodeRestriction plugin: a kubelet (system:node:<name> in system:nodes) may only
// touch what belongs to its node — mirror pods bound to it, the status of and evictions of its
// pods, its own Node (without changing taints or restricted labels), PVC status, its lease in
// kube-node-lease and its CSINode. The Node authorizer says which kinds; this says which objects.
import { isDeepStrictEqual } from 'node:util';
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import { nodeIdentity } from '../authz/node.js';
import { requestUser } from '../authz/request-user.js';
import type { AdmissionPlugin, Operation } from './plugin.js';
import { MIRROR_POD_ANNOTATION, podReferences } from './pod-references.js';

type Fields = Record<string, unknown>;

/** The kubelet-owned labels (upstream's kubeletapis.IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type',
  'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
]);
const labelNamespace = (key: string) => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const within = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

function isKubeletLabel(key: string): boolean {
  const ns = labelNamespace(key);
  return KUBELET_LABELS.has(key) || within(ns, 'kubelet.kubernetes.io') || within(ns, 'node.kubernetes.io');
}

/** Labels a node may not add, change or remove on its Node. */
export function forbiddenNodeLabels(next: Record<string, string> = {}, previous: Record<string, string> = {}): string[] {
  const changed = new Set([...Object.keys(next), ...Object.keys(previous)].filter(k => next[k] !== previous[k]));
  return [...changed].filter(k => {
    const ns = labelNamespace(k);
    return within(ns, 'node-restriction.kubernetes.io') || ((within(ns, 'kubernetes.io') || within(ns, 'k8s.io')) && !isKubeletLabel(k));
  }).sort();
}

export function nodeRestriction(getNode: (name: string) => Promise<KubeObject | null>): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    // Upstream runs it in the mutating phase, before webhooks see the request.
    async admit(op, info, obj, old, opts) {
      const user = requestUser();
      const node = user ? nodeIdentity(user) : undefined;
      if (node === undefined) return;
      const name = obj.metadata.name ?? '';
      const forbid = (message: string) => {
        const what = info.group ? `${info.resource}.${info.group}` : info.resource;
        return errors.forbidden(`${what} ${JSON.stringify(name)} is forbidden: ${message}`, { group: info.group, resource: info.resource, name });
      };
      if (node === '') throw forbid(`could not determine node from user ${JSON.stringify(user!.name)}`);
      const sub = opts.subresource ?? '';
      const gr = `${info.group}/${info.resource}`;
      const spec = (obj['spec'] ?? {}) as Fields;
      if (gr === '/pods') await pod(op, sub, node, obj, old, spec, forbid, getNode);
      else if (gr === '/nodes') nodeObject(op, node, obj, old, forbid);
      else if (gr === '/persistentvolumeclaims') pvc(op, sub, node, obj, old, forbid);
      else if (gr === 'coordination.k8s.io/leases') {
        if (obj.metadata.namespace !== 'kube-node-lease') throw forbid('can only access leases in the "kube-node-lease" system namespace');
        if (name !== node) throw forbid('can only access node lease with the same name as the requesting node');
      } else if (gr === 'storage.k8s.io/csinodes' && name !== node) {
        throw forbid('can only access CSINode with the same name as the requesting node');
      }
    },
  };
}

type Forbid = (message: string) => Error;

async function pod(op: Operation, sub: string, node: string, obj: KubeObject, old: KubeObject | null, spec: Fields, forbid: Forbid, getNode: (name: string) => Promise<KubeObject | null>): Promise<void> {
  if (sub === 'status') {
    if (op !== 'update') throw forbid(`unexpected operation ${JSON.stringify(op.toUpperCase())}`);
    if (((old?.['spec'] ?? {}) as Fields)['nodeName'] !== node) throw forbid(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
    if (!isDeepStrictEqual(old?.metadata.labels ?? {}, obj.metadata.labels ?? {})) throw forbid(`node ${JSON.stringify(node)} cannot update labels through pod status`);
    return;
  }
  if (sub !== '') throw forbid(`unexpected pod subresource ${JSON.stringify(sub)}, only 'status' and 'eviction' are allowed`);
  if (op === 'delete') {
    if (spec['nodeName'] !== node) throw forbid(`node ${JSON.stringify(node)} can only delete pods with spec.nodeName set to itself`);
    return;
  }
  if (op !== 'create') throw forbid(`unexpected operation ${JSON.stringify(op.toUpperCase())}, node ${JSON.stringify(node)} can only create and delete mirror pods`);
  const n = JSON.stringify(node);
  if (obj.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
    throw forbid(`pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node ${n} can only create mirror pods`);
  }
  if (spec['nodeName'] !== node) throw forbid(`node ${n} can only create pods with spec.nodeName set to itself`);
  const owners = (obj.metadata.ownerReferences ?? []) as unknown as Fields[];
  if (owners.length > 1) throw forbid(`node ${n} can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner['apiVersion'] !== 'v1' || owner['kind'] !== 'Node' || owner['name'] !== node) {
    throw forbid(`node ${n} can only create pods with an owner reference set to itself`);
  }
  if (owner['controller'] !== true) throw forbid(`node ${n} can only create pods with a controller owner reference set to itself`);
  if (owner['blockOwnerDeletion'] === true) throw forbid(`node ${n} must not set blockOwnerDeletion on an owner reference`);
  const nodeObj = await getNode(node);
  if (!nodeObj) throw errors.notFound({ group: '', resource: 'nodes', name: node });
  if (owner['uid'] !== nodeObj.metadata.uid) throw forbid(`node ${node} UID mismatch: expected ${String(owner['uid'])} got ${nodeObj.metadata.uid ?? ''}`);
  if (spec['serviceAccountName']) throw forbid(`node ${n} can not create pods that reference a service account`);
  if (podReferences(spec, 'secrets')) throw forbid(`node ${n} can not create pods that reference secrets`);
  if (podReferences(spec, 'configmaps')) throw forbid(`node ${n} can not create pods that reference configmaps`);
  if (((spec['volumes'] ?? []) as Fields[]).some(v => v['persistentVolumeClaim'] !== undefined)) {
    throw forbid(`node ${n} can not create pods that reference persistentvolumeclaims`);
  }
}

function nodeObject(op: Operation, node: string, obj: KubeObject, old: KubeObject | null, forbid: Forbid): void {
  const name = obj.metadata.name ?? '';
  if (name !== node) throw forbid(`node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(name)}`);
  const spec = (obj['spec'] ?? {}) as Fields;
  if (op === 'create') {
    if (spec['configSource'] != null) throw forbid(`node ${JSON.stringify(node)} is not allowed to create pods with a non-nil configSource`);
    const bad = forbiddenNodeLabels(obj.metadata.labels, {});
    if (bad.length > 0) throw forbid(`node ${JSON.stringify(node)} is not allowed to set the following labels: ${bad.join(', ')}`);
  }
  if (op === 'update' && old) {
    const oldSpec = (old['spec'] ?? {}) as Fields;
    if (spec['configSource'] != null && !isDeepStrictEqual(spec['configSource'], oldSpec['configSource'])) {
      throw forbid(`node ${JSON.stringify(node)} is not allowed to update configSource to a new non-nil configSource`);
    }
    if (!isDeepStrictEqual(spec['taints'] ?? [], oldSpec['taints'] ?? [])) throw forbid(`node ${JSON.stringify(node)} is not allowed to modify taints`);
    const bad = forbiddenNodeLabels(obj.metadata.labels, old.metadata.labels);
    if (bad.length > 0) throw forbid(`is not allowed to modify labels: ${bad.join(', ')}`);
  }
}

function pvc(op: Operation, sub: string, node: string, obj: KubeObject, old: KubeObject | null, forbid: Forbid): void {
  if (sub !== 'status') throw forbid('may only update PVC status');
  if (op !== 'update' || !old) throw forbid(`unexpected operation ${JSON.stringify(op.toUpperCase())}`);
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = o.metadata;
    const { capacity: _c, conditions: _k, allocatedResources: _a, allocatedResourceStatuses: _s, ...status } = (o['status'] ?? {}) as Fields;
    return { ...o, metadata, status };
  };
  if (!isDeepStrictEqual(strip(obj), strip(old))) {
    throw forbid(`node ${JSON.stringify(node)} is not allowed to update fields other than status.capacity and status.conditions`);
  }
}

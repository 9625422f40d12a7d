// What differs between resources in the generic REST flow (upstream's per-resource
// strategy.go files). Defaulting and validation live in api/defaults and api/validation.
import { isDeepStrictEqual } from 'node:util';
import type { ResourceInfo } from './resource-info.js';
import { nowTimestamp } from '../registry/meta.js';
import { builtinStatusUpdate } from './status-strategy.js';
import type { KubeObject } from './types.js';

export interface Strategy {
  /** metadata.generation starts at 1 and goes up when anything but metadata/status changes. */
  tracksGeneration: boolean;
  /** A PUT to a missing name creates it. */
  allowCreateOnUpdate: boolean;
  /** DELETE answers with the deleted object instead of a Success Status. */
  returnDeletedObject: boolean;
  /** The status an object starts with, when clients may not set it at create. */
  initialStatus?: (obj: KubeObject) => unknown;
  /** Finalizers kept outside metadata.finalizers that also hold a deletion (namespace spec.finalizers). */
  specFinalizers?: (obj: KubeObject) => string[];
  /** Carries values the server owns from the stored object into an update that omits them. */
  prepareForUpdate?: (next: KubeObject, current: KubeObject) => void;
  /** Graceful deletion: seconds to wait before the object goes, or 0 to delete now. */
  gracePeriodSeconds?: (obj: KubeObject, requested: number | undefined) => number;
  /** The part of an object whose change bumps metadata.generation (default: all but metadata and status). */
  generationContent?: (obj: KubeObject) => unknown;
  /** A status-subresource write: the object to store from the desired and the current one (default: current with desired's status). */
  prepareStatusUpdate?: (desired: KubeObject, current: KubeObject) => KubeObject;
  /** A first DELETE marks the object instead (finalizers added, deletionTimestamp set) and keeps it: the CRD cleanup. */
  markForDeletion?: (obj: KubeObject) => string[];
}

type Fields = Record<string, unknown>;

const key = (group: string, resource: string) => `${resource}.${group}`;

const generationTracking = new Set([
  'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps',
  'jobs.batch', 'cronjobs.batch', 'replicationcontrollers.',
  'ingresses.networking.k8s.io', 'networkpolicies.networking.k8s.io', 'ingressclasses.networking.k8s.io',
  'poddisruptionbudgets.policy', 'horizontalpodautoscalers.autoscaling',
  'customresourcedefinitions.apiextensions.k8s.io',
  'flowschemas.flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingadmissionpolicies.admissionregistration.k8s.io',
  'validatingadmissionpolicybindings.admissionregistration.k8s.io',
]);

const createOnUpdate = new Set([
  'endpoints.', 'events.', 'limitranges.', 'serviceaccounts.', 'services.',
  'events.events.k8s.io', 'leases.coordination.k8s.io', 'endpointslices.discovery.k8s.io',
  'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io',
]);

const returnsDeleted = new Set(['pods.', 'services.', 'namespaces.', 'nodes.', 'persistentvolumes.', 'persistentvolumeclaims.']);

// Resources whose status a client may not set at create: upstream resets it in PrepareForCreate.
// Nodes keep theirs (the kubelet registers with status); events and most config objects have none.
const statusResetExceptions = new Set(['nodes.', 'certificatesigningrequests.certificates.k8s.io']);

/** Upstream's QoS class (pkg/apis/core/helper/qos): from the containers' cpu/memory requests and limits. */
export function podQOSClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod['spec'] ?? {}) as { containers?: Fields[]; initContainers?: Fields[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = (c['resources'] ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    const requests = res.requests ?? {};
    const limits = res.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      // A missing request defaults to the limit, so only a differing request breaks Guaranteed.
      if (limits[r] === undefined || (requests[r] !== undefined && String(requests[r]) !== String(limits[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const initialStatuses: Record<string, (obj: KubeObject) => unknown> = {
  'pods.': pod => ({ phase: 'Pending', qosClass: podQOSClass(pod) }),
  'namespaces.': () => ({ phase: 'Active' }),
  // PersistentVolumeLastPhaseTransitionTime: the Pending phase is timed from creation.
  'persistentvolumes.': () => ({ phase: 'Pending', lastPhaseTransitionTime: nowTimestamp() }),
  'persistentvolumeclaims.': () => ({ phase: 'Pending' }),
  'services.': () => ({ loadBalancer: {} }),
};

function podGracePeriod(obj: KubeObject, requested: number | undefined): number {
  const spec = (obj['spec'] ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = ((obj['status'] ?? {}) as { phase?: string }).phase;
  // A pod that never reached a node, or has finished, has nothing to stop: delete it now.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

const needsNodePort = (spec: Fields) => spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
const needsHealthCheckNodePort = (spec: Fields) => spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
const nodePortsOf = (spec: Fields) => new Set(((spec['ports'] ?? []) as Fields[]).map(p => p['nodePort']).filter(v => v !== undefined && v !== 0));

/**
 * Upstream's dropTypeDependentFields: a Service changing type loses the fields the new type
 * cannot have, when the update left them as they were (a changed value still meets validation).
 * What is dropped here is released by the allocator.
 */
function dropTypeDependentFields(n: Fields, c: Fields, next: KubeObject): void {
  const same = (k: string) => isDeepStrictEqual(n[k], c[k]);
  if (c['type'] !== 'ExternalName' && n['type'] === 'ExternalName') {
    if (same('clusterIP') && same('clusterIPs')) { delete n['clusterIP']; delete n['clusterIPs']; }
    if (same('ipFamilies')) delete n['ipFamilies'];
    if (same('ipFamilyPolicy')) delete n['ipFamilyPolicy'];
  }
  if (needsNodePort(c) && !needsNodePort(n)) {
    const old = nodePortsOf(c);
    if ([...nodePortsOf(n)].every(p => old.has(p))) for (const p of (n['ports'] ?? []) as Fields[]) delete p['nodePort'];
  }
  if (needsHealthCheckNodePort(c) && !needsHealthCheckNodePort(n) && same('healthCheckNodePort')) delete n['healthCheckNodePort'];
  if (c['type'] === 'LoadBalancer' && n['type'] !== 'LoadBalancer') {
    if (n['allocateLoadBalancerNodePorts'] !== undefined && same('allocateLoadBalancerNodePorts')) delete n['allocateLoadBalancerNodePorts'];
    if (same('loadBalancerClass')) delete n['loadBalancerClass'];
  }
  if (needsNodePort(c) && !needsNodePort(n) && same('externalTrafficPolicy')) delete n['externalTrafficPolicy'];
  // Load-balancer status means nothing once the type is not LoadBalancer.
  if (n['type'] !== 'LoadBalancer' && next['status'] !== undefined) next['status'] = { ...(next['status'] as Fields), loadBalancer: {} };
}

/** Upstream's service PrepareForUpdate, then patchAllocatedValues: an update that leaves allocated IPs and ports out keeps them. */
function keepServiceAllocations(next: KubeObject, current: KubeObject): void {
  const n = (next['spec'] ?? {}) as Fields;
  const c = (current['spec'] ?? {}) as Fields;
  dropTypeDependentFields(n, c, next);
  const needsClusterIP = n['type'] !== 'ExternalName';
  if (needsClusterIP) {
    if (!n['clusterIP'] && c['clusterIP']) n['clusterIP'] = c['clusterIP'];
    if (!n['clusterIPs'] && c['clusterIPs']) n['clusterIPs'] = c['clusterIPs'];
  }
  const oldPorts = (c['ports'] ?? []) as Fields[];
  for (const p of (n['ports'] ?? []) as Fields[]) {
    if (p['nodePort']) continue;
    const match = oldPorts.find(o => o['port'] === p['port'] && (o['protocol'] ?? 'TCP') === (p['protocol'] ?? 'TCP'));
    if (match?.['nodePort'] && (n['type'] === 'NodePort' || n['type'] === 'LoadBalancer')) p['nodePort'] = match['nodePort'];
  }
  if (!n['healthCheckNodePort'] && c['healthCheckNodePort'] && n['externalTrafficPolicy'] === 'Local') n['healthCheckNodePort'] = c['healthCheckNodePort'];
  next['spec'] = n;
}

/** spec.finalizers of a namespace change only through namespaces/finalize. */
function keepNamespaceFinalizers(next: KubeObject, current: KubeObject): void {
  const c = (current['spec'] ?? {}) as Fields;
  const n = { ...((next['spec'] ?? {}) as Fields) };
  if (c['finalizers'] === undefined) delete n['finalizers'];
  else n['finalizers'] = c['finalizers'];
  next['spec'] = n;
}

/** Upstream's customResourceStrategy: generation from everything but metadata; status kept out of main writes. */
function customStrategy(hasStatus: boolean): Strategy {
  const s: Strategy = {
    tracksGeneration: true,
    allowCreateOnUpdate: false,
    returnDeletedObject: true,
    generationContent: obj => {
      const { metadata: _m, ...rest } = obj;
      return rest;
    },
    // The status subresource writes status (and managedFields) onto the stored object.
    prepareStatusUpdate: (desired, current) => {
      const next = structuredClone(current);
      if (desired['status'] === undefined) delete next['status'];
      else next['status'] = desired['status'];
      if (desired.metadata.managedFields !== undefined) next.metadata.managedFields = desired.metadata.managedFields;
      else delete next.metadata.managedFields;
      return next;
    },
  };
  if (hasStatus) s.initialStatus = () => undefined;
  return s;
}

/** Upstream's CRD PrepareForCreate: an empty status naming the storage version as stored. */
function crdInitialStatus(obj: KubeObject): unknown {
  const versions = (((obj['spec'] ?? {}) as { versions?: { name?: string; storage?: boolean }[] }).versions ?? []);
  const storage = versions.find(v => v.storage === true)?.name;
  return storage === undefined ? {} : { storedVersions: [storage] };
}

/** Upstream's CRD PrepareForUpdate: a new storage version joins status.storedVersions. */
function crdRecordStorageVersion(next: KubeObject): void {
  const versions = (((next['spec'] ?? {}) as { versions?: { name?: string; storage?: boolean }[] }).versions ?? []);
  const storage = versions.find(v => v.storage === true)?.name;
  if (storage === undefined) return;
  const status = (next['status'] ?? {}) as { storedVersions?: string[] };
  if ((status.storedVersions ?? []).includes(storage)) return;
  next['status'] = { ...status, storedVersions: [...(status.storedVersions ?? []), storage] };
}

const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };

/** Upstream's CRD REST Delete: the first DELETE adds the cleanup finalizer and the Terminating condition. */
function markCRDForDeletion(obj: KubeObject): string[] {
  const status = (obj['status'] ?? {}) as { conditions?: Condition[] };
  const conditions = (status.conditions ?? []).filter(c => c.type !== 'Terminating');
  const previous = (status.conditions ?? []).find(c => c.type === 'Terminating');
  const changed = !previous || previous.status !== 'True';
  conditions.push({
    type: 'Terminating', status: 'True',
    lastTransitionTime: changed ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : (previous.lastTransitionTime ?? ''),
    reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  });
  obj['status'] = { ...status, conditions };
  return [CRD_CLEANUP_FINALIZER];
}

/** Upstream's csrStrategy PrepareForUpdate: spec is fixed at create, status changes through subresources. */
function keepCSRSpec(next: KubeObject, current: KubeObject): void {
  if (current['spec'] === undefined) delete next['spec'];
  else next['spec'] = structuredClone(current['spec']);
}

export function strategyFor(info: ResourceInfo): Strategy {
  if (info.custom) return customStrategy(info.custom.hasStatus);
  const k = key(info.group, info.resource);
  const hasStatus = info.subresources.some(s => s.name === 'status');
  const s: Strategy = {
    tracksGeneration: generationTracking.has(k),
    allowCreateOnUpdate: createOnUpdate.has(k),
    returnDeletedObject: returnsDeleted.has(k),
  };
  const initial = initialStatuses[k];
  if (initial) s.initialStatus = initial;
  else if (hasStatus && !statusResetExceptions.has(k)) s.initialStatus = () => ({});
  if (hasStatus) s.prepareStatusUpdate = builtinStatusUpdate(k);
  if (k === 'pods.') s.gracePeriodSeconds = podGracePeriod;
  if (k === 'certificatesigningrequests.certificates.k8s.io') s.prepareForUpdate = keepCSRSpec;
  // deploymentStrategy: annotations are copied to the ReplicaSets, so their changes bump generation too.
  if (k === 'deployments.apps') s.generationContent = obj => ({ spec: obj['spec'], annotations: obj.metadata.annotations ?? {} });
  if (k === 'services.') s.prepareForUpdate = keepServiceAllocations;
  if (k === 'namespaces.') s.prepareForUpdate = keepNamespaceFinalizers;
  if (k === 'namespaces.') s.specFinalizers = obj => ((obj['spec'] ?? {}) as { finalizers?: string[] }).finalizers ?? [];
  if (k === 'customresourcedefinitions.apiextensions.k8s.io') {
    s.markForDeletion = markCRDForDeletion;
    s.initialStatus = crdInitialStatus;
    s.prepareForUpdate = crdRecordStorageVersion;
  }
  return s;
}

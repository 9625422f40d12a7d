// core/v1 defaults other than pods and controllers: services, secrets, namespaces, volumes and
// claims, endpoints, nodes, limit ranges, resource quotas.
import { defaultClaimSpec } from './pod.js';
import { child, def, isObj, items, opt, roundResourceList, type Obj } from './util.js';

export function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  def(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const timeout = opt(opt(spec, 'sessionAffinityConfig'), 'clientIP')?.['timeoutSeconds'];
    if (timeout === undefined || timeout === null) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
  }
  def(spec, 'type', 'ClusterIP');
  for (const port of items(spec, 'ports')) {
    def(port, 'protocol', 'TCP');
    if (port['targetPort'] === undefined || port['targetPort'] === 0 || port['targetPort'] === '') port['targetPort'] = port['port'];
  }
  const type = spec['type'];
  const externalIPs = spec['externalIPs'];
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' ||
    (type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0);
  if (externallyAccessible) def(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec['internalTrafficPolicy'] === undefined && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) {
    spec['internalTrafficPolicy'] = 'Cluster';
  }
  if (type === 'LoadBalancer') {
    if (spec['allocateLoadBalancerNodePorts'] === undefined) spec['allocateLoadBalancerNodePorts'] = true;
    for (const ing of items(opt(opt(svc, 'status'), 'loadBalancer'), 'ingress')) {
      if (ing['ip'] && ing['ipMode'] === undefined) ing['ipMode'] = 'VIP';
    }
  }
}

/**
 * SetDefaults_Secret, plus the v1 → internal conversion upstream runs on every write:
 * stringData is merged into data (base64) and dropped.
 */
export function defaultSecret(secret: Obj): void {
  def(secret, 'type', 'Opaque');
  const stringData = opt(secret, 'stringData');
  if (stringData) {
    const data = child(secret, 'data');
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete secret['stringData'];
  }
}

/** SetDefaults_Namespace: the kubernetes.io/metadata.name label; status phase Active. */
export function defaultNamespace(ns: Obj): void {
  const meta = child(ns, 'metadata');
  if (typeof meta['name'] === 'string' && meta['name'] !== '') child(meta, 'labels')['kubernetes.io/metadata.name'] = meta['name'];
  const status = opt(ns, 'status');
  if (status) def(status, 'phase', 'Active');
}

/** The namespace strategy's PrepareForCreate: the "kubernetes" finalizer is always present. */
export function finalizeNewNamespace(ns: Obj): void {
  const spec = child(ns, 'spec');
  const finalizers = spec['finalizers'];
  // An explicit empty list is what /finalize writes; it must stay empty.
  if (Array.isArray(finalizers) && finalizers.length === 0) return;
  const list = Array.isArray(finalizers) ? finalizers : [];
  if (!list.includes('kubernetes')) spec['finalizers'] = [...list, 'kubernetes'];
}

export function defaultPersistentVolumeClaim(pvc: Obj): void {
  defaultClaimSpec(child(pvc, 'spec'));
  const status = opt(pvc, 'status');
  if (status) {
    def(status, 'phase', 'Pending');
    roundResourceList(opt(status, 'capacity'));
  }
}

export function defaultPersistentVolume(pv: Obj): void {
  const spec = child(pv, 'spec');
  def(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  def(spec, 'volumeMode', 'Filesystem');
  roundResourceList(opt(spec, 'capacity'));
  for (const key of ['iscsi', 'rbd', 'azureDisk', 'scaleIO', 'hostPath']) {
    const src = opt(spec, key);
    if (!src) continue;
    if (key === 'hostPath' && src['type'] === undefined) src['type'] = '';
    if (key === 'iscsi') def(src, 'iscsiInterface', 'default');
    if (key === 'rbd') {
      def(src, 'pool', 'rbd');
      def(src, 'user', 'admin');
      def(src, 'keyring', '/etc/ceph/keyring');
    }
    if (key === 'azureDisk') {
      def(src, 'cachingMode', 'ReadWrite');
      def(src, 'fsType', 'ext4');
      def(src, 'readOnly', false);
      def(src, 'kind', 'Shared');
    }
    if (key === 'scaleIO') {
      def(src, 'storageMode', 'ThinProvisioned');
      def(src, 'fsType', 'xfs');
    }
  }
  const status = opt(pv, 'status');
  if (status) def(status, 'phase', 'Pending');
}

export function defaultEndpoints(ep: Obj): void {
  for (const subset of items(ep, 'subsets')) for (const port of items(subset, 'ports')) def(port, 'protocol', 'TCP');
}

export function defaultNode(node: Obj): void {
  const status = opt(node, 'status');
  if (!status) return;
  roundResourceList(opt(status, 'capacity'));
  roundResourceList(opt(status, 'allocatable'));
  const capacity = opt(status, 'capacity');
  if (capacity && !isObj(status['allocatable'])) status['allocatable'] = { ...capacity };
}

export function defaultLimitRange(lr: Obj): void {
  for (const item of items(opt(lr, 'spec'), 'limits')) {
    for (const key of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) roundResourceList(opt(item, key));
    if (item['type'] !== 'Container') continue;
    const dflt = opt(item, 'default') ?? {};
    const request = opt(item, 'defaultRequest') ?? {};
    for (const [k, v] of Object.entries(opt(item, 'max') ?? {})) if (dflt[k] === undefined) dflt[k] = v;
    for (const [k, v] of Object.entries(dflt)) if (request[k] === undefined) request[k] = v;
    for (const [k, v] of Object.entries(opt(item, 'min') ?? {})) if (request[k] === undefined) request[k] = v;
    if (Object.keys(dflt).length > 0) item['default'] = dflt;
    if (Object.keys(request).length > 0) item['defaultRequest'] = request;
  }
}

export function defaultResourceQuota(rq: Obj): void {
  roundResourceList(opt(opt(rq, 'spec'), 'hard'));
}

// Defaults of the non-core, non-workload groups: rbac, networking, discovery, storage,
// scheduling, admissionregistration, autoscaling.
import { child, def, isObj, items, opt, type Obj } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultRoleBinding(rb: Obj): void {
  const roleRef = opt(rb, 'roleRef');
  if (roleRef) def(roleRef, 'apiGroup', RBAC_GROUP);
  for (const subject of items(rb, 'subjects')) {
    if (subject['apiGroup'] !== undefined && subject['apiGroup'] !== '') continue;
    if (subject['kind'] === 'User' || subject['kind'] === 'Group') subject['apiGroup'] = RBAC_GROUP;
  }
}

export function defaultNetworkPolicy(np: Obj): void {
  const spec = child(np, 'spec');
  for (const rule of [...items(spec, 'ingress'), ...items(spec, 'egress')]) {
    for (const port of items(rule, 'ports')) def(port, 'protocol', 'TCP');
  }
  const types = spec['policyTypes'];
  if (!Array.isArray(types) || types.length === 0) {
    const egress = spec['egress'];
    spec['policyTypes'] = Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

export function defaultIngressClass(ic: Obj): void {
  const params = opt(opt(ic, 'spec'), 'parameters');
  if (params) def(params, 'scope', 'Cluster');
}

export function defaultEndpointSlice(es: Obj): void {
  for (const port of items(es, 'ports')) {
    if (port['name'] === undefined) port['name'] = '';
    def(port, 'protocol', 'TCP');
  }
}

export function defaultStorageClass(sc: Obj): void {
  def(sc, 'reclaimPolicy', 'Delete');
  def(sc, 'volumeBindingMode', 'Immediate');
}

export function defaultCSIDriver(d: Obj): void {
  const spec = child(d, 'spec');
  def(spec, 'attachRequired', true);
  def(spec, 'podInfoOnMount', false);
  def(spec, 'storageCapacity', false);
  def(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  def(spec, 'requiresRepublish', false);
  const modes = spec['volumeLifecycleModes'];
  if (!Array.isArray(modes) || modes.length === 0) spec['volumeLifecycleModes'] = ['Persistent'];
  def(spec, 'seLinuxMount', false);
}

export function defaultPriorityClass(pc: Obj): void {
  def(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}

function defaultWebhook(w: Obj, mutating: boolean): void {
  def(w, 'failurePolicy', 'Fail');
  def(w, 'matchPolicy', 'Equivalent');
  if (!isObj(w['namespaceSelector'])) w['namespaceSelector'] = {};
  if (!isObj(w['objectSelector'])) w['objectSelector'] = {};
  def(w, 'timeoutSeconds', 10);
  if (mutating) def(w, 'reinvocationPolicy', 'Never');
  for (const rule of items(w, 'rules')) def(rule, 'scope', '*');
  const service = opt(opt(w, 'clientConfig'), 'service');
  if (service) def(service, 'port', 443);
}

export function defaultWebhookConfiguration(cfg: Obj, mutating: boolean): void {
  for (const w of items(cfg, 'webhooks')) defaultWebhook(w, mutating);
}

function defaultMatchResources(mr: Obj | undefined): void {
  if (!mr) return;
  def(mr, 'matchPolicy', 'Equivalent');
  if (!isObj(mr['namespaceSelector'])) mr['namespaceSelector'] = {};
  if (!isObj(mr['objectSelector'])) mr['objectSelector'] = {};
  for (const rule of [...items(mr, 'resourceRules'), ...items(mr, 'excludeResourceRules')]) def(rule, 'scope', '*');
}

export function defaultValidatingAdmissionPolicy(p: Obj): void {
  const spec = child(p, 'spec');
  def(spec, 'failurePolicy', 'Fail');
  defaultMatchResources(opt(spec, 'matchConstraints'));
}

export function defaultValidatingAdmissionPolicyBinding(b: Obj): void {
  const spec = child(b, 'spec');
  defaultMatchResources(opt(spec, 'matchResources'));
  // Upstream defaults parameterNotFoundAction only when a paramRef is given.
  const ref = opt(spec, 'paramRef');
  if (ref) def(ref, 'parameterNotFoundAction', 'Deny');
}

export function defaultHorizontalPodAutoscaler(hpa: Obj, version: string): void {
  const spec = child(hpa, 'spec');
  def(spec, 'minReplicas', 1);
  if (version !== 'v2') return;
  const metrics = spec['metrics'];
  if (!Array.isArray(metrics) || metrics.length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
}

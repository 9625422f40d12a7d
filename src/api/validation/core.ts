// core/v1 objects other than pods, controllers and volumes: services, configmaps, secrets,
// namespaces, serviceaccounts, nodes, events.
import { type Causes, each, fe, GoText, list, num, obj, objs, path, str, strMap, type Obj } from './field.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import {
  byteLength, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isIP, isQualifiedName, isValidPortName, isValidPortNum,
  nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain,
} from './names.js';
import { sorted } from './pod.js';
import { validatePV, validatePVC, validatePVCUpdate, validatePVUpdate } from './volumes.js';

const MAX_DATA_SIZE = 1024 * 1024;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
const subdomain = (namespaced: boolean) => ({ namespaced, nameFn: nameIsDNSSubdomain });
const base64Size = (v: unknown) => Buffer.from(str(v), 'base64').length;

// ---- Services ----

function validateServicePort(port: Obj, requireName: boolean, names: Set<string>, field: string): Causes {
  const out: Causes = [];
  const name = str(port['name']);
  if (requireName && name === '') out.push(fe.required(path.child(field, 'name')));
  else if (name !== '') {
    out.push(...each(path.child(field, 'name'), name, isDNS1123Label(name)));
    if (names.has(name)) out.push(fe.duplicate(path.child(field, 'name'), name));
    else names.add(name);
  }
  const p = num(port['port']) ?? 0;
  out.push(...each(path.child(field, 'port'), p, isValidPortNum(p)));
  const proto = str(port['protocol']);
  if (proto === '') out.push(fe.required(path.child(field, 'protocol')));
  else if (!PROTOCOLS.includes(proto)) out.push(fe.notSupported(path.child(field, 'protocol'), proto, PROTOCOLS));
  const target = port['targetPort'];
  if (typeof target === 'number') out.push(...each(path.child(field, 'targetPort'), target, isValidPortNum(target)));
  else out.push(...each(path.child(field, 'targetPort'), str(target), isValidPortName(str(target))));
  if (port['appProtocol'] !== undefined) out.push(...each(path.child(field, 'appProtocol'), str(port['appProtocol']), isQualifiedName(str(port['appProtocol']))));
  return out;
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(svc: Obj): Causes {
  const out = validateObjectMeta(svc['metadata'], { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec = obj(svc['spec']) ?? {};
  const type = str(spec['type']);
  const headless = spec['clusterIP'] === 'None';
  const ports = objs(spec['ports']);
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(fe.required('spec.ports'));
  const clusterIPs = list(spec['clusterIPs']).map(str);
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    out.push(fe.invalid('spec.clusterIPs[0]', clusterIPs[0] ?? 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPs.length > 0) out.push(fe.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (list(spec['ipFamilies']).length > 0) out.push(fe.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec['ipFamilyPolicy'] !== undefined) out.push(fe.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec['externalName']).replace(/\.$/, '');
    if (cname !== '') out.push(...each('spec.externalName', cname, isDNS1123Subdomain(cname)));
    else out.push(fe.required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => out.push(...validateServicePort(p, ports.length > 1, names, path.index('spec.ports', i))));
  if (spec['selector'] !== undefined) out.push(...validateLabels(spec['selector'], 'spec.selector'));
  const affinity = str(spec['sessionAffinity']);
  if (affinity === '') out.push(fe.required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') out.push(fe.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'None' && spec['sessionAffinityConfig'] !== undefined) out.push(fe.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  clusterIPs.forEach((ip, i) => {
    if (!(i === 0 && ip === 'None') && !isIP(ip)) out.push(fe.invalid(path.index('spec.clusterIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  list(spec['externalIPs']).forEach((ip, i) => {
    if (!isIP(str(ip))) out.push(fe.invalid(path.index('spec.externalIPs', i), str(ip), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (type === '') out.push(fe.required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) out.push(fe.notSupported('spec.type', type, SERVICE_TYPES));
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = num(p['nodePort']) ?? 0;
    if (type === 'ClusterIP' && nodePort !== 0) out.push(fe.forbidden(path.child(path.index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    if (nodePort !== 0) {
      const key = `${str(p['protocol'])}/${nodePort}`;
      if (nodePorts.has(key)) out.push(fe.duplicate(path.child(path.index('spec.ports', i), 'nodePort'), nodePort));
      nodePorts.add(key);
    }
  });
  ports.forEach((p, i) => {
    const key = `${str(p['protocol'])}/${num(p['port']) ?? 0}`;
    if (portKeys.has(key)) out.push(fe.duplicate(path.index('spec.ports', i), new GoText(`core.ServicePort{Name:"", Protocol:${JSON.stringify(str(p['protocol']))}, AppProtocol:(*string)(nil), Port:${num(p['port']) ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`)));
    portKeys.add(key);
  });
  if (list(spec['loadBalancerSourceRanges']).length > 0 && type !== 'LoadBalancer') {
    out.push(fe.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec['allocateLoadBalancerNodePorts'] !== undefined && type !== 'LoadBalancer') {
    out.push(fe.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] === undefined) out.push(fe.required('allocateLoadBalancerNodePorts'));
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec['externalIPs']).length > 0);
  const etp = str(spec['externalTrafficPolicy']);
  if (!externallyAccessible) {
    if (etp !== '') out.push(fe.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') out.push(fe.required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local') out.push(fe.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const itp = spec['internalTrafficPolicy'];
  if (itp === undefined && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) out.push(fe.required('spec.internalTrafficPolicy'));
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') out.push(fe.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  return out;
}

/** validateUpgradeDowngradeClusterIPs: allocated cluster IPs do not change. */
function validateServiceUpdate(svc: Obj, old: Obj): Causes {
  const out = validateObjectMetaUpdate(svc['metadata'], old['metadata']);
  const spec = obj(svc['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const ips = list(spec['clusterIPs']).map(str);
  const oldIps = list(oldSpec['clusterIPs']).map(str);
  const externalName = spec['type'] === 'ExternalName' || oldSpec['type'] === 'ExternalName';
  const bothHeadless = spec['clusterIP'] === 'None' && oldSpec['clusterIP'] === 'None';
  if (!externalName && !bothHeadless) {
    if (ips.length === oldIps.length) {
      oldIps.forEach((ip, i) => { if (ip !== ips[i]) out.push(fe.invalid(path.index('spec.clusterIPs', i), ips, 'may not change once set')); });
    } else if (oldIps.length > ips.length) {
      if (ips.length === 0) out.push(fe.invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      else if (ips[0] !== oldIps[0]) out.push(fe.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
      if (ips.length === 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
        out.push(fe.invalid('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIps.length > 0 && ips[0] !== oldIps[0]) {
      out.push(fe.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    }
  }
  return [...out, ...validateService(svc)];
}

// ---- ConfigMaps and Secrets ----

function validateConfigMap(cm: Obj): Causes {
  const out = validateObjectMeta(cm['metadata'], subdomain(true));
  const data = strMap(cm['data']);
  const binary = strMap(cm['binaryData']);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    out.push(...each(path.key('data', k), k, isConfigMapKey(k)));
    if (Object.hasOwn(binary, k)) out.push(fe.invalid(path.key('data', k), k, 'duplicate of key present in binaryData'));
    size += byteLength(v);
  }
  for (const [k, v] of Object.entries(binary)) {
    out.push(...each(path.key('binaryData', k), k, isConfigMapKey(k)));
    size += base64Size(v);
  }
  if (size > MAX_DATA_SIZE) out.push(fe.tooLong('[]', MAX_DATA_SIZE));
  return out;
}

function immutableData(o: Obj, old: Obj, keys: string[]): Causes {
  if (old['immutable'] !== true) return [];
  const out: Causes = [];
  if (o['immutable'] !== true) out.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const key of keys) if (!same(o[key], old[key])) out.push(fe.forbidden(key, 'field is immutable when `immutable` is set'));
  return out;
}

function requireData(data: Record<string, string>, key: string): Causes {
  return data[key] === undefined ? [fe.required(path.key('data', key))] : [];
}

function validateJsonData(data: Record<string, string>, key: string): Causes {
  if (data[key] === undefined) return [fe.required(path.key('data', key))];
  try {
    const v = JSON.parse(Buffer.from(data[key] ?? '', 'base64').toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type map[string]interface {}`);
    return [];
  } catch (e) {
    return [fe.invalid(path.key('data', key), '<secret contents redacted>', (e as Error).message)];
  }
}

function validateSecret(secret: Obj): Causes {
  const out = validateObjectMeta(secret['metadata'], subdomain(true));
  const data = strMap(secret['data']);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    out.push(...each(path.key('data', k), k, isConfigMapKey(k)));
    size += base64Size(v);
  }
  if (size > MAX_DATA_SIZE) out.push(fe.tooLong('data', MAX_DATA_SIZE));
  switch (str(secret['type'])) {
    case 'kubernetes.io/service-account-token':
      if (str(strMap(obj(secret['metadata'])?.['annotations'])['kubernetes.io/service-account.name']) === '') {
        out.push(fe.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg': out.push(...validateJsonData(data, '.dockercfg')); break;
    case 'kubernetes.io/dockerconfigjson': out.push(...validateJsonData(data, '.dockerconfigjson')); break;
    case 'kubernetes.io/basic-auth':
      if (data['username'] === undefined && data['password'] === undefined) out.push(...requireData(data, 'username'), ...requireData(data, 'password'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (str(data['ssh-privatekey']) === '') out.push(fe.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls': out.push(...requireData(data, 'tls.crt'), ...requireData(data, 'tls.key')); break;
    default: break;
  }
  return out;
}

// ---- Namespaces, service accounts, nodes, events ----

function validateNamespace(ns: Obj): Causes {
  const out = validateObjectMeta(ns['metadata'], { namespaced: false, nameFn: nameIsDNSLabel });
  list(obj(ns['spec'])?.['finalizers']).map(str).forEach(f => {
    out.push(...each('spec.finalizers', f, isQualifiedName(f)));
    if (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) {
      out.push(fe.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return out;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateNode(node: Obj): Causes {
  const out = validateObjectMeta(node['metadata'], subdomain(false));
  objs(obj(node['spec'])?.['taints']).forEach((t, i) => {
    const p = path.index('spec.taints', i);
    out.push(...each(path.child(p, 'key'), str(t['key']), isQualifiedName(str(t['key']))));
    const effect = str(t['effect']);
    if (effect === '') out.push(fe.required(path.child(p, 'effect')));
    else if (!TAINT_EFFECTS.includes(effect)) out.push(fe.notSupported(path.child(p, 'effect'), effect, TAINT_EFFECTS));
  });
  return out;
}

function validateNodeUpdate(node: Obj, old: Obj): Causes {
  const out = [...validateObjectMetaUpdate(node['metadata'], old['metadata']), ...validateNode(node).filter(c => !c.field?.startsWith('metadata.'))];
  const spec = obj(node['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  if (list(oldSpec['podCIDRs']).length > 0 && !same(spec['podCIDRs'], oldSpec['podCIDRs'])) out.push(fe.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  if (str(oldSpec['providerID']) !== '' && spec['providerID'] !== oldSpec['providerID']) out.push(fe.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  return out;
}

/** legacyValidateEvent (core/v1 events get no ObjectMeta validation upstream). */
function validateEvent(ev: Obj, version: 'core' | 'events'): Causes {
  const out: Causes = [];
  const ns = str(obj(ev['metadata'])?.['namespace']);
  const involved = obj(ev[version === 'core' ? 'involvedObject' : 'regarding']) ?? {};
  const involvedField = version === 'core' ? 'involvedObject.namespace' : 'regarding.namespace';
  const involvedNs = str(involved['namespace']);
  if (!ev['eventTime']) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) out.push(fe.invalid(involvedField, involvedNs, 'does not match event.namespace'));
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') out.push(fe.invalid(involvedField, involvedNs, 'does not match event.namespace'));
    const controllerField = version === 'core' ? 'reportingComponent' : 'reportingController';
    const controller = str(ev[controllerField]);
    if (controller === '') out.push(fe.required(controllerField));
    out.push(...each(controllerField, controller, isQualifiedName(controller)));
    if (str(ev['reportingInstance']) === '') out.push(fe.required('reportingInstance'));
    if (str(ev['reportingInstance']).length > 128) out.push(fe.invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (str(ev['action']) === '') out.push(fe.required('action'));
    if (str(ev['action']).length > 128) out.push(fe.invalid('action', '', 'can have at most 128 characters'));
    if (str(ev['reason']) === '') out.push(fe.required('reason'));
    if (str(ev['reason']).length > 128) out.push(fe.invalid('reason', '', 'can have at most 128 characters'));
    const note = str(ev[version === 'core' ? 'message' : 'note']);
    if (note.length > 1024) out.push(fe.invalid(version === 'core' ? 'message' : 'note', '', 'can have at most 1024 characters'));
  }
  out.push(...each('namespace', ns, isDNS1123Subdomain(ns)));
  if (version === 'events') {
    out.push(...validateObjectMeta(ev['metadata'], subdomain(true)));
    if (!ev['eventTime']) out.push(fe.required('eventTime'));
    const type = str(ev['type']);
    if (type !== 'Normal' && type !== 'Warning') out.push(fe.invalid('type', '', `has invalid value: ${type}`));
  }
  return out;
}

function metaOnly(namespaced: boolean, nameFn = nameIsDNSSubdomain) {
  return {
    create: (o: Obj) => validateObjectMeta(o['metadata'], { namespaced, nameFn }),
    update: (o: Obj, old: Obj) => validateObjectMetaUpdate(o['metadata'], old['metadata']),
  };
}

export const coreValidators = {
  services: { create: validateService, update: validateServiceUpdate },
  configmaps: {
    create: validateConfigMap,
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...immutableData(o, old, ['data', 'binaryData']), ...validateConfigMap(o)],
  },
  secrets: {
    create: validateSecret,
    update: (o: Obj, old: Obj) => {
      const out = validateObjectMetaUpdate(o['metadata'], old['metadata']);
      if (str(o['type']) !== str(old['type'])) out.push(fe.invalid('type', str(o['type']), 'field is immutable'));
      return [...out, ...immutableData(o, old, ['data']), ...validateSecret(o)];
    },
  },
  namespaces: { create: validateNamespace, update: (o: Obj, old: Obj) => validateObjectMetaUpdate(o['metadata'], old['metadata']) },
  serviceaccounts: metaOnly(true),
  limitranges: metaOnly(true),
  resourcequotas: metaOnly(true),
  endpoints: metaOnly(true),
  nodes: { create: validateNode, update: validateNodeUpdate },
  events: { create: (o: Obj) => validateEvent(o, 'core'), update: (o: Obj) => validateEvent(o, 'core') },
  persistentvolumeclaims: { create: validatePVC, update: validatePVCUpdate },
  persistentvolumes: { create: validatePV, update: validatePVUpdate },
};

export const eventsV1Validator = {
  create: (o: Obj) => validateEvent(o, 'events'),
  update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateEvent(o, 'events').filter(c => !c.field?.startsWith('metadata.'))],
};

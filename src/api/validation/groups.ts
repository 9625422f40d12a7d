// rbac.authorization.k8s.io, coordination.k8s.io and networking.k8s.io validation.
import { type Causes, each, fe, GoText, list, num, obj, objs, path, str, type Obj } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import {
  isDNS1123Subdomain, isIP, isValidPortName, isValidPortNum, nameIsDNS1035Label, nameIsDNSSubdomain, nameIsPathSegment,
} from './names.js';
import { validateLabelSelector } from './selectors.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRules(rules: unknown, namespaced: boolean): Causes {
  const out: Causes = [];
  objs(rules).forEach((rule, i) => {
    const p = path.index('rules', i);
    if (list(rule['verbs']).length === 0) out.push(fe.required(path.child(p, 'verbs'), 'verbs must contain at least one value'));
    const urls = list(rule['nonResourceURLs']);
    if (urls.length > 0) {
      if (namespaced) out.push(fe.invalid(path.child(p, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (list(rule['apiGroups']).length > 0 || list(rule['resources']).length > 0 || list(rule['resourceNames']).length > 0) {
        out.push(fe.invalid(path.child(p, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (list(rule['apiGroups']).length === 0) out.push(fe.required(path.child(p, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (list(rule['resources']).length === 0) out.push(fe.required(path.child(p, 'resources'), 'resource rules must supply at least one resource'));
  });
  return out;
}

function validateRole(role: Obj, namespaced: boolean): Causes {
  const out = [...validateObjectMeta(role['metadata'], { namespaced, nameFn: nameIsPathSegment }), ...validatePolicyRules(role['rules'], namespaced)];
  const aggregation = obj(role['aggregationRule']);
  if (!namespaced && aggregation) {
    const selectors = objs(aggregation['clusterRoleSelectors']);
    if (selectors.length === 0) out.push(fe.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => out.push(...validateLabelSelector(s, path.index('aggregationRule.clusterRoleSelectors', i))));
  }
  return out;
}

function validateSubject(subject: Obj, namespaced: boolean, field: string): Causes {
  const out: Causes = [];
  const name = str(subject['name']);
  if (name === '') out.push(fe.required(path.child(field, 'name')));
  const apiGroup = str(subject['apiGroup']);
  switch (str(subject['kind'])) {
    case 'ServiceAccount':
      if (name !== '') out.push(...each(path.child(field, 'name'), name, nameIsDNSSubdomain(name, false)));
      if (apiGroup !== '') out.push(fe.notSupported(path.child(field, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && str(subject['namespace']) === '') out.push(fe.required(path.child(field, 'namespace')));
      break;
    case 'User': case 'Group':
      if (apiGroup !== RBAC_GROUP) out.push(fe.notSupported(path.child(field, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      out.push(fe.notSupported(path.child(field, 'kind'), str(subject['kind']), ['ServiceAccount', 'User', 'Group']));
  }
  return out;
}

function validateBinding(rb: Obj, namespaced: boolean): Causes {
  const out = validateObjectMeta(rb['metadata'], { namespaced, nameFn: nameIsPathSegment });
  const ref = obj(rb['roleRef']) ?? {};
  if (str(ref['apiGroup']) !== RBAC_GROUP) out.push(fe.notSupported('roleRef.apiGroup', str(ref['apiGroup']), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref['kind']))) out.push(fe.notSupported('roleRef.kind', str(ref['kind']), kinds));
  const name = str(ref['name']);
  if (name === '') out.push(fe.required('roleRef.name'));
  else out.push(...each('roleRef.name', name, nameIsPathSegment(name, false)));
  objs(rb['subjects']).forEach((s, i) => out.push(...validateSubject(s, namespaced, path.index('subjects', i))));
  return out;
}

function goRoleRef(ref: Obj): GoText {
  return new GoText(`rbac.RoleRef{APIGroup:${JSON.stringify(str(ref['apiGroup']))}, Kind:${JSON.stringify(str(ref['kind']))}, Name:${JSON.stringify(str(ref['name']))}}`);
}

function validateBindingUpdate(rb: Obj, old: Obj, namespaced: boolean): Causes {
  const out = [...validateBinding(rb, namespaced), ...validateObjectMetaUpdate(rb['metadata'], old['metadata'])];
  const ref = obj(rb['roleRef']) ?? {};
  const oldRef = obj(old['roleRef']) ?? {};
  if (['apiGroup', 'kind', 'name'].some(k => str(ref[k]) !== str(oldRef[k]))) out.push(fe.invalid('roleRef', goRoleRef(ref), 'cannot change roleRef'));
  return out;
}

function validateLease(lease: Obj): Causes {
  const out = validateObjectMeta(lease['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = obj(lease['spec']) ?? {};
  const duration = num(spec['leaseDurationSeconds']);
  if (duration !== undefined && duration <= 0) out.push(fe.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = num(spec['leaseTransitions']);
  if (transitions !== undefined && transitions < 0) out.push(fe.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return out;
}

function validateBackend(backend: Obj, field: string): Causes {
  const resource = obj(backend['resource']);
  const service = obj(backend['service']);
  if (resource && service) return [fe.invalid(field, '', 'cannot set both resource and service backends')];
  if (resource) return str(resource['kind']) === '' ? [fe.required(path.child(field, 'resource', 'kind'))] : [];
  if (!service) return [fe.invalid(field, '', 'resource or service backend is required')];
  const out: Causes = [];
  const name = str(service['name']);
  if (name === '') out.push(fe.required(path.child(field, 'service', 'name')));
  else out.push(...each(path.child(field, 'service', 'name'), name, nameIsDNS1035Label(name, false)));
  const port = obj(service['port']) ?? {};
  const portName = str(port['name']);
  const portNumber = num(port['number']) ?? 0;
  if (portName !== '' && portNumber !== 0) out.push(fe.invalid(field, '', 'cannot set both port name & port number'));
  else if (portName !== '') out.push(...each(path.child(field, 'service', 'port', 'name'), portName, isValidPortName(portName)));
  else if (portNumber !== 0) out.push(...each(path.child(field, 'service', 'port', 'number'), portNumber, isValidPortNum(portNumber)));
  else out.push(fe.required(field, 'port name or number is required'));
  return out;
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngress(ing: Obj): Causes {
  const out = validateObjectMeta(ing['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = obj(ing['spec']) ?? {};
  const rules = objs(spec['rules']);
  const defaultBackend = obj(spec['defaultBackend']);
  if (rules.length === 0 && !defaultBackend) out.push(fe.invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend) out.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const rp = path.index('spec.rules', i);
    const host = str(rule['host']);
    if (host !== '') {
      if (isIP(host)) out.push(fe.invalid(path.child(rp, 'host'), host, 'must be a DNS name, not an IP address'));
      const check = host.startsWith('*.') ? host.slice(2) : host;
      out.push(...each(path.child(rp, 'host'), host, isDNS1123Subdomain(check)));
    }
    const http = obj(rule['http']);
    if (!http) return;
    const paths = objs(http['paths']);
    if (paths.length === 0) out.push(fe.required(path.child(rp, 'http', 'paths')));
    paths.forEach((p, j) => {
      const pp = path.index(path.child(rp, 'http', 'paths'), j);
      const type = p['pathType'];
      const value = str(p['path']);
      if (type === undefined) out.push(fe.required(path.child(pp, 'pathType'), 'pathType must be specified'));
      else if (!PATH_TYPES.includes(str(type))) out.push(fe.notSupported(path.child(pp, 'pathType'), type, PATH_TYPES));
      else if ((type !== 'ImplementationSpecific' || value !== '') && !value.startsWith('/')) out.push(fe.invalid(path.child(pp, 'path'), value, 'must be an absolute path'));
      out.push(...validateBackend(obj(p['backend']) ?? {}, path.child(pp, 'backend')));
    });
  });
  const className = spec['ingressClassName'];
  if (className !== undefined) out.push(...each('spec.ingressClassName', str(className), nameIsDNSSubdomain(str(className), false)));
  return out;
}

function validateNetworkPolicy(np: Obj): Causes {
  const out = validateObjectMeta(np['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = obj(np['spec']) ?? {};
  out.push(...validateLabelSelector(spec['podSelector'], 'spec.podSelector'));
  list(spec['policyTypes']).forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') out.push(fe.notSupported(path.index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  if (list(spec['policyTypes']).length > 2) out.push(fe.invalid('spec.policyTypes', spec['policyTypes'], 'may not specify more than two policyTypes'));
  return out;
}

const meta = (o: Obj, old: Obj) => validateObjectMetaUpdate(o['metadata'], old['metadata']);

export const groupValidators: Record<string, { create: (o: Obj) => Causes; update: (o: Obj, old: Obj) => Causes }> = {
  [`roles.${RBAC_GROUP}`]: { create: o => validateRole(o, true), update: (o, old) => [...validateRole(o, true), ...meta(o, old)] },
  [`clusterroles.${RBAC_GROUP}`]: { create: o => validateRole(o, false), update: (o, old) => [...validateRole(o, false), ...meta(o, old)] },
  [`rolebindings.${RBAC_GROUP}`]: { create: o => validateBinding(o, true), update: (o, old) => validateBindingUpdate(o, old, true) },
  [`clusterrolebindings.${RBAC_GROUP}`]: { create: o => validateBinding(o, false), update: (o, old) => validateBindingUpdate(o, old, false) },
  'leases.coordination.k8s.io': { create: validateLease, update: (o, old) => [...meta(o, old), ...validateLease(o)] },
  'ingresses.networking.k8s.io': { create: validateIngress, update: (o, old) => [...meta(o, old), ...validateIngress(o)] },
  'networkpolicies.networking.k8s.io': { create: validateNetworkPolicy, update: (o, old) => [...meta(o, old), ...validateNetworkPolicy(o)] },
};

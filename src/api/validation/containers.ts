// Container validation (pkg/apis/core/validation: validateContainerCommon, validateContainers,
// validateInitContainers, ports, env, mounts, probes, resources).
import { compareQuantity, isIntegral, parseQuantity, type Quantity } from '../decode/quantity.js';
import { type Causes, each, fe, isObj, list, num, obj, objs, path, str, type Obj } from './field.js';
import {
  isConfigMapKey, isDNS1123Label, isEnvVarName, isHTTPHeaderName, isQualifiedName, isValidPortName, isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';
import { validatePrivileged } from './privileged.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validatePorts(ports: unknown, field: string): Causes {
  const out: Causes = [];
  const names = new Set<string>();
  objs(ports).forEach((port, i) => {
    const p = path.index(field, i);
    const name = str(port['name']);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) out.push(...each(path.child(p, 'name'), name, msgs));
      else if (names.has(name)) out.push(fe.duplicate(path.child(p, 'name'), name));
      else names.add(name);
    }
    const cp = num(port['containerPort']) ?? 0;
    if (cp === 0) out.push(fe.required(path.child(p, 'containerPort')));
    else out.push(...each(path.child(p, 'containerPort'), cp, isValidPortNum(cp)));
    const hp = num(port['hostPort']) ?? 0;
    if (hp !== 0) out.push(...each(path.child(p, 'hostPort'), hp, isValidPortNum(hp)));
    const proto = str(port['protocol']);
    if (proto === '') out.push(fe.required(path.child(p, 'protocol')));
    else if (!PROTOCOLS.includes(proto)) out.push(fe.notSupported(path.child(p, 'protocol'), proto, PROTOCOLS));
  });
  return out;
}

function validateKeySelector(sel: Obj, field: string): Causes {
  const name = str(sel['name']);
  const out: Causes = each(path.child(field, 'name'), name, nameIsDNSSubdomain(name, false));
  const key = str(sel['key']);
  if (key === '') out.push(fe.required(path.child(field, 'key')));
  else out.push(...each(path.child(field, 'key'), key, isConfigMapKey(key)));
  return out;
}

function validateEnv(env: unknown, field: string): Causes {
  const out: Causes = [];
  objs(env).forEach((ev, i) => {
    const p = path.index(field, i);
    const name = str(ev['name']);
    if (name === '') out.push(fe.required(path.child(p, 'name')));
    else out.push(...each(path.child(p, 'name'), name, isEnvVarName(name)));
    const from = obj(ev['valueFrom']);
    if (!from) return;
    const fp = path.child(p, 'valueFrom');
    let sources = 0;
    const fieldRef = obj(from['fieldRef']);
    if (fieldRef) {
      sources++;
      if (str(fieldRef['apiVersion']) === '') out.push(fe.required(path.child(fp, 'fieldRef', 'apiVersion')));
      else if (str(fieldRef['fieldPath']) === '') out.push(fe.required(path.child(fp, 'fieldRef', 'fieldPath')));
    }
    const resourceRef = obj(from['resourceFieldRef']);
    if (resourceRef) {
      sources++;
      if (str(resourceRef['resource']) === '') out.push(fe.required(path.child(fp, 'resourceFieldRef', 'resource')));
    }
    for (const key of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = obj(from[key]);
      if (ref) {
        sources++;
        out.push(...validateKeySelector(ref, path.child(fp, key)));
      }
    }
    if (sources === 0) out.push(fe.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(ev['value']) !== '') out.push(fe.invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) out.push(fe.invalid(fp, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validateEnvFrom(envFrom: unknown, field: string): Causes {
  const out: Causes = [];
  objs(envFrom).forEach((ev, i) => {
    const p = path.index(field, i);
    const prefix = str(ev['prefix']);
    if (prefix !== '') out.push(...each(path.child(p, 'prefix'), prefix, isEnvVarName(prefix)));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      const ref = obj(ev[key]);
      if (!ref) continue;
      sources++;
      const name = str(ref['name']);
      if (name === '') out.push(fe.required(path.child(p, key, 'name')));
      else out.push(...each(path.child(p, key, 'name'), name, nameIsDNSSubdomain(name, true)));
    }
    if (sources === 0) out.push(fe.invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) out.push(fe.invalid(field, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validateMounts(mounts: unknown, volumes: Set<string>, field: string): Causes {
  const out: Causes = [];
  const points = new Set<string>();
  objs(mounts).forEach((m, i) => {
    const p = path.index(field, i);
    const name = str(m['name']);
    if (name === '') out.push(fe.required(path.child(p, 'name')));
    if (!volumes.has(name)) out.push(fe.notFound(path.child(p, 'name'), name));
    const mountPath = str(m['mountPath']);
    if (mountPath === '') out.push(fe.required(path.child(p, 'mountPath')));
    if (points.has(mountPath)) out.push(fe.invalid(path.child(p, 'mountPath'), mountPath, 'must be unique'));
    points.add(mountPath);
    if (str(m['subPath']) !== '' && str(m['subPathExpr']) !== '') {
      out.push(fe.invalid(path.child(p, 'subPathExpr'), str(m['subPathExpr']), 'subPathExpr and subPath are mutually exclusive'));
    }
  });
  return out;
}

const PORTISH = (port: unknown, field: string): Causes => {
  if (typeof port === 'number') return each(field, port, isValidPortNum(port));
  return each(field, str(port), isValidPortName(str(port)));
};

function validateHandler(h: Obj, field: string, sleep: boolean): Causes {
  const out: Causes = [];
  let n = 0;
  const kinds = sleep ? ['exec', 'httpGet', 'tcpSocket', 'sleep'] : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  for (const kind of kinds) {
    const action = obj(h[kind]);
    if (!action) continue;
    const p = path.child(field, kind);
    if (n > 0) {
      out.push(fe.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    if (kind === 'exec' && list(action['command']).length === 0) out.push(fe.required(path.child(p, 'command')));
    if (kind === 'httpGet') {
      if (str(action['path']) === '') out.push(fe.required(path.child(p, 'path')));
      out.push(...PORTISH(action['port'], path.child(p, 'port')));
      const scheme = str(action['scheme']);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') out.push(fe.notSupported(path.child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']));
      for (const header of objs(action['httpHeaders'])) out.push(...each(path.child(p, 'httpHeaders'), str(header['name']), isHTTPHeaderName(str(header['name']))));
    }
    if (kind === 'tcpSocket') out.push(...PORTISH(action['port'], path.child(p, 'port')));
    if (kind === 'grpc') out.push(...PORTISH(num(action['port']) ?? 0, path.child(p, 'port')));
  }
  if (n === 0) out.push(fe.required(field, 'must specify a handler type'));
  return out;
}

function validateProbe(probe: unknown, field: string, kind: 'liveness' | 'readiness' | 'startup'): Causes {
  const p = obj(probe);
  if (!p) return [];
  const out = validateHandler(p, field, false);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(p[key]) ?? 0;
    if (v < 0) out.push(fe.invalid(path.child(field, key), v, 'must be greater than or equal to 0'));
  }
  const grace = num(p['terminationGracePeriodSeconds']);
  if (grace !== undefined && grace <= 0) out.push(fe.invalid(path.child(field, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  if (kind !== 'readiness' && (num(p['successThreshold']) ?? 0) !== 1) out.push(fe.invalid(path.child(field, 'successThreshold'), num(p['successThreshold']) ?? 0, 'must be 1'));
  if (kind === 'readiness' && grace !== undefined) out.push(fe.invalid(path.child(field, 'terminationGracePeriodSeconds'), grace, 'must not be set for readinessProbes'));
  return out;
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.startsWith('kubernetes.io/');
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);

function quantityOf(v: unknown): Quantity | undefined {
  try {
    return parseQuantity(typeof v === 'number' ? String(v) : str(v));
  } catch {
    return undefined;
  }
}

function validateResourceName(name: string, field: string): Causes {
  const errs = each(field, name, isQualifiedName(name));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isHugePages(name)) {
    return [fe.invalid(field, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

function validateQuantityValue(name: string, q: Quantity, text: string, field: string): Causes {
  const out: Causes = [];
  if (q.mantissa < 0n) out.push(fe.invalid(field, text, 'must be greater than or equal to 0'));
  if (!isNative(name) && !isIntegral(q)) out.push(fe.invalid(field, text, 'must be an integer'));
  return out;
}

/** ValidateContainerResourceRequirements. */
export function validateResources(resources: unknown, field: string): Causes {
  const r = obj(resources) ?? {};
  const out: Causes = [];
  const limPath = path.child(field, 'limits');
  const reqPath = path.child(field, 'requests');
  const limits = obj(r['limits']) ?? {};
  for (const [name, v] of Object.entries(limits)) {
    const p = path.key(limPath, name);
    out.push(...validateResourceName(name, p));
    const q = quantityOf(v);
    if (q) out.push(...validateQuantityValue(name, q, q.text, p));
  }
  for (const [name, v] of Object.entries(obj(r['requests']) ?? {})) {
    const p = path.key(reqPath, name);
    out.push(...validateResourceName(name, p));
    const q = quantityOf(v);
    if (!q) continue;
    out.push(...validateQuantityValue(name, q, q.text, p));
    const limit = limits[name] !== undefined ? quantityOf(limits[name]) : undefined;
    if (limit) {
      const cmp = compareQuantity(q, limit);
      if (cmp !== 0 && !overcommitAllowed(name)) out.push(fe.invalid(reqPath, q.text, `must be equal to ${name} limit of ${limit.text}`));
      else if (cmp > 0) out.push(fe.invalid(reqPath, q.text, `must be less than or equal to ${name} limit of ${limit.text}`));
    } else if (!overcommitAllowed(name)) {
      out.push(fe.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return out;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_POLICIES = ['File', 'FallbackToLogsOnError'];

function validateContainerCommon(c: Obj, volumes: Set<string>, field: string): Causes {
  const out: Causes = [];
  const name = str(c['name']);
  if (name === '') out.push(fe.required(path.child(field, 'name')));
  else out.push(...each(path.child(field, 'name'), name, isDNS1123Label(name)));
  if (str(c['image']) === '') out.push(fe.required(path.child(field, 'image')));
  const tmp = str(c['terminationMessagePolicy']);
  if (tmp === '') out.push(fe.required(path.child(field, 'terminationMessagePolicy')));
  else if (!TERMINATION_POLICIES.includes(tmp)) out.push(fe.notSupported(path.child(field, 'terminationMessagePolicy'), tmp, TERMINATION_POLICIES));
  out.push(...validatePorts(c['ports'], path.child(field, 'ports')));
  out.push(...validateEnv(c['env'], path.child(field, 'env')));
  out.push(...validateEnvFrom(c['envFrom'], path.child(field, 'envFrom')));
  out.push(...validateMounts(c['volumeMounts'], volumes, path.child(field, 'volumeMounts')));
  const pull = str(c['imagePullPolicy']);
  if (pull === '') out.push(fe.required(path.child(field, 'imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull)) out.push(fe.notSupported(path.child(field, 'imagePullPolicy'), pull, PULL_POLICIES));
  out.push(...validateResources(c['resources'], path.child(field, 'resources')));
  out.push(...validatePrivileged(c, field));
  return out;
}

function validateLifecycle(c: Obj, field: string): Causes {
  const lc = obj(c['lifecycle']);
  if (!lc) return [];
  const out: Causes = [];
  for (const key of ['postStart', 'preStop']) {
    const h = obj(lc[key]);
    if (h) out.push(...validateHandler(h, path.child(field, 'lifecycle', key), true));
  }
  return out;
}

function hostPortConflicts(containers: Obj[], field: string): Causes {
  const out: Causes = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    objs(c['ports']).forEach((port, pi) => {
      const hp = num(port['hostPort']) ?? 0;
      if (hp === 0) return;
      const key = `${str(port['protocol'])}/${str(port['hostIP'])}/${hp}`;
      if (seen.has(key)) out.push(fe.duplicate(path.child(path.index(path.child(path.index(field, ci), 'ports'), pi), 'hostPort'), key));
      else seen.add(key);
    });
  });
  return out;
}

/** validateContainers: the regular containers of a pod spec. */
export function validateContainers(value: unknown, volumes: Set<string>, field: string): Causes {
  const containers = objs(value);
  if (containers.length === 0) return [fe.required(field)];
  const out: Causes = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(field, i);
    out.push(...validateContainerCommon(c, volumes, p));
    const name = str(c['name']);
    if (names.has(name)) out.push(fe.duplicate(path.child(p, 'name'), name));
    else names.add(name);
    out.push(...validateLifecycle(c, p));
    out.push(...validateProbe(c['livenessProbe'], path.child(p, 'livenessProbe'), 'liveness'));
    out.push(...validateProbe(c['readinessProbe'], path.child(p, 'readinessProbe'), 'readiness'));
    out.push(...validateProbe(c['startupProbe'], path.child(p, 'startupProbe'), 'startup'));
    if (c['restartPolicy'] !== undefined) out.push(fe.forbidden(path.child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  out.push(...hostPortConflicts(containers, field));
  return out;
}

/** validateInitContainers: names unique across regular and init containers. */
export function validateInitContainers(value: unknown, regular: unknown, volumes: Set<string>, field: string): Causes {
  const out: Causes = [];
  const names = new Set(objs(regular).map(c => str(c['name'])));
  objs(value).forEach((c, i) => {
    const p = path.index(field, i);
    out.push(...validateContainerCommon(c, volumes, p));
    const restart = c['restartPolicy'];
    if (restart !== undefined && restart !== 'Always') out.push(fe.notSupported(path.child(p, 'restartPolicy'), restart, ['Always']));
    const name = str(c['name']);
    if (names.has(name)) out.push(fe.duplicate(path.child(p, 'name'), name));
    else if (name !== '') names.add(name);
    out.push(...hostPortConflicts([c], field));
    if (restart === 'Always') {
      out.push(...validateLifecycle(c, p));
      out.push(...validateProbe(c['livenessProbe'], path.child(p, 'livenessProbe'), 'liveness'));
      out.push(...validateProbe(c['readinessProbe'], path.child(p, 'readinessProbe'), 'readiness'));
      out.push(...validateProbe(c['startupProbe'], path.child(p, 'startupProbe'), 'startup'));
    } else {
      for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isObj(c[key])) out.push(fe.forbidden(path.child(p, key), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return out;
}

// PodSpec and PodTemplateSpec validation (ValidatePodSpec, ValidateVolumes,
// ValidateTolerations, ValidatePodTemplateSpec).
import { validateContainers, validateInitContainers, validateResources } from './containers.js';
import { type Causes, each, fe, isObj, list, num, obj, objs, path, str, type Obj } from './field.js';
import { validateAnnotations, validateLabels } from './metadata.js';
import {
  inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isIP, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain,
} from './names.js';

const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc',
  'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk',
  'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
];

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function checkMode(src: Obj, key: string, field: string): Causes {
  const mode = num(src[key]);
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [fe.invalid(path.child(field, key), mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPath(items: unknown, field: string): Causes {
  const out: Causes = [];
  objs(items).forEach((kp, i) => {
    const p = path.index(field, i);
    if (str(kp['key']) === '') out.push(fe.required(path.child(p, 'key')));
    if (str(kp['path']) === '') out.push(fe.required(path.child(p, 'path')));
    out.push(...checkMode(kp, 'mode', p));
  });
  return out;
}

/** Checks of the commonly used volume sources; the others only count toward "one type". */
function validateSource(kind: string, src: Obj, field: string): Causes {
  const p = path.child(field, kind);
  const out: Causes = [];
  const need = (key: string, at = key) => { if (str(src[key]) === '') out.push(fe.required(path.child(p, at))); };
  switch (kind) {
    case 'hostPath': need('path'); break;
    case 'secret':
      need('secretName');
      out.push(...checkMode(src, 'defaultMode', p), ...validateKeyToPath(src['items'], path.child(p, 'items')));
      break;
    case 'configMap':
      need('name');
      out.push(...checkMode(src, 'defaultMode', p), ...validateKeyToPath(src['items'], path.child(p, 'items')));
      break;
    case 'persistentVolumeClaim': need('claimName'); break;
    case 'nfs':
      need('server');
      need('path');
      if (!str(src['path']).startsWith('/')) out.push(fe.invalid(path.child(p, 'path'), str(src['path']), 'must be an absolute path'));
      break;
    case 'gitRepo': need('repository'); break;
    case 'csi': if (str(src['driver']) === '') out.push(fe.required(path.child(p, 'driver'))); break;
    case 'downwardAPI': case 'projected': out.push(...checkMode(src, 'defaultMode', p)); break;
    case 'ephemeral': if (!isObj(src['volumeClaimTemplate'])) out.push(fe.required(path.child(p, 'volumeClaimTemplate'))); break;
    default: break;
  }
  return out;
}

/** ValidateVolumes; returns the names that validated, for volumeMount lookups. */
export function validateVolumes(value: unknown, field: string): { names: Set<string>; causes: Causes } {
  const names = new Set<string>();
  const causes: Causes = [];
  objs(value).forEach((vol, i) => {
    const p = path.index(field, i);
    const el: Causes = [];
    let count = 0;
    for (const kind of VOLUME_SOURCES) {
      const src = obj(vol[kind]);
      if (!src) continue;
      if (count > 0) {
        el.push(fe.forbidden(path.child(p, kind), 'may not specify more than 1 volume type'));
        continue;
      }
      count++;
      el.push(...validateSource(kind, src, p));
    }
    if (count === 0) el.push(fe.required(p, 'must specify a volume type'));
    const name = str(vol['name']);
    if (name === '') el.push(fe.required(path.child(p, 'name')));
    else el.push(...each(path.child(p, 'name'), name, isDNS1123Label(name)));
    if (names.has(name)) el.push(fe.duplicate(path.child(p, 'name'), name));
    if (el.length === 0) names.add(name);
    causes.push(...el);
  });
  return { names, causes };
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(value: unknown, field: string): Causes {
  const out: Causes = [];
  objs(value).forEach((t, i) => {
    const p = path.index(field, i);
    const key = str(t['key']);
    const op = str(t['operator']);
    const effect = str(t['effect']);
    const val = str(t['value']);
    if (key !== '') out.push(...each(path.child(p, 'key'), key, isQualifiedName(key)));
    if (key === '' && op !== 'Exists') out.push(fe.invalid(path.child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t['tolerationSeconds'] !== undefined && effect !== 'NoExecute') out.push(fe.invalid(path.child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const errs = isValidLabelValue(val);
      if (errs.length > 0) out.push(fe.invalid(path.child(p, 'operator'), val, errs.join(';')));
    } else if (op === 'Exists') {
      if (val !== '') out.push(fe.invalid(path.child(p, 'operator'), val, "value must be empty when `operator` is 'Exists'"));
    } else {
      out.push(fe.notSupported(path.child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect !== '' && !EFFECTS.includes(effect)) out.push(fe.notSupported(path.child(p, 'effect'), effect, EFFECTS));
  });
  return out;
}

function enumField(spec: Obj, key: string, allowed: string[], field: string): Causes {
  const v = str(spec[key]);
  if (v === '') return [fe.required(path.child(field, key))];
  return allowed.includes(v) ? [] : [fe.notSupported(path.child(field, key), v, allowed)];
}

/** ValidatePodSpec. */
export function validatePodSpec(specValue: unknown, field: string): Causes {
  const spec = obj(specValue) ?? {};
  const out: Causes = [];
  if (spec['terminationGracePeriodSeconds'] === undefined) out.push(fe.required(path.child(field, 'terminationGracePeriodSeconds')));
  const volumes = validateVolumes(spec['volumes'], path.child(field, 'volumes'));
  out.push(...volumes.causes);
  out.push(...validateContainers(spec['containers'], volumes.names, path.child(field, 'containers')));
  out.push(...validateInitContainers(spec['initContainers'], spec['containers'], volumes.names, path.child(field, 'initContainers')));
  out.push(...enumField(spec, 'restartPolicy', ['Always', 'OnFailure', 'Never'], field));
  out.push(...enumField(spec, 'dnsPolicy', ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], field));
  out.push(...validateLabels(spec['nodeSelector'], path.child(field, 'nodeSelector')));
  objs(spec['imagePullSecrets']).forEach((ref, i) => {
    if (Object.keys(ref).some(k => k !== 'name')) out.push(fe.invalid(path.index(path.child(field, 'imagePullSecrets'), i), ref, 'only name may be set'));
  });
  if (spec['dnsPolicy'] === 'None') {
    const dnsConfig = obj(spec['dnsConfig']);
    if (!dnsConfig) out.push(fe.required(path.child(field, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (list(dnsConfig['nameservers']).length === 0) out.push(fe.required(path.child(field, 'dnsConfig', 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  objs(spec['readinessGates']).forEach((g, i) => {
    out.push(...each(path.child(path.index(path.child(field, 'readinessGates'), i), 'conditionType'), str(g['conditionType']), isQualifiedName(str(g['conditionType']))));
  });
  for (const key of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const v = str(spec[key]);
    if (v !== '') out.push(...each(path.child(field, key), v, nameIsDNSSubdomain(v, false)));
  }
  const deadline = num(spec['activeDeadlineSeconds']);
  if (deadline !== undefined && (deadline < 1 || deadline > 2147483647)) {
    out.push(fe.invalid(path.child(field, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, 2147483647)));
  }
  for (const key of ['hostname', 'subdomain']) {
    const v = str(spec[key]);
    if (v !== '') out.push(...each(path.child(field, key), v, isDNS1123Label(v)));
  }
  out.push(...validateTolerations(spec['tolerations'], path.child(field, 'tolerations')));
  objs(spec['hostAliases']).forEach((a, i) => {
    const p = path.index(path.child(field, 'hostAliases'), i);
    const ip = str(a['ip']);
    if (!isIP(ip)) out.push(fe.invalid(path.child(p, 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    list(a['hostnames']).forEach((h, j) => out.push(...each(path.index(path.child(p, 'hostnames'), j), str(h), isDNS1123Subdomain(str(h)))));
  });
  if (spec['runtimeClassName'] !== undefined) {
    out.push(...each(path.child(field, 'runtimeClassName'), str(spec['runtimeClassName']), isDNS1123Subdomain(str(spec['runtimeClassName']))));
  }
  if (spec['preemptionPolicy'] !== undefined) out.push(...enumField(spec, 'preemptionPolicy', ['PreemptLowerPriority', 'Never'], field));
  if (isObj(spec['overhead'])) out.push(...validateResources({ limits: spec['overhead'] }, path.child(field, 'overhead')));
  const os = obj(spec['os']);
  if (os) {
    const osName = str(os['name']);
    if (osName === '') out.push(fe.required(path.child(field, 'os', 'name')));
    else if (osName !== 'linux' && osName !== 'windows') out.push(fe.notSupported(path.child(field, 'os', 'name'), osName, ['linux', 'windows']));
  }
  objs(spec['topologySpreadConstraints']).forEach((c, i) => {
    const p = path.index(path.child(field, 'topologySpreadConstraints'), i);
    const skew = num(c['maxSkew']) ?? 0;
    if (skew <= 0) out.push(fe.invalid(path.child(p, 'maxSkew'), skew, 'must be greater than zero'));
    if (str(c['topologyKey']) === '') out.push(fe.required(path.child(p, 'topologyKey'), 'can not be empty'));
    const when = str(c['whenUnsatisfiable']);
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') out.push(fe.notSupported(path.child(p, 'whenUnsatisfiable'), when, ['DoNotSchedule', 'ScheduleAnyway']));
  });
  return out;
}

/** ValidatePodTemplateSpec: note upstream puts template labels at `<path>.labels`. */
export function validatePodTemplateSpec(templateValue: unknown, field: string): Causes {
  const template = obj(templateValue) ?? {};
  const meta = obj(template['metadata']) ?? {};
  const out: Causes = [
    ...validateLabels(meta['labels'], path.child(field, 'labels')),
    ...validateAnnotations(meta['annotations'], path.child(field, 'annotations')),
    ...validatePodSpec(template['spec'], path.child(field, 'spec')),
  ];
  if (list(obj(template['spec'])?.['ephemeralContainers']).length > 0) {
    out.push(fe.forbidden(path.child(field, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return out;
}

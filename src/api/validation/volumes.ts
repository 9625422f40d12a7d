// core/v1 PersistentVolumes and PersistentVolumeClaims (pkg/apis/core/validation).
import { compareQuantity, parseQuantity } from '../decode/quantity.js';
import { type Causes, each, fe, list, obj, path, str, type Obj } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';
import { sorted, specDiff } from './pod.js';
import { validateLabelSelector } from './selectors.js';

const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
const subdomain = (namespaced: boolean) => ({ namespaced, nameFn: nameIsDNSSubdomain });

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(modes: unknown, field: string, required: string): Causes {
  const list_ = list(modes).map(str);
  const out: Causes = list_.length === 0 ? [fe.required(field, required)] : [];
  for (const m of list_) if (!ACCESS_MODES.includes(m)) out.push(fe.notSupported(field, m, ACCESS_MODES));
  if (list_.includes('ReadWriteOncePod') && list_.some(m => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m))) {
    out.push(fe.forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  }
  return out;
}

function positiveQuantity(v: unknown, field: string): Causes {
  try {
    const q = parseQuantity(str(v));
    return q.mantissa <= 0n ? [fe.invalid(field, q.text, 'must be greater than zero')] : [];
  } catch {
    return [];
  }
}

function validateClaimSpec(spec: Obj, field: string): Causes {
  const out = validateAccessModes(spec['accessModes'], path.child(field, 'accessModes'), 'at least 1 access mode is required');
  if (spec['selector'] !== undefined) out.push(...validateLabelSelector(spec['selector'], path.child(field, 'selector')));
  const storage = obj(obj(spec['resources'])?.['requests'])?.['storage'];
  const storagePath = path.key(path.child(field, 'resources'), 'storage');
  if (storage === undefined) out.push(fe.required(storagePath));
  else out.push(...positiveQuantity(storage, storagePath));
  const sc = str(spec['storageClassName']);
  if (sc !== '') out.push(...each(path.child(field, 'storageClassName'), sc, isDNS1123Subdomain(sc)));
  const mode = spec['volumeMode'];
  if (mode !== undefined && mode !== 'Block' && mode !== 'Filesystem') out.push(fe.notSupported(path.child(field, 'volumeMode'), mode, ['Block', 'Filesystem']));
  return out;
}

export function validatePVC(pvc: Obj): Causes {
  return [...validateObjectMeta(pvc['metadata'], subdomain(true)), ...validateClaimSpec(obj(pvc['spec']) ?? {}, 'spec')];
}

export function validatePVCUpdate(pvc: Obj, old: Obj): Causes {
  const out = [...validateObjectMetaUpdate(pvc['metadata'], old['metadata']), ...validateClaimSpec(obj(pvc['spec']) ?? {}, 'spec')];
  const spec = structuredClone(obj(pvc['spec']) ?? {});
  const oldSpec = structuredClone(obj(old['spec']) ?? {});
  if (str(oldSpec['volumeName']) === '') oldSpec['volumeName'] = spec['volumeName'];
  if (str(obj(pvc['status'])?.['phase']) === 'Bound') {
    const requests = obj(obj(spec['resources'])?.['requests']);
    const oldStorage = obj(obj(oldSpec['resources'])?.['requests'])?.['storage'];
    if (requests) requests['storage'] = oldStorage;
    spec['volumeAttributesClassName'] = oldSpec['volumeAttributesClassName'];
  }
  for (const s of [spec, oldSpec]) for (const [k, v] of Object.entries(s)) if (v === undefined) delete s[k];
  if (!same(spec, oldSpec)) {
    out.push(fe.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', oldSpec, spec)}`));
  }
  // RecoverVolumeExpansionFailure (on in 1.32): shrinking is refused only down to status.capacity.
  const size = (o: Obj, at: 'spec' | 'status') => {
    const holder = at === 'spec' ? obj(obj(o['spec'])?.['resources'])?.['requests'] : obj(o['status'])?.['capacity'];
    try {
      return parseQuantity(str(obj(holder)?.['storage'] ?? '0'));
    } catch {
      return undefined;
    }
  };
  const newSize = size(pvc, 'spec');
  const oldSize = size(old, 'spec');
  const statusSize = size(old, 'status');
  if (newSize && oldSize && statusSize && compareQuantity(newSize, oldSize) < 0 && compareQuantity(newSize, statusSize) <= 0) {
    out.push(fe.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return out;
}

const PV_SOURCES = ['gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi'];

export function validatePV(pv: Obj): Causes {
  const out = validateObjectMeta(pv['metadata'], subdomain(false));
  const spec = obj(pv['spec']) ?? {};
  out.push(...validateAccessModes(spec['accessModes'], 'spec.accessModes', ''));
  const capacity = obj(spec['capacity']) ?? {};
  if (Object.keys(capacity).length === 0) out.push(fe.required('spec.capacity'));
  if (capacity['storage'] === undefined || Object.keys(capacity).length > 1) out.push(fe.notSupported('spec.capacity', capacity, ['storage']));
  for (const [k, v] of Object.entries(capacity)) out.push(...positiveQuantity(v, path.key('spec.capacity', k)));
  const policy = str(spec['persistentVolumeReclaimPolicy']);
  if (policy !== '' && !['Delete', 'Recycle', 'Retain'].includes(policy)) out.push(fe.notSupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']));
  let count = 0;
  for (const kind of PV_SOURCES) {
    if (!obj(spec[kind])) continue;
    if (count > 0) out.push(fe.forbidden(path.child('spec', kind), 'may not specify more than 1 volume type'));
    count++;
  }
  if (count === 0) out.push(fe.required('spec', 'must specify a volume type'));
  return out;
}

/** The volume source part of a PV spec (core.PersistentVolumeSource, inlined in the spec). */
function pvSource(spec: Obj): Obj {
  return Object.fromEntries(PV_SOURCES.filter(k => spec[k] !== undefined).map(k => [k, spec[k]]));
}

/** ValidatePersistentVolumeUpdate: the volume source, volumeMode and a set nodeAffinity are fixed. */
export function validatePVUpdate(pv: Obj, old: Obj): Causes {
  const out = [...validateObjectMetaUpdate(pv['metadata'], old['metadata']), ...validatePV(pv)];
  const spec = obj(pv['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const source = pvSource(spec);
  const oldSource = pvSource(oldSpec);
  // A CSI volume may gain a controllerExpandSecretRef it did not have.
  const csi = obj(source['csi']);
  if (csi && obj(oldSource['csi']) && obj(oldSource['csi'])?.['controllerExpandSecretRef'] === undefined) {
    const { controllerExpandSecretRef: _added, ...rest } = csi;
    source['csi'] = rest;
  }
  if (!same(source, oldSource)) {
    out.push(fe.forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', oldSource, source)}`));
  }
  // Upstream's path really is "volumeMode", without spec.
  if (!same(spec['volumeMode'], oldSpec['volumeMode'])) out.push(fe.invalid('volumeMode', spec['volumeMode'] ?? null, 'field is immutable'));
  if (oldSpec['nodeAffinity'] !== undefined && !same(spec['nodeAffinity'], oldSpec['nodeAffinity'])) {
    out.push(fe.invalid('nodeAffinity', spec['nodeAffinity'] ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  return out;
}

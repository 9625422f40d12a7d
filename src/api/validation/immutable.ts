// Update validation of the built-in types whose ValidateUpdate refuses changes to fields fixed
// at create (pkg/apis/*/validation ValidateXUpdate), with upstream's paths, order and messages.
import { type Causes, fe, GoText, goLabelSelector, goTime, list, obj, str, type Obj } from './field.js';
import { validateObjectMetaUpdate } from './metadata.js';
import { sorted } from './pod.js';

const IMMUTABLE = 'field is immutable';
const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
const meta = (o: Obj, old: Obj) => validateObjectMetaUpdate(o['metadata'], old['metadata']);

/** apimachinery's ValidateImmutableField: Invalid with the new value when it differs. */
function immutable(field: string, value: unknown, oldValue: unknown, shown: unknown = value ?? null): Causes {
  return same(value, oldValue) ? [] : [fe.invalid(field, shown, IMMUTABLE)];
}

/** Go's %#v of a []T of a named string type. */
function goNamedStrings(type: string, v: unknown): GoText {
  if (!Array.isArray(v)) return new GoText(`[]${type}(nil)`);
  return new GoText(`[]${type}{${v.map(s => JSON.stringify(str(s))).join(', ')}}`);
}

/** Go's %#v of a struct whose fields are all strings. */
function goStringStruct(type: string, o: unknown, fields: [string, string][]): GoText {
  const src = obj(o) ?? {};
  return new GoText(`${type}{${fields.map(([goName, json]) => `${goName}:${JSON.stringify(str(src[json]))}`).join(', ')}}`);
}

const OBJECT_REFERENCE: [string, string][] = [
  ['Kind', 'kind'], ['Namespace', 'namespace'], ['Name', 'name'], ['UID', 'uid'],
  ['APIVersion', 'apiVersion'], ['ResourceVersion', 'resourceVersion'], ['FieldPath', 'fieldPath'],
];
const goObjectReference = (o: unknown) => goStringStruct('core.ObjectReference', o, OBJECT_REFERENCE);

/** time.Time's String() of a metav1.MicroTime: fractional seconds without trailing zeros. */
function goMicroTime(ts: unknown): GoText {
  if (typeof ts !== 'string') return goTime(undefined);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  if (!m) return goTime(ts);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return new GoText(`${m[1]} ${m[2]}${frac ? `.${frac}` : ''} +0000 UTC`);
}

/** ValidatePriorityClassUpdate (pkg/apis/scheduling/validation). */
function priorityClassUpdate(o: Obj, old: Obj): Causes {
  const out = meta(o, old);
  if (o['value'] !== old['value']) out.push(fe.forbidden('value', 'may not be changed in an update.'));
  out.push(...immutable('preemptionPolicy', o['preemptionPolicy'], old['preemptionPolicy']));
  return out;
}

/** ValidateStorageClassUpdate (pkg/apis/storage/validation). */
function storageClassUpdate(o: Obj, old: Obj): Causes {
  const out = meta(o, old);
  const params = (v: unknown) => (obj(v) && Object.keys(v as Obj).length > 0 ? v : undefined);
  if (!same(params(o['parameters']), params(old['parameters']))) out.push(fe.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(o['provisioner']) !== str(old['provisioner'])) out.push(fe.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(o['reclaimPolicy']) !== str(old['reclaimPolicy'])) out.push(fe.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  out.push(...immutable('volumeBindingMode', o['volumeBindingMode'], old['volumeBindingMode']));
  return out;
}

/** ValidateCSIDriverUpdate: note upstream's path spells attachRequired "attachedRequired". */
function csiDriverUpdate(o: Obj, old: Obj): Causes {
  const spec = obj(o['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  return [
    ...meta(o, old),
    ...immutable('spec.attachedRequired', spec['attachRequired'], oldSpec['attachRequired']),
    ...immutable('spec.volumeLifecycleModes', spec['volumeLifecycleModes'], oldSpec['volumeLifecycleModes'],
      goNamedStrings('storage.VolumeLifecycleMode', spec['volumeLifecycleModes'])),
  ];
}

/** ValidateCSINodeUpdate: an existing driver entry may not change. */
function csiNodeUpdate(o: Obj, old: Obj): Causes {
  const out = meta(o, old);
  const drivers = list(obj(o['spec'])?.['drivers']).map(d => obj(d) ?? {});
  for (const oldDriver of list(obj(old['spec'])?.['drivers']).map(d => obj(d) ?? {})) {
    for (const d of drivers) {
      if (str(d['name']) === str(oldDriver['name']) && !same(d, oldDriver)) out.push(fe.invalid('CSINodeDriver', d, IMMUTABLE));
    }
  }
  return out;
}

/** ValidateCSIStorageCapacityUpdate: the inputs of CSI GetCapacity are fixed. */
function csiStorageCapacityUpdate(o: Obj, old: Obj): Causes {
  const topology = o['nodeTopology'];
  return [
    ...meta(o, old),
    ...immutable('nodeTopology', topology, old['nodeTopology'], topology === undefined ? null : goLabelSelector(topology)),
    ...(str(o['storageClassName']) !== str(old['storageClassName']) ? [fe.invalid('storageClassName', str(o['storageClassName']), IMMUTABLE)] : []),
  ];
}

/** ValidateVolumeAttachmentUpdate: spec is read-only. */
function volumeAttachmentUpdate(o: Obj, old: Obj): Causes {
  const out = meta(o, old);
  if (!same(o['spec'], old['spec'])) {
    const spec = obj(o['spec']) ?? {};
    const source = obj(spec['source']) ?? {};
    const pv = source['persistentVolumeName'] === undefined ? '(*string)(nil)' : `(*string)(${JSON.stringify(str(source['persistentVolumeName']))})`;
    const inline = source['inlineVolumeSpec'] === undefined ? '(*core.PersistentVolumeSpec)(nil)' : '(*core.PersistentVolumeSpec)(...)';
    out.push(fe.invalid('spec', new GoText(
      `storage.VolumeAttachmentSpec{Attacher:${JSON.stringify(str(spec['attacher']))}, Source:storage.VolumeAttachmentSource{PersistentVolumeName:${pv}, InlineVolumeSpec:${inline}}, NodeName:${JSON.stringify(str(spec['nodeName']))}}`,
    ), IMMUTABLE));
  }
  return out;
}

/** ValidateControllerRevisionUpdate: data is fixed. */
function controllerRevisionUpdate(o: Obj, old: Obj): Causes {
  const raw = [...Buffer.from(JSON.stringify(o['data'] ?? null))].map(b => `0x${b.toString(16)}`).join(', ');
  return [...meta(o, old), ...immutable('data', o['data'], old['data'], new GoText(`runtime.RawExtension{Raw:[]uint8{${raw}}, Object:runtime.Object(nil)}`))];
}

/** ValidateResourceQuotaUpdate: the set of scopes is fixed. */
function resourceQuotaUpdate(o: Obj, old: Obj): Causes {
  const scopes = (x: Obj) => [...new Set(list(obj(x['spec'])?.['scopes']).map(str))].sort();
  const out = meta(o, old);
  if (!same(scopes(o), scopes(old))) out.push(fe.invalid('spec.scopes', goNamedStrings('core.ResourceQuotaScope', obj(o['spec'])?.['scopes']), IMMUTABLE));
  return out;
}

/** ValidateCertificateSigningRequestUpdate's update rules: decisions stay, an issued certificate stays. */
function csrUpdate(o: Obj, old: Obj): Causes {
  const out: Causes = [];
  const conditions = (x: Obj, type: string) => list(obj(x['status'])?.['conditions']).filter(c => str(obj(c)?.['type']) === type).length;
  for (const type of ['Approved', 'Denied', 'Failed']) {
    if (conditions(o, type) < conditions(old, type)) out.push(fe.forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(type)}`));
  }
  const cert = str(obj(old['status'])?.['certificate']);
  if (cert !== '' && cert !== str(obj(o['status'])?.['certificate'])) out.push(fe.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  return [...out, ...meta(o, old)];
}

/**
 * ValidateEventUpdate's strict part for events.k8s.io/v1 writes. Paths name the internal
 * (core) fields; upstream checks reason twice and reports it twice.
 */
export function eventsV1Immutable(o: Obj, old: Obj): Causes {
  const field = (name: string, shown: (v: unknown) => unknown = v => v ?? '') =>
    immutable(name, o[V1_NAMES[name] ?? name], old[V1_NAMES[name] ?? name], shown(o[V1_NAMES[name] ?? name]));
  const out: Causes = [];
  out.push(...field('involvedObject', goObjectReference));
  out.push(...field('reason'), ...field('message'));
  out.push(...field('source', v => goStringStruct('core.EventSource', v, [['Component', 'component'], ['Host', 'host']])));
  out.push(...field('firstTimestamp', goTime), ...field('lastTimestamp', goTime), ...field('count', v => v ?? 0));
  out.push(...field('reason'), ...field('type'));
  if (!same(goMicroTime(o['eventTime']).text, goMicroTime(old['eventTime']).text)) out.push(fe.invalid('eventTime', goMicroTime(o['eventTime']), IMMUTABLE));
  out.push(...field('action'));
  out.push(...field('related', v => (v === undefined ? null : goObjectReference(v))));
  out.push(...field('reportingController'), ...field('reportingInstance'));
  return out;
}

const V1_NAMES: Record<string, string> = {
  involvedObject: 'regarding', message: 'note', source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp', lastTimestamp: 'deprecatedLastTimestamp', count: 'deprecatedCount',
};

const stringField = (path: (o: Obj) => unknown, field: string) => (o: Obj, old: Obj): Causes =>
  [...meta(o, old), ...immutable(field, path(o) ?? '', path(old) ?? '')];

type UpdateValidator = (o: Obj, old: Obj) => Causes;

/** Update validators keyed `<resource>.<group>`, for types with no other update validation here. */
export const immutableFieldValidators: Record<string, UpdateValidator> = {
  'priorityclasses.scheduling.k8s.io': priorityClassUpdate,
  'storageclasses.storage.k8s.io': storageClassUpdate,
  'csidrivers.storage.k8s.io': csiDriverUpdate,
  'csinodes.storage.k8s.io': csiNodeUpdate,
  'csistoragecapacities.storage.k8s.io': csiStorageCapacityUpdate,
  'volumeattachments.storage.k8s.io': volumeAttachmentUpdate,
  'controllerrevisions.apps': controllerRevisionUpdate,
  'resourcequotas.': resourceQuotaUpdate,
  'certificatesigningrequests.certificates.k8s.io': csrUpdate,
  'ingressclasses.networking.k8s.io': stringField(o => obj(o['spec'])?.['controller'], 'spec.controller'),
  'runtimeclasses.node.k8s.io': stringField(o => o['handler'], 'handler'),
  'endpointslices.discovery.k8s.io': stringField(o => o['addressType'], 'addressType'),
};

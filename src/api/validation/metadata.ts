// ObjectMeta validation: upstream's ValidateObjectMeta / ValidateObjectMetaUpdate
// (apimachinery/pkg/api/validation/objectmeta.go) plus core's finalizer-name rule.
import { type Causes, each, fe, goTime, isObj, list, obj, objs, path, str, strMap, type Obj } from './field.js';
import { byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameFn } from './names.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateLabels(labels: unknown, field: string): Causes {
  const out: Causes = [];
  for (const [k, v] of Object.entries(strMap(labels))) {
    out.push(...each(field, k, isQualifiedName(k)));
    out.push(...each(field, v, isValidLabelValue(v)));
  }
  return out;
}

export function validateAnnotations(annotations: unknown, field: string): Causes {
  const out: Causes = [];
  let size = 0;
  for (const [k, v] of Object.entries(strMap(annotations))) {
    out.push(...each(field, k, isQualifiedName(k.toLowerCase())));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(fe.tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

function validateOwnerReferences(refs: unknown, field: string): Causes {
  const out: Causes = [];
  let firstController = '';
  for (const ref of objs(refs)) {
    const apiVersion = str(ref['apiVersion']);
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] ?? '' : apiVersion;
    if (version === '') out.push(fe.invalid(path.child(field, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (str(ref['kind']) === '') out.push(fe.invalid(path.child(field, 'kind'), str(ref['kind']), 'must not be empty'));
    if (str(ref['name']) === '') out.push(fe.invalid(path.child(field, 'name'), str(ref['name']), 'must not be empty'));
    if (str(ref['uid']) === '') out.push(fe.invalid(path.child(field, 'uid'), str(ref['uid']), 'must not be empty'));
    if (apiVersion === 'v1' && ref['kind'] === 'Event') out.push(fe.invalid(field, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref['controller'] === true) {
      const current = `${str(ref['kind'])}/${str(ref['name'])}`;
      if (firstController) out.push(fe.invalid(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      else firstController = current;
    }
  }
  return out;
}

/** kubeNames: core's rule that unqualified names be standard ones (apimachinery's ValidateObjectMeta, used for CRDs and custom resources, lacks it). */
function validateFinalizers(finalizers: unknown, field: string, kubeNames: boolean): Causes {
  const out: Causes = [];
  const names = list(finalizers).map(str);
  for (const f of names) out.push(...each(field, f, isQualifiedName(f)));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    out.push(fe.invalid(field, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  // core's validateKubeFinalizerName: unqualified names must be standard ones.
  if (kubeNames) names.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      out.push(fe.invalid(path.index(field, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return out;
}

function validateManagedFields(entries: unknown, field: string): Causes {
  const out: Causes = [];
  objs(entries).forEach((e, i) => {
    const p = path.index(field, i);
    const op = str(e['operation']);
    if (op !== 'Apply' && op !== 'Update') out.push(fe.invalid(path.child(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const fieldsType = str(e['fieldsType']);
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') out.push(fe.invalid(path.child(p, 'fieldsType'), fieldsType, 'must be `FieldsV1`'));
  });
  return out;
}

function validateCommon(meta: Obj, namespaced: boolean, field: string, kubeFinalizers: boolean): Causes {
  const out: Causes = [];
  const ns = str(meta['namespace']);
  if (namespaced) {
    if (ns === '') out.push(fe.required(path.child(field, 'namespace')));
    else out.push(...each(path.child(field, 'namespace'), ns, nameIsDNSLabel(ns, false)));
  } else if (ns !== '') {
    out.push(fe.forbidden(path.child(field, 'namespace'), 'not allowed on this type'));
  }
  const generation = meta['generation'];
  if (typeof generation === 'number' && generation < 0) out.push(fe.invalid(path.child(field, 'generation'), generation, 'must be greater than or equal to 0'));
  out.push(...validateLabels(meta['labels'], path.child(field, 'labels')));
  out.push(...validateAnnotations(meta['annotations'], path.child(field, 'annotations')));
  out.push(...validateOwnerReferences(meta['ownerReferences'], path.child(field, 'ownerReferences')));
  out.push(...validateFinalizers(meta['finalizers'], path.child(field, 'finalizers'), kubeFinalizers));
  out.push(...validateManagedFields(meta['managedFields'], path.child(field, 'managedFields')));
  return out;
}

export interface MetaRules {
  namespaced: boolean;
  nameFn: NameFn;
  /** false for apimachinery's generic ObjectMeta rules (CRDs, custom resources): no core finalizer-name rule. */
  kubeFinalizers?: boolean;
}

/** ValidateObjectMeta at create (name generation already done). */
export function validateObjectMeta(metaValue: unknown, rules: MetaRules, field = 'metadata'): Causes {
  const meta = obj(metaValue) ?? {};
  const out: Causes = [];
  const generateName = str(meta['generateName']);
  if (generateName !== '') out.push(...each(path.child(field, 'generateName'), generateName, rules.nameFn(generateName, true)));
  const name = str(meta['name']);
  if (name === '') out.push(fe.required(path.child(field, 'name'), 'name or generateName is required'));
  else out.push(...each(path.child(field, 'name'), name, rules.nameFn(name, false)));
  out.push(...validateCommon(meta, rules.namespaced, field, rules.kubeFinalizers ?? true));
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** ValidateObjectMetaUpdate: identity and timestamps are immutable, the rest revalidated. */
export function validateObjectMetaUpdate(newValue: unknown, oldValue: unknown, field = 'metadata', kubeFinalizers = true): Causes {
  const m = obj(newValue) ?? {};
  const o = obj(oldValue) ?? {};
  const out: Causes = [];
  if (o['deletionTimestamp']) {
    const old = new Set(list(o['finalizers']).map(str));
    const extra = [...new Set(list(m['finalizers']).map(str))].filter(f => !old.has(f)).sort();
    if (extra.length > 0) {
      out.push(fe.forbidden(path.child(field, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map(f => JSON.stringify(f)).join(', ')}}`));
    }
  }
  const newGen = typeof m['generation'] === 'number' ? m['generation'] : 0;
  const oldGen = typeof o['generation'] === 'number' ? o['generation'] : 0;
  if (newGen < oldGen) out.push(fe.invalid(path.child(field, 'generation'), newGen, 'must not be decremented'));
  for (const key of ['name', 'namespace', 'uid']) {
    if (str(m[key]) !== str(o[key])) out.push(fe.invalid(path.child(field, key), str(m[key]), 'field is immutable'));
  }
  for (const key of ['creationTimestamp', 'deletionTimestamp']) {
    if (!same(m[key], o[key])) out.push(fe.invalid(path.child(field, key), m[key] ? goTime(m[key]) : null, 'field is immutable'));
  }
  if (!same(m['deletionGracePeriodSeconds'], o['deletionGracePeriodSeconds'])) {
    out.push(fe.invalid(path.child(field, 'deletionGracePeriodSeconds'), m['deletionGracePeriodSeconds'], 'field is immutable'));
  }
  out.push(...validateLabels(m['labels'], path.child(field, 'labels')));
  out.push(...validateAnnotations(m['annotations'], path.child(field, 'annotations')));
  out.push(...validateOwnerReferences(m['ownerReferences'], path.child(field, 'ownerReferences')));
  out.push(...validateFinalizers(m['finalizers'], path.child(field, 'finalizers'), kubeFinalizers));
  out.push(...validateManagedFields(m['managedFields'], path.child(field, 'managedFields')));
  return out;
}

/** ValidateTemplateObjectMeta-like checks for embedded metadata (pod templates). */
export function validateTemplateMeta(metaValue: unknown, field: string): Causes {
  const meta = isObj(metaValue) ? metaValue : {};
  return [...validateLabels(meta['labels'], path.child(field, 'labels')), ...validateAnnotations(meta['annotations'], path.child(field, 'annotations'))];
}

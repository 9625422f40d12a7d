// Pods and PodTemplates: create and update validation (ValidatePodCreate, ValidatePodUpdate,
// ValidatePodTemplate).
import { type Causes, fe, list, num, obj, objs, path, str, type Obj } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePodSpec, validatePodTemplateSpec, validateTolerations } from './pod-spec.js';

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const json = (v: unknown) => JSON.stringify(v ?? null);

/** A short stand-in for the go-cmp diff upstream appends: the top-level fields that differ. */
export function specDiff(typeName: string, oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = [`  ${typeName}{`];
  for (const k of keys) {
    if (json(oldSpec[k]) === json(newSpec[k])) continue;
    if (oldSpec[k] !== undefined) lines.push(`- \t${k}: ${json(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${k}: ${json(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

function validateContainersOnlyForPod(spec: Obj): Causes {
  const out: Causes = [];
  for (const key of ['containers', 'initContainers']) {
    objs(spec[key]).forEach((c, i) => {
      const image = str(c['image']);
      if (image !== image.trim()) out.push(fe.invalid(path.child(path.index(path.child('spec', key), i), 'image'), image, 'must not have leading or trailing whitespace'));
    });
  }
  return out;
}

function validatePodMetadataAndSpec(pod: Obj): Causes {
  const spec = obj(pod['spec']) ?? {};
  const out = [...validateObjectMeta(pod['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }), ...validatePodSpec(spec, 'spec')];
  if (str(spec['serviceAccountName']) === '') {
    objs(spec['volumes']).forEach((v, vi) => {
      objs(obj(v['projected'])?.['sources']).forEach((s, si) => {
        if (obj(s['serviceAccountToken'])) {
          out.push(fe.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  out.push(...validateContainersOnlyForPod(spec));
  return out;
}

export function validatePodCreate(pod: Obj): Causes {
  return validatePodMetadataAndSpec(pod);
}

function containerUpdates(newList: unknown, oldList: unknown, field: string): { causes: Causes; stop: boolean } {
  const n = objs(newList);
  if (n.length !== list(oldList).length) return { causes: [fe.forbidden(field, 'pod updates may not add or remove containers')], stop: true };
  const causes: Causes = [];
  n.forEach((c, i) => {
    const image = str(c['image']);
    if (image === '') causes.push(fe.required(path.child(path.index(field, i), 'image')));
    if (image !== image.trim()) causes.push(fe.invalid(path.child(path.index(field, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { causes, stop: false };
}

function onlyAddedTolerations(newValue: unknown, oldValue: unknown, field: string): Causes {
  const fresh = objs(newValue);
  const strip = (t: Obj) => json({ ...t, tolerationSeconds: undefined });
  for (const old of objs(oldValue)) {
    if (!fresh.some(t => strip(t) === strip(old))) return [fe.forbidden(field, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newValue, field);
}

export function validatePodUpdate(pod: Obj, old: Obj): Causes {
  const out = [...validateObjectMetaUpdate(pod['metadata'], old['metadata']), ...validatePodMetadataAndSpec(pod)];
  const spec = obj(pod['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  for (const key of ['containers', 'initContainers']) {
    const r = containerUpdates(spec[key], oldSpec[key], path.child('spec', key));
    out.push(...r.causes);
    if (r.stop) return out;
  }
  const deadline = num(spec['activeDeadlineSeconds']);
  const oldDeadline = num(oldSpec['activeDeadlineSeconds']);
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > 2147483647) {
      out.push(fe.invalid('spec.activeDeadlineSeconds', deadline, 'must be between 0 and 2147483647, inclusive'));
      return out;
    }
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      out.push(fe.invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value'));
      return out;
    }
  } else if (oldDeadline !== undefined) {
    out.push(fe.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  out.push(...onlyAddedTolerations(spec['tolerations'], oldSpec['tolerations'], 'spec.tolerations'));
  const gates = objs(spec['schedulingGates']);
  const oldGates = new Set(objs(oldSpec['schedulingGates']).map(g => str(g['name'])));
  gates.forEach((g, i) => {
    if (!oldGates.has(str(g['name']))) out.push(fe.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${str(g['name'])}'`));
  });
  if (json(sorted(spec)) === json(sorted(oldSpec))) return out;
  // Blank out what may change, then any remaining difference is forbidden.
  const munged: Obj = structuredClone(spec);
  for (const key of ['containers', 'initContainers']) {
    const oldContainers = objs(oldSpec[key]);
    if (Array.isArray(munged[key])) munged[key] = objs(munged[key]).map((c, i) => ({ ...c, image: oldContainers[i]?.['image'] }));
  }
  for (const key of ['activeDeadlineSeconds', 'schedulingGates', 'tolerations']) {
    if (oldSpec[key] === undefined) delete munged[key];
    else munged[key] = oldSpec[key];
  }
  const oldGrace = num(oldSpec['terminationGracePeriodSeconds']);
  if (oldGrace !== undefined && oldGrace < 0 && munged['terminationGracePeriodSeconds'] === 1) munged['terminationGracePeriodSeconds'] = oldGrace;
  if (json(sorted(munged)) !== json(sorted(oldSpec))) {
    out.push(fe.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff('core.PodSpec', oldSpec, munged)}`));
  }
  return out;
}

/** A copy with object keys sorted, so JSON comparisons ignore key order. */
export function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted((v as Obj)[k])]));
  }
  return v;
}

export function validatePodTemplate(pt: Obj): Causes {
  return [
    ...validateObjectMeta(pt['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validatePodTemplateSpec(pt['template'], 'template'),
  ];
}

export function validatePodTemplateUpdate(pt: Obj, old: Obj): Causes {
  return [...validateObjectMetaUpdate(pt['metadata'], old['metadata']), ...validatePodTemplateSpec(pt['template'], 'template')];
}

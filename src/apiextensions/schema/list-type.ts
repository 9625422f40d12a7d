// x-kubernetes-list-type set/map invariants (apiextensions schema/listtype): each non-unique
// element (set) or key (map) is reported once, at its second appearance.
import type { StatusCause } from '../../api/types.js';
import { fe } from '../../api/validation/field.js';
import type { JSONSchemaProps } from '../types.js';
import { goBadValue } from './go-format.js';
import { canonicalJSON } from './openapi.js';
import { isObj, itemsSchema, type Obj } from './structural.js';

const UNSPECIFIED = Symbol('unspecified key');

const child = (base: string, k: string) => (base ? `${base}.${k}` : k);

/** Indices of the second appearance of each repeated value. */
function nonUnique(values: unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  values.forEach((x, i) => {
    // Compounds compare by their JSON; scalars (and the unspecified marker) by value.
    const key = typeof x === 'object' && x !== null ? `json:${canonicalJSON(x)}` : x;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function validateListMap(path: string, s: JSONSchemaProps, list: unknown[]): StatusCause[] {
  const bad = list.findIndex(x => x !== null && !isObj(x));
  if (bad >= 0) return [fe.invalid(`${path}[${bad}]`, goBadValue(list[bad]), 'must be an object for an array of list-type map')];
  if (list.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const f = keyFields[0]!;
    const keys = list.map(x => (isObj(x) && Object.hasOwn(x, f) ? x[f] : UNSPECIFIED));
    return nonUnique(keys).map(i => fe.duplicate(`${path}[${i}]`, goBadValue(keys[i] === UNSPECIFIED ? {} : { [f]: keys[i] })));
  }
  const keys = list.map(x => {
    const key: Obj = {};
    if (isObj(x)) for (const f of keyFields) if (Object.hasOwn(x, f)) key[f] = x[f];
    return key;
  });
  return nonUnique(keys).map(i => fe.duplicate(`${path}[${i}]`, goBadValue(keys[i])));
}

function validateArray(path: string, s: JSONSchemaProps, list: unknown[]): StatusCause[] {
  const errs: StatusCause[] = [];
  if (s['x-kubernetes-list-type'] === 'set') {
    errs.push(...nonUnique(list).map(i => fe.duplicate(`${path}[${i}]`, goBadValue(list[i]))));
  } else if (s['x-kubernetes-list-type'] === 'map') {
    errs.push(...validateListMap(path, s, list));
  }
  const items = itemsSchema(s);
  if (items) list.forEach((v, i) => errs.push(...validateValue(`${path}[${i}]`, items, v)));
  return errs;
}

function validateValue(path: string, s: JSONSchemaProps, v: unknown): StatusCause[] {
  if (Array.isArray(v)) return validateArray(path, s, v);
  if (isObj(v)) return validateListSetsAndMaps(v, s, path);
  return [];
}

/** ValidateListSetsAndMaps over an object; path is the object's field path ('' at the root). */
export function validateListSetsAndMaps(obj: Obj, s: JSONSchemaProps | undefined, path = ''): StatusCause[] {
  if (!s) return [];
  const errs: StatusCause[] = [];
  if (typeof s.additionalProperties === 'object') {
    for (const [k, v] of Object.entries(obj)) errs.push(...validateValue(`${path}[${k}]`, s.additionalProperties, v));
  }
  if (s.properties) {
    for (const [k, v] of Object.entries(obj)) {
      if (Object.hasOwn(s.properties, k)) errs.push(...validateValue(child(path, k), s.properties[k]!, v));
    }
  }
  return errs;
}

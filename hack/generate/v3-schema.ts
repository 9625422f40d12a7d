// An OpenAPI v2 definition in the form kube-openapi's v3 builder gives it: $refs under
// #/components/schemas, a property's $ref wrapped in allOf when it has a description or a
// default, array items and map values of struct type as allOf with default {}. The v2 document
// has no defaults, so defaults come from the reference v3 schema of the same definition where the
// property already existed (new API fields are optional pointers, which have none).
import { type JsonObject, isObject } from './json.js';

const v2Ref = '#/definitions/';
const v3Ref = '#/components/schemas/';

/** The schema a v3 property or element wraps in allOf, or the schema itself. */
function unwrapped(s: JsonObject | undefined): JsonObject | undefined {
  const all = s?.['allOf'];
  if (Array.isArray(all) && all.length === 1 && isObject(all[0])) return { ...s, ...all[0] };
  return s;
}

/** Whether the reference default still fits: a struct (by $ref) stays a struct; primitives keep their type. */
function defaultFits(v2: JsonObject, old: JsonObject): boolean {
  const o = unwrapped(old)!;
  if (typeof v2['$ref'] === 'string') return typeof o['$ref'] === 'string';
  return v2['type'] !== undefined && v2['type'] === o['type'];
}

function child(old: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = old?.[key];
  return isObject(v) ? v : undefined;
}

function element(v2: JsonObject, old: JsonObject | undefined): JsonObject {
  const conv = toV3Schema(v2, unwrapped(old));
  const ref = conv['$ref'];
  if (typeof ref === 'string' && !(old && typeof old['$ref'] === 'string')) {
    const { $ref: _ref, ...rest } = conv;
    return { allOf: [{ $ref: ref }], ...rest, default: {} };
  }
  if (old && 'default' in old && defaultFits(v2, old)) conv['default'] = old['default']!;
  return conv;
}

function property(v2: JsonObject, old: JsonObject | undefined): JsonObject {
  const conv = toV3Schema(v2, unwrapped(old));
  const keepDefault = old !== undefined && 'default' in old && defaultFits(v2, old);
  const ref = conv['$ref'];
  if (typeof ref === 'string' && (v2['description'] !== undefined || keepDefault)) {
    const { $ref: _ref, ...rest } = conv;
    return { allOf: [{ $ref: ref }], ...rest, ...(keepDefault ? { default: old['default']! } : {}) };
  }
  if (keepDefault) conv['default'] = old['default']!;
  return conv;
}

/** `v2` (with its descriptions, which decide the allOf wrapping) in v3 form, without descriptions. */
export function toV3Schema(v2: JsonObject, old: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(v2)) {
    if (k === 'description') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith(v2Ref)) {
      out[k] = v3Ref + v.slice(v2Ref.length);
    } else if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const [name, p] of Object.entries(v)) {
        if (isObject(p)) props[name] = property(p, child(child(old, 'properties'), name));
      }
      out[k] = props;
    } else if ((k === 'items' || k === 'additionalProperties') && isObject(v)) {
      out[k] = element(v, child(old, k));
    } else {
      out[k] = v;
    }
  }
  return out;
}

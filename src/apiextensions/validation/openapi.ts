// ValidateCustomResourceDefinitionOpenAPISchema: the per-node OpenAPI v3 rules of a CRD schema
// (unsupported keywords, defaults placement, list/map topology extensions, the static checks of
// x-kubernetes-validations), walked over the whole schema tree.
import { fe, path, type Causes } from '../../api/validation/field.js';
import type { JSONSchemaProps, ValidationRule } from '../types.js';
import { validFieldPath } from './field-path.js';
import { isSchema, propertyNames, schemaOf, setList } from './schema-walk.js';
import { structuralError } from './structural.js';

export const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const VALIDATION_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

export interface SchemaRules {
  requireValidPropertyType: boolean;
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
}

/** specStandardValidatorV3's state, narrowed as the walk descends. */
interface Walk {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
}

function validateNode(s: JSONSchemaProps, at: string, rules: SchemaRules, w: Walk): Causes {
  const out: Causes = [];
  const forbid = (key: string, detail: string) => out.push(fe.forbidden(path.child(at, key), detail));
  if (rules.requireValidPropertyType && s.type && !OPENAPI_V3_TYPES.includes(s.type)) out.push(fe.notSupported(path.child(at, 'type'), s.type, OPENAPI_V3_TYPES));
  if (s.default !== undefined && s.default !== null && !w.allowDefaults) {
    forbid('default', w.disallowDefaultsReason ? `must not be set ${w.disallowDefaultsReason}` : 'must not be set');
  }
  if (s.id) forbid('id', 'id is not supported');
  if (s.additionalItems !== undefined && s.additionalItems !== null) forbid('additionalItems', 'additionalItems is not supported');
  if (setList(s.patternProperties)) forbid('patternProperties', 'patternProperties is not supported');
  if (setList(s.definitions)) forbid('definitions', 'definitions is not supported');
  if (s.dependencies !== undefined && s.dependencies !== null) forbid('dependencies', 'dependencies is not supported');
  if (typeof s.$ref === 'string') forbid('$ref', '$ref is not supported');
  if (s.type === 'null') forbid('type', 'type cannot be set to null, use nullable as an alternative');
  if (Array.isArray(s.items) && s.items.length > 0) forbid('items', 'items must be a schema object and not an array');
  if (w.insideResourceMeta && s['x-kubernetes-embedded-resource'] === true) forbid('x-kubernetes-embedded-resource', 'must not be used inside of resource meta');
  return out;
}

function validateListAndMapTypes(s: JSONSchemaProps, at: string, rules: SchemaRules): Causes {
  const out: Causes = [];
  const type = s.type ?? '';
  const listType = s['x-kubernetes-list-type'];
  const mapType = s['x-kubernetes-map-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = schemaOf(s.items);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) out.push(fe.invalid(path.child(at, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (mapType !== undefined && type !== 'object') {
    if (type === '') out.push(fe.required(path.child(at, 'type'), 'must be object if x-kubernetes-map-type is specified'));
    else out.push(fe.invalid(path.child(at, 'type'), type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') out.push(fe.notSupported(path.child(at, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  if (listType !== undefined && type !== 'array') {
    if (type === '') out.push(fe.required(path.child(at, 'type'), 'must be array if x-kubernetes-list-type is specified'));
    else out.push(fe.invalid(path.child(at, 'type'), type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (rules.requireAtomicSetType && listType === 'set' && items) {
    // Upstream prints the items' list type in both messages.
    const itemsListType = items['x-kubernetes-list-type'] ?? null;
    if (items.type === 'array' && itemsListType !== null && itemsListType !== 'atomic') {
      out.push(fe.invalid(path.child(at, 'items', 'x-kubernetes-list-type'), itemsListType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      out.push(fe.invalid(path.child(at, 'items', 'x-kubernetes-map-type'), itemsListType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) out.push(fe.notSupported(path.child(at, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  if (keys.length > 0) {
    if (listType === undefined) out.push(fe.required(path.child(at, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') out.push(fe.invalid(path.child(at, 'x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (keys.length === 0) out.push(fe.required(path.child(at, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined || s.items === null) out.push(fe.required(path.child(at, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) out.push(fe.invalid(path.child(at, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') out.push(fe.invalid(path.child(at, 'items', 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of keys) {
        const p = items.properties?.[k];
        if (p === undefined) out.push(fe.invalid(path.child(at, 'x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
        else if (p.type === 'array' || p.type === 'object') {
          // Upstream prints the items' type here, not the key property's.
          out.push(fe.invalid(path.child(path.key(path.child(at, 'items', 'properties'), k), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (seen.has(k)) out.push(fe.invalid(path.child(at, 'x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (rules.requireMapListKeysMapSetValidation) out.push(...validateMapListKeysMapSet(s, at));
  return out;
}

/** validateMapListKeysMapSet: set and map list items, and map keys, cannot be null or missing. */
export function validateMapListKeysMapSet(s: JSONSchemaProps, at: string): Causes {
  const items = schemaOf(s.items);
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const out: Causes = [];
  if (items.nullable === true) out.push(fe.forbidden(path.child(at, 'items', 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType !== 'map') return out;
  const required = new Set(items.required ?? []);
  for (const k of s['x-kubernetes-list-map-keys'] ?? []) {
    const p = items.properties?.[k];
    if (p === undefined) continue;
    const at2 = path.key(path.child(at, 'items', 'properties'), k);
    if (!required.has(k) && (p.default === undefined || p.default === null)) {
      out.push(fe.required(path.child(at2, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
    if (p.nullable === true) out.push(fe.forbidden(path.child(at2, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
  }
  return out;
}

const hasNewlines = (s: string) => /[\n\r]/.test(s);

function validateRules(s: JSONSchemaProps, at: string): Causes {
  const out: Causes = [];
  (s['x-kubernetes-validations'] ?? []).forEach((r: ValidationRule, i) => {
    const p = (key: string) => path.child(path.index(path.child(at, 'x-kubernetes-validations'), i), key);
    const rule = r.rule ?? '';
    const message = r.message ?? '';
    const trimmedRule = rule.trim();
    const trimmedMsg = message.trim();
    if (trimmedRule === '') out.push(fe.required(p('rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMsg === '') out.push(fe.invalid(p('message'), message, 'message must be non-empty if specified'));
    else if (hasNewlines(trimmedMsg)) out.push(fe.invalid(p('message'), message, 'message must not contain line breaks'));
    else if (hasNewlines(trimmedRule) && trimmedMsg === '') out.push(fe.required(p('message'), 'message must be specified if rule contains line breaks'));
    const msgExpr = r.messageExpression ?? '';
    if (msgExpr.length > 0 && msgExpr.trim() === '') out.push(fe.required(p('messageExpression'), 'messageExpression must be non-empty if specified'));
    if (r.reason !== undefined && r.reason !== null && !VALIDATION_REASONS.includes(r.reason)) out.push(fe.notSupported(p('reason'), r.reason, VALIDATION_REASONS));
    const fieldPath = r.fieldPath ?? '';
    if (fieldPath.length > 0 && fieldPath.trim() === '') out.push(fe.invalid(p('fieldPath'), fieldPath, 'fieldPath must be non-empty if specified'));
    if (hasNewlines(fieldPath)) out.push(fe.invalid(p('fieldPath'), fieldPath, 'fieldPath must not contain line breaks'));
    // pathValid: only judged when the schema is structural.
    if (fieldPath.length > 0 && structuralError(s) === undefined && !validFieldPath(fieldPath, s).ok) {
      out.push(fe.invalid(p('fieldPath'), fieldPath, 'fieldPath must be a valid path'));
    }
  });
  return out;
}

/** The OpenAPI rules for a schema and everything below it. */
export function validateOpenAPISchema(s: JSONSchemaProps, at: string, rules: SchemaRules, w: Walk, isRoot: boolean): Causes {
  const out = validateNode(s, at, rules, w);
  if (s.uniqueItems === true) out.push(fe.forbidden(path.child(at, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const ap = s.additionalProperties;
  if (ap !== undefined && ap !== null) {
    if (propertyNames(s).length > 0 && ap !== true) out.push(fe.forbidden(path.child(at, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    const sub = w.insideResourceMeta ? { ...w, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' } : w;
    if (isSchema(ap)) out.push(...validateOpenAPISchema(ap, path.child(at, 'additionalProperties'), rules, sub, false));
  }
  for (const k of propertyNames(s)) {
    let sub = w;
    if ((isRoot || s['x-kubernetes-embedded-resource'] === true) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    out.push(...validateOpenAPISchema(s.properties?.[k] ?? {}, path.key(path.child(at, 'properties'), k), rules, sub, false));
  }
  if (isSchema(s.not)) out.push(...validateOpenAPISchema(s.not, path.child(at, 'not'), rules, w, false));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    (s[key] ?? []).forEach((x, i) => out.push(...validateOpenAPISchema(x, path.index(path.child(at, key), i), rules, w, false)));
  }
  if (isSchema(s.definitions)) {
    for (const k of Object.keys(s.definitions).sort()) out.push(...validateOpenAPISchema(s.definitions[k] ?? {}, path.key(path.child(at, 'definitions'), k), rules, w, false));
  }
  if (isSchema(s.items)) out.push(...validateOpenAPISchema(s.items, path.child(at, 'items'), rules, w, false));
  else if (Array.isArray(s.items)) s.items.forEach((x, i) => out.push(...validateOpenAPISchema(x, path.index(path.child(at, 'items'), i), rules, w, false)));
  if (isSchema(s.dependencies)) {
    for (const k of Object.keys(s.dependencies).sort()) {
      const d = s.dependencies[k];
      if (isSchema(d)) out.push(...validateOpenAPISchema(d, path.key(path.child(at, 'dependencies'), k), rules, w, false));
    }
  }
  out.push(...validateListAndMapTypes(s, at, rules));
  out.push(...validateRules(s, at));
  return out;
}

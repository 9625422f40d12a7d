// Structural schemas (apiextensions-apiserver pkg/apiserver/schema): whether a JSONSchemaProps can
// be read as a structural schema at all (NewStructural's error), and ValidateStructural's rules.
// A structural schema declares every field's type outside of the logical junctors (allOf, anyOf,
// oneOf, not), which may only repeat value validations on fields already declared.
import { fe, path, type Causes } from '../../api/validation/field.js';
import type { JSONSchemaProps } from '../types.js';
import { hasXValidations, isSchema, junctors, propertyNames, schemaOf, setList } from './schema-walk.js';

type Level = 'root' | 'item' | 'field';

/** NewStructural's error for fields a structural schema cannot hold, or undefined. */
export function structuralError(s: JSONSchemaProps): string | undefined {
  const unsupported: Array<[keyof JSONSchemaProps, string]> = [
    ['id', 'id'], ['$schema', 'schema'], ['$ref', '$ref'], ['patternProperties', 'patternProperties'],
    ['dependencies', 'dependencies'], ['additionalItems', 'additionalItems'], ['definitions', 'definitions'],
  ];
  for (const [key, name] of unsupported) {
    const v = s[key];
    const set = key === 'additionalItems' ? v !== undefined && v !== null : typeof v === 'string' ? v !== '' : setList(v);
    if (set) return `OpenAPIV3Schema '${name}' is not supported`;
  }
  for (const j of junctors(s)) {
    const err = structuralError(j.schema);
    if (err) return err;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  if (Array.isArray(s.items) && s.items.length > 0) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  const children = [schemaOf(s.items), ...propertyNames(s).map(k => s.properties?.[k]), schemaOf(s.additionalProperties)];
  for (const c of children) {
    const err = c ? structuralError(c) : undefined;
    if (err) return err;
  }
  return undefined;
}

// The {type: integer} / {type: string} pair x-kubernetes-int-or-string allows under anyOf.
function isTypeOnly(s: JSONSchemaProps, type: string): boolean {
  return s.type === type && Object.keys(s).every(k => k === 'type' || k === 'example' || k === 'externalDocs');
}

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return anyOf?.length === 2 && isTypeOnly(anyOf[0] ?? {}, 'integer') && isTypeOnly(anyOf[1] ?? {}, 'string');
}

/** The value validations of a node (its own and nested junctors, plus the pattern). */
function validateValueValidation(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, at: string): Causes {
  const out: Causes = [];
  if (!skipAnyOf) (s.anyOf ?? []).forEach((x, i) => out.push(...validateNested(x, false, path.index(path.child(at, 'anyOf'), i))));
  (s.allOf ?? []).forEach((x, i) => out.push(...validateNested(x, skipFirstAllOfAnyOf && i === 0, path.index(path.child(at, 'allOf'), i))));
  (s.oneOf ?? []).forEach((x, i) => out.push(...validateNested(x, false, path.index(path.child(at, 'oneOf'), i))));
  if (isSchema(s.not)) out.push(...validateNested(s.not, false, path.child(at, 'not')));
  if (typeof s.pattern === 'string' && s.pattern !== '') {
    const err = goRegexpError(s.pattern);
    if (err) out.push(fe.invalid(path.child(at, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${err}`));
  }
  return out;
}

/** A schema inside a junctor: only value validations, nothing that declares structure. */
function validateNested(v: JSONSchemaProps, skipAnyOf: boolean, at: string): Causes {
  const out = validateValueValidation(v, skipAnyOf, false, at);
  const items = schemaOf(v.items);
  if (items) out.push(...validateNested(items, false, path.child(at, 'items')));
  for (const k of propertyNames(v)) out.push(...validateNested(v.properties?.[k] ?? {}, false, path.key(path.child(at, 'properties'), k)));
  const forbid = (key: string, detail: string) => out.push(fe.forbidden(path.child(at, key), detail));
  if (v.type) forbid('type', 'must be empty to be structural');
  if (v.additionalProperties !== undefined && v.additionalProperties !== null && v.additionalProperties !== false) {
    forbid('additionalProperties', 'must be undefined to be structural');
  }
  if (v.default !== undefined && v.default !== null) forbid('default', 'must be undefined to be structural');
  if (v.title) forbid('title', 'must be empty to be structural');
  if (v.description) forbid('description', 'must be empty to be structural');
  if (v.nullable === true) forbid('nullable', 'must be false to be structural');
  if (v['x-kubernetes-preserve-unknown-fields'] === true) forbid('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (v['x-kubernetes-embedded-resource'] === true) forbid('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (v['x-kubernetes-int-or-string'] === true) forbid('x-kubernetes-int-or-string', 'must be false to be structural');
  if (setList(v['x-kubernetes-list-map-keys'])) forbid('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (typeof v['x-kubernetes-list-type'] === 'string') forbid('x-kubernetes-list-type', 'must be undefined to be structural');
  if (typeof v['x-kubernetes-map-type'] === 'string') forbid('x-kubernetes-map-type', 'must be undefined to be structural');
  if (hasXValidations(v)) forbid('x-kubernetes-validations', 'must be empty to be structural');
  if (v.properties?.['metadata'] !== undefined) forbid('properties[metadata]', 'must not be specified in a nested context');
  return out;
}

// Fields of the root metadata schema that ValidateStructural ignores; anything else is forbidden.
const METADATA_IGNORED = new Set(['type', 'default', 'example', 'externalDocs', 'id', '$schema', '$ref']);

function validateMetadata(m: JSONSchemaProps, checkMetadata: boolean, lvl: Level, at: string): Causes {
  const out: Causes = [];
  if (checkMetadata && m.type !== 'object') out.push(fe.invalid(path.child(at, 'type'), m.type ?? '', 'must be object'));
  if (lvl !== 'root') return out;
  const props = propertyNames(m);
  const onlyNames = props.length > 0 && props.length <= 2 && props.every(p => p === 'name' || p === 'generateName');
  const rest = Object.entries(m).filter(([k, v]) => {
    if (METADATA_IGNORED.has(k) || v === undefined || v === null || v === false || v === '') return false;
    return !(k === 'properties' && (onlyNames || props.length === 0));
  });
  if (rest.length > 0) out.push(fe.forbidden(at, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  return out;
}

function validateInvariants(s: JSONSchemaProps, lvl: Level, at: string): Causes {
  const out: Causes = [];
  const items = schemaOf(s.items);
  if (s.type === 'array' && !items) out.push(fe.required(path.child(at, 'items'), 'must be specified'));
  if (items) out.push(...validateInvariants(items, 'item', path.child(at, 'items')));
  for (const k of propertyNames(s)) out.push(...validateInvariants(s.properties?.[k] ?? {}, 'field', path.key(path.child(at, 'properties'), k)));
  const hasAdditional = s.additionalProperties !== undefined && s.additionalProperties !== null;
  if (hasAdditional) {
    if (lvl === 'root') out.push(fe.forbidden(path.child(at, 'additionalProperties'), 'must not be used at the root'));
    const ap = schemaOf(s.additionalProperties);
    if (ap) out.push(...validateInvariants(ap, 'field', path.child(at, 'additionalProperties')));
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) out.push(fe.invalid(path.child(at, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) out.push(fe.invalid(path.child(at, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));

  const skipFirstAllOfAnyOf = (s.allOf?.length ?? 0) >= 1 && isIntOrStringAnyOf(s.allOf?.[0]?.anyOf);
  out.push(...validateValueValidation(s, isIntOrStringAnyOf(s.anyOf), skipFirstAllOfAnyOf, at));

  const checkMetadata = lvl === 'root' || embedded;
  const type = s.type ?? '';
  if (embedded && type !== 'object') {
    if (type === '') out.push(fe.required(path.child(at, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(fe.invalid(path.child(at, 'type'), type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !intOrString && !preserve) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    out.push(fe.required(path.child(at, 'type'), `must not be empty ${where}`));
  }
  if (embedded && hasAdditional) out.push(fe.forbidden(path.child(at, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && type !== '' && type !== 'object') out.push(fe.invalid(path.child(at, 'type'), type, 'must be object at the root'));
  for (const key of ['kind', 'apiVersion']) {
    const p = s.properties?.[key];
    if (p !== undefined && checkMetadata && p.type !== 'string') out.push(fe.invalid(path.child(path.key(path.child(at, 'properties'), key), 'type'), p.type ?? '', 'must be string'));
  }
  const metadata = s.properties?.['metadata'];
  if (metadata !== undefined) out.push(...validateMetadata(metadata, checkMetadata, lvl, path.key(path.child(at, 'properties'), 'metadata')));
  if (embedded && !preserve && propertyNames(s).length === 0) {
    out.push(fe.required(path.child(at, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return out;
}

/** Every field a junctor mentions must be declared by the structural schema beside it. */
function validateCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string, nested: boolean): Causes {
  if (!s) return [fe.required(sPath, `because it is defined in ${vPath}`)];
  const out: Causes = [];
  for (const j of junctors(v)) out.push(...validateCompleteness(j.schema, s, sPath, path.child(vPath, j.path), true));
  if (!nested) return out;
  const items = schemaOf(v.items);
  if (items) out.push(...validateCompleteness(items, schemaOf(s.items), path.child(sPath, 'items'), path.child(vPath, 'items'), true));
  for (const k of propertyNames(v)) {
    const declared = s.properties?.[k];
    const sp = path.key(path.child(sPath, 'properties'), k);
    const vp = path.key(path.child(vPath, 'properties'), k);
    if (declared === undefined) out.push(fe.required(sp, `because it is defined in ${vp}`));
    else out.push(...validateCompleteness(v.properties?.[k] ?? {}, declared, sp, vp, true));
  }
  return out;
}

/** ValidateStructural: the causes sorted as upstream sorts them (by their printed text). */
export function validateStructural(s: JSONSchemaProps, at: string): Causes {
  const out = [...validateInvariants(s, 'root', at), ...validateCompleteness(s, s, at, at, false)];
  const text = (c: Causes[number]) => `${c.field ?? ''}: ${c.message ?? ''}`;
  return out.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

/** Whether a schema fails NewStructural or ValidateStructural (old CRDs keep looser rules). */
export function isNonStructural(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  return structuralError(s) !== undefined || validateStructural(s, '').length > 0;
}

/** Go regexp (RE2) compile errors for the syntax JavaScript accepts and RE2 does not, else JS's own check. */
export function goRegexpError(pattern: string): string | undefined {
  const perl = /\(\?(<?[=!])/.exec(pattern);
  if (perl) return `error parsing regexp: invalid or unsupported Perl syntax: \`${perl[0]}\``;
  const backref = /\\[1-9]/.exec(pattern);
  if (backref) return `error parsing regexp: invalid escape sequence: \`${backref[0]}\``;
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch {
    try {
      new RegExp(pattern);
      return undefined;
    } catch (e) {
      return `error parsing regexp: ${(e as Error).message}`;
    }
  }
}

// The published schema of one CRD version, as apiextensions-apiserver's OpenAPI builder derives
// it: the structural schema (only the fields a structural schema keeps), int-or-string unfolded
// into anyOf, for v2 the ToStructuralOpenAPIV2 rewrite, then apiVersion/kind/metadata added at
// the root and in embedded resources, and the GVK (and selectable fields) extensions.
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from '../types.js';

export type OpenAPIFlavor = 'v2' | 'v3';
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

const API_CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';
/** TypeMeta's generated definitions, which builder.go copies in as the root apiVersion and kind. */
const TYPE_META_API_VERSION = `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${API_CONVENTIONS}#resources`;
const TYPE_META_KIND = `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${API_CONVENTIONS}#types-kinds`;
/** PartialObjectMetadata(List)'s SwaggerDoc for metadata. */
export const OBJECT_META_DESCRIPTION = `Standard object's metadata. More info: ${API_CONVENTIONS}#metadata`;
export const LIST_META_DESCRIPTION = `Standard list metadata. More info: ${API_CONVENTIONS}#types-kinds`;

export function refPrefix(flavor: OpenAPIFlavor): string {
  return flavor === 'v2' ? '#/definitions/' : '#/components/schemas/';
}

/** A $ref with a description: v3 wraps the ref in allOf, as kube-openapi's builder3 WrapRefs does. */
export function describedRef(flavor: OpenAPIFlavor, name: string, description: string): JsonObject {
  const ref = { $ref: refPrefix(flavor) + name };
  return flavor === 'v2' ? { ...ref, description } : { allOf: [ref], description };
}

export function typeMetaProperties(): JsonObject {
  return { apiVersion: { description: TYPE_META_API_VERSION, type: 'string' }, kind: { description: TYPE_META_KIND, type: 'string' } };
}

const SCALARS = ['description', 'title', 'format', 'maximum', 'minimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'multipleOf', 'maxProperties', 'minProperties'] as const;
const TRUE_ONLY = ['exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'] as const;

/** Whether builder.go would publish the schema; otherwise it publishes a bare object. */
function isStructural(s: JSONSchemaProps, nested: boolean): boolean {
  if (s.$ref !== undefined || s.patternProperties || s.dependencies || s.additionalItems !== undefined || s.definitions || Array.isArray(s.items)) return false;
  if (!nested && !s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) return false;
  const children = [...Object.values(s.properties ?? {}), ...(s.items && !Array.isArray(s.items) ? [s.items] : [])];
  if (typeof s.additionalProperties === 'object') children.push(s.additionalProperties);
  const junctors = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.not ? [s.not] : [])];
  return children.every(c => isStructural(c, nested)) && junctors.every(j => isStructural(j, true));
}

/** The fields the structural schema keeps, in its ToKubeOpenAPI form (zero values left out). */
function structural(s: JSONSchemaProps): JsonObject {
  const out: JsonObject = {};
  if (s.type) out['type'] = s.type;
  for (const k of SCALARS) if (s[k] !== undefined && s[k] !== '') out[k] = s[k] as Json;
  for (const k of TRUE_ONLY) if (s[k] === true) out[k] = true;
  if (s.default !== undefined) out['default'] = s.default as Json;
  if (s.enum && s.enum.length > 0) out['enum'] = s.enum as Json[];
  if (s.required && s.required.length > 0) out['required'] = [...s.required];
  if (s.items && !Array.isArray(s.items)) out['items'] = structural(s.items);
  if (s.properties && Object.keys(s.properties).length > 0) {
    out['properties'] = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, structural(v)]));
  }
  if (s.additionalProperties !== undefined) {
    out['additionalProperties'] = typeof s.additionalProperties === 'boolean' ? s.additionalProperties : structural(s.additionalProperties);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (s[k] && s[k].length > 0) out[k] = s[k].map(structural);
  if (s.not) out['not'] = structural(s.not);
  if (s['x-kubernetes-list-map-keys']?.length) out['x-kubernetes-list-map-keys'] = [...s['x-kubernetes-list-map-keys']];
  if (s['x-kubernetes-list-type']) out['x-kubernetes-list-type'] = s['x-kubernetes-list-type'];
  if (s['x-kubernetes-map-type']) out['x-kubernetes-map-type'] = s['x-kubernetes-map-type'];
  if (s['x-kubernetes-validations']?.length) out['x-kubernetes-validations'] = s['x-kubernetes-validations'].map(r => ({ ...r }) as JsonObject);
  return out;
}

const isObj = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Visits the structural nodes (not junctor contents), parents before children. */
function visit(s: JsonObject, fn: (s: JsonObject) => void): void {
  fn(s);
  if (isObj(s['items'])) visit(s['items'], fn);
  if (isObj(s['properties'])) for (const v of Object.values(s['properties'])) if (isObj(v)) visit(v, fn);
  if (isObj(s['additionalProperties'])) visit(s['additionalProperties'], fn);
}

const INT_OR_STRING_ANY_OF: Json[] = [{ type: 'integer' }, { type: 'string' }];

/** Structural.Unfold: int-or-string gets its anyOf unless the schema already spells that pattern. */
function unfold(root: JsonObject): void {
  visit(root, s => {
    if (s['x-kubernetes-int-or-string'] !== true) return;
    if (isIntOrStringPattern(s['anyOf'])) return;
    const allOf = s['allOf'];
    if (Array.isArray(allOf) && isObj(allOf[0]) && isIntOrStringPattern(allOf[0]['anyOf'])) return;
    if (s['anyOf'] === undefined) s['anyOf'] = structuredClone(INT_OR_STRING_ANY_OF);
    else s['allOf'] = [{ anyOf: structuredClone(INT_OR_STRING_ANY_OF) }, ...(Array.isArray(allOf) ? allOf : [])];
  });
}

function isIntOrStringPattern(anyOf: Json | undefined): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  const types = anyOf.map(a => (isObj(a) && Object.keys(a).length === 1 ? a['type'] : undefined));
  return types[0] === 'integer' && types[1] === 'string';
}

/**
 * ToStructuralOpenAPIV2: drop junctors, and the shapes kubectl's v2 client cannot cope with; and
 * defaults, which the v2 controller prunes so CRDs merge cleanly with the pruned static spec.
 */
function toV2(root: JsonObject): void {
  visit(root, s => {
    for (const k of ['allOf', 'oneOf', 'anyOf', 'not', 'default']) delete s[k];
    if (s['nullable'] === true) {
      delete s['type'];
      delete s['nullable'];
      delete s['items'];
      delete s['properties'];
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === true) {
      delete s['items'];
      delete s['properties'];
    }
    if (s['items'] === undefined && s['type'] === 'array') delete s['type'];
    if (s['x-kubernetes-preserve-unknown-fields'] === true && s['type'] === 'object') delete s['type'];
    const props = isObj(s['properties']) ? s['properties'] : {};
    let required = Array.isArray(s['required']) ? s['required'] : [];
    required = required.filter(r => !(typeof r === 'string' && isObj(props[r]) && props[r]['nullable'] === true));
    if (isObj(s['additionalProperties']) && s['additionalProperties']['nullable'] === true) required = [];
    if (required.length > 0) s['required'] = required;
    else delete s['required'];
  });
}

/** addEmbeddedProperties: embedded resources get apiVersion, kind and metadata, and require the first two. */
function addEmbedded(root: JsonObject, flavor: OpenAPIFlavor): void {
  visit(root, s => {
    if (flavor === 'v2' && s['x-kubernetes-preserve-unknown-fields'] === true) return;
    if (s['x-kubernetes-embedded-resource'] !== true) return;
    const props = isObj(s['properties']) ? s['properties'] : {};
    props['apiVersion'] = { description: `apiVersion defines the versioned schema of this representation of an object. More info: ${API_CONVENTIONS}#resources`, type: 'string' };
    props['kind'] = { description: `kind is a string value representing the type of this object. In CamelCase. More info: ${API_CONVENTIONS}#types-kinds`, type: 'string' };
    props['metadata'] = describedRef(flavor, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', OBJECT_META_DESCRIPTION);
    s['properties'] = props;
    const required = Array.isArray(s['required']) ? [...s['required']] : [];
    for (const r of ['kind', 'apiVersion']) if (!required.includes(r)) required.push(r);
    s['required'] = required;
  });
}

export function versionOf(crd: CustomResourceDefinition, version: string): CustomResourceDefinitionVersion {
  const v = crd.spec.versions.find(x => x.name === version);
  if (!v) throw new Error(`CRD ${crd.metadata.name ?? ''} has no version ${version}`);
  return v;
}

/** The x-kubernetes-selectable-fields value: 1.32 sets it (empty when there are none) whenever the gate is on. */
export function selectableFields(v: CustomResourceDefinitionVersion): Json[] {
  return (v.selectableFields ?? []).map(f => ({ fieldPath: f.jsonPath.replace(/^\./, '') }));
}

/** The definition of the CRD's kind in `version`. */
export function kindSchema(crd: CustomResourceDefinition, version: string, flavor: OpenAPIFlavor): JsonObject {
  const v = versionOf(crd, version);
  const source = v.schema?.openAPIV3Schema;
  const root = source && isStructural(source, false) ? source : undefined;
  let ret: JsonObject;
  if (!root || (flavor === 'v2' && (root['x-kubernetes-preserve-unknown-fields'] === true || crd.spec.preserveUnknownFields === true))) {
    // Without a schema the builder publishes no properties, so clients do not reject unknown fields.
    ret = { type: 'object' };
  } else {
    ret = structural(root);
    unfold(ret);
    if (flavor === 'v2') toV2(ret);
    const props = isObj(ret['properties']) ? ret['properties'] : {};
    props['metadata'] = describedRef(flavor, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', OBJECT_META_DESCRIPTION);
    Object.assign(props, typeMetaProperties());
    ret['properties'] = props;
    addEmbedded(ret, flavor);
  }
  ret['x-kubernetes-group-version-kind'] = [{ group: crd.spec.group, kind: crd.spec.names.kind, version }];
  ret['x-kubernetes-selectable-fields'] = selectableFields(v);
  return ret;
}

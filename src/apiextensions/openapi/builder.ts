// OpenAPI v2 and v3 for one CRD version, as apiextensions-apiserver's builder hands its routes
// to kube-openapi's builder and builder3: parameters every operation of a path shares move to
// the path, parameters sort by name then location, and (v2) the generic parameters become
// shared `#/parameters/<name>-<hash>` entries named like kube-openapi's deduplicateParameters.
import { type JsonObject, type Json, type OpenAPIFlavor, LIST_META_DESCRIPTION, describedRef, kindSchema, refPrefix, selectableFields, typeMetaProperties, versionOf } from './schema.js';
import { type Model, type Param, type Route, crdRoutes } from './routes.js';
import type { CustomResourceDefinition } from '../types.js';

export interface CRDOpenAPIv2 {
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
  /** The shared parameters the paths' `#/parameters/...` refs name. */
  parameters: Record<string, JsonObject>;
}

export interface CRDOpenAPIv3 {
  paths: Record<string, JsonObject>;
  /** The CRD's own component schemas; the built-in ones they and the paths reference are not included. */
  schemas: Record<string, JsonObject>;
}

/** The definition name of a CRD kind: the group's labels reversed, then version and kind (apiserver's friendlyName). */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function names(crd: CustomResourceDefinition, version: string): { kind: string; list: string } {
  const { group, names: n } = crd.spec;
  return { kind: definitionName(group, version, n.kind), list: definitionName(group, version, n.listKind ?? `${n.kind}List`) };
}

function listSchema(crd: CustomResourceDefinition, version: string, flavor: OpenAPIFlavor): JsonObject {
  const { group, names: n } = crd.spec;
  const listKind = n.listKind ?? `${n.kind}List`;
  return {
    description: `${listKind} is a list of ${n.kind}`,
    properties: {
      items: {
        description: `List of ${n.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        items: { $ref: refPrefix(flavor) + names(crd, version).kind },
        type: 'array',
      },
      metadata: describedRef(flavor, 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', LIST_META_DESCRIPTION),
      ...typeMetaProperties(),
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
    'x-kubernetes-selectable-fields': selectableFields(versionOf(crd, version)),
  };
}

function definitions(crd: CustomResourceDefinition, version: string, flavor: OpenAPIFlavor): Record<string, JsonObject> {
  const n = names(crd, version);
  return { [n.kind]: kindSchema(crd, version, flavor), [n.list]: listSchema(crd, version, flavor) };
}

function modelRef(crd: CustomResourceDefinition, version: string, flavor: OpenAPIFlavor, m: Model): JsonObject {
  const name = 'builtin' in m ? m.builtin : names(crd, version)[m.crd];
  return { $ref: refPrefix(flavor) + name };
}

/** Recursively sorted keys: kube-openapi marshals its maps with sorted keys, and the served documents are sorted throughout. */
export function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k]!)]));
}

const byNameThenIn = <T extends { name: string; in: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : a.in > b.in ? 1 : 0;

/** Routes by path, with the (non-body) parameters every route of the path has. */
function groupByPath(routes: Route[]): Map<string, { routes: Route[]; common: Param[] }> {
  const out = new Map<string, { routes: Route[]; common: Param[] }>();
  for (const r of routes) {
    const entry = out.get(r.path) ?? { routes: [], common: [] };
    entry.routes.push(r);
    out.set(r.path, entry);
  }
  for (const entry of out.values()) {
    const [first, ...rest] = entry.routes;
    entry.common = (first?.params ?? []).filter(p => rest.every(r => r.params.some(o => o.name === p.name && o.in === p.in)));
  }
  return out;
}

const isCommon = (p: Param, common: Param[]): boolean => common.some(c => c.name === p.name && c.in === p.in);

function v2Param(p: Param): JsonObject {
  return { description: p.description, in: p.in, name: p.name, ...(p.in === 'path' ? { required: true } : {}), type: p.type, uniqueItems: true };
}

function fnv64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) h = ((h * 0x100000001b3n) & 0xffffffffffffffffn) ^ BigInt(b);
  return h;
}

/**
 * kube-openapi's shared parameter name: the name, '-', and base64url of the first 6 bytes of the
 * FNV-64 hash of the parameter's Go JSON (fields in struct order: validations, simple schema, props).
 */
function sharedName(p: JsonObject): string {
  const go: JsonObject = {};
  for (const k of ['uniqueItems', 'type', 'description', 'name', 'in', 'required', 'schema']) if (p[k] !== undefined) go[k] = p[k]!;
  const hash = Buffer.alloc(8);
  hash.writeBigUInt64BE(fnv64(JSON.stringify(go)));
  return `${String(p['name'])}-${hash.subarray(0, 6).toString('base64url')}`;
}

/** Whether deduplicateParameters shares the parameter (it keeps name, dryRun, fieldValidation and kind-specific bodies inline). */
function shareable(p: JsonObject): boolean {
  if (p['name'] === 'name' || p['name'] === 'dryRun' || p['name'] === 'fieldValidation') return false;
  const schema = p['schema'];
  if (p['in'] === 'body' && !(typeof schema === 'object' && schema !== null && !Array.isArray(schema) && String(schema['$ref']).startsWith('#/definitions/io.k8s.apimachinery'))) return false;
  return true;
}

export function buildV2(crd: CustomResourceDefinition, version: string): CRDOpenAPIv2 {
  const parameters: Record<string, JsonObject> = {};
  const share = (list: JsonObject[]): JsonObject[] => list.map(p => {
    if (!shareable(p)) return p;
    const name = sharedName(p);
    parameters[name] = p;
    return { $ref: `#/parameters/${name}` };
  });
  const paths: Record<string, JsonObject> = {};
  for (const [path, { routes, common }] of groupByPath(crdRoutes(crd, version))) {
    const item: JsonObject = {};
    for (const r of routes) {
      const params: JsonObject[] = r.params.filter(p => !isCommon(p, common)).map(v2Param);
      if (r.body) params.push({ in: 'body', name: 'body', ...(r.body.required ? { required: true } : {}), schema: modelRef(crd, version, 'v2', r.body.model) });
      params.sort((a, b) => byNameThenIn({ name: String(a['name']), in: String(a['in']) }, { name: String(b['name']), in: String(b['in']) }));
      const responses: JsonObject = { 401: { description: 'Unauthorized' } };
      for (const res of r.responses) responses[res.code] = { description: res.description, schema: modelRef(crd, version, 'v2', res.model) };
      item[r.method] = {
        consumes: r.consumes, description: r.description, operationId: r.operationId,
        ...(params.length > 0 ? { parameters: share(params) } : {}),
        produces: r.produces, responses, schemes: ['https'], tags: [r.tag],
        'x-kubernetes-action': r.action, 'x-kubernetes-group-version-kind': r.gvk,
      };
    }
    if (common.length > 0) item['parameters'] = share([...common].sort(byNameThenIn).map(v2Param));
    paths[path] = sortKeys(item) as JsonObject;
  }
  const defs = definitions(crd, version, 'v2');
  for (const k of Object.keys(defs)) defs[k] = sortKeys(defs[k]!) as JsonObject;
  for (const k of Object.keys(parameters)) parameters[k] = sortKeys(parameters[k]!) as JsonObject;
  return { paths, definitions: defs, parameters };
}

function v3Param(p: Param): JsonObject {
  return { description: p.description, in: p.in, name: p.name, ...(p.in === 'path' ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

function content(types: string[], schema: JsonObject): JsonObject {
  return Object.fromEntries(types.map(t => [t, { schema }]));
}

export function buildV3(crd: CustomResourceDefinition, version: string): CRDOpenAPIv3 {
  const paths: Record<string, JsonObject> = {};
  for (const [path, { routes, common }] of groupByPath(crdRoutes(crd, version))) {
    const item: JsonObject = {};
    for (const r of routes) {
      const params = r.params.filter(p => !isCommon(p, common)).sort(byNameThenIn).map(v3Param);
      const responses: JsonObject = { 401: { description: 'Unauthorized' } };
      for (const res of r.responses) responses[res.code] = { content: content(r.produces, modelRef(crd, version, 'v3', res.model)), description: res.description };
      item[r.method] = {
        description: r.description, operationId: r.operationId,
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(r.body ? { requestBody: { content: content(r.consumes, modelRef(crd, version, 'v3', r.body.model)), ...(r.body.required ? { required: true } : {}) } } : {}),
        responses, tags: [r.tag],
        'x-kubernetes-action': r.action, 'x-kubernetes-group-version-kind': r.gvk,
      };
    }
    if (common.length > 0) item['parameters'] = [...common].sort(byNameThenIn).map(v3Param);
    paths[path] = sortKeys(item) as JsonObject;
  }
  const schemas = definitions(crd, version, 'v3');
  for (const k of Object.keys(schemas)) schemas[k] = sortKeys(schemas[k]!) as JsonObject;
  return { paths, schemas };
}

// Writes hack/generate/upstream-1.32-schemas.json: the OpenAPI definitions of the served API that
// changed between the v1.28.7 reference data and Kubernetes 1.32, in v2 and v3 form, without
// descriptions. Input: upstream's release-1.32 api/openapi-spec/swagger.json (for example
// kubernetes-client/python v32.0.1 kubernetes/swagger.json.unprocessed, which is a copy of it).
//   node dist/hack/extract-upstream-schemas.js <swagger.json>
// Run it only to refresh that file; `make generate` reads the file, not the swagger.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { servedGroups } from './generate/catalog.js';
import { repoRoot } from './generate/repo-root.js';
import { type Json, type JsonObject, isObject, objectAt, sortKeys, writeJson } from './generate/json.js';
import { pathServed, reachableSchemas, servedSetOf } from './generate/openapi.js';
import { loadUpstream } from './generate/upstream.js';
import { toV3Schema } from './generate/v3-schema.js';


/** Drops description annotations; a property named "description" (PriorityClass has one) stays. */
function withoutDescriptions(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutDescriptions);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'description') continue;
    if (k === 'properties' && isObject(x)) {
      const props: JsonObject = {};
      for (const [name, p] of Object.entries(x)) props[name] = withoutDescriptions(p);
      out[k] = props;
    } else {
      out[k] = withoutDescriptions(x);
    }
  }
  return out;
}

function main(): void {
  const swaggerPath = process.argv[2];
  if (!swaggerPath) throw new Error('usage: extract-upstream-schemas <release-1.32 swagger.json>');
  const root = repoRoot(import.meta.url);
  const upstream = loadUpstream(resolve(root, process.env['UPSTREAM_API_DIR'] ?? '../shared/upstream-api'));
  const served = servedSetOf(servedGroups(upstream));

  const swagger = JSON.parse(readFileSync(resolve(swaggerPath), 'utf8')) as JsonObject;
  const paths: JsonObject = {};
  for (const [p, item] of Object.entries(objectAt(swagger, 'paths', 'swagger'))) if (pathServed(p, served)) paths[p] = item;
  const definitions = reachableSchemas([paths], objectAt(swagger, 'definitions', 'swagger'), '#/definitions/');

  const oldV2 = objectAt(upstream.openapiV2, 'definitions', 'reference openapi-v2');
  const oldV3: JsonObject = {};
  for (const doc of upstream.openapiV3.values()) {
    const schemas = isObject(doc['components']) ? doc['components']['schemas'] : undefined;
    if (isObject(schemas)) Object.assign(oldV3, schemas);
  }

  const v2: JsonObject = {};
  const v3: JsonObject = {};
  for (const [name, def] of Object.entries(definitions)) {
    if (!isObject(def)) continue;
    const plain = withoutDescriptions(def);
    if (isDeepStrictEqual(plain, oldV2[name])) continue;
    v2[name] = plain;
    const old = oldV3[name];
    v3[name] = toV3Schema(def, isObject(old) ? old : undefined);
  }
  const out = { source: 'kubernetes/kubernetes release-1.32 api/openapi-spec/swagger.json', v2: sortKeys(v2), v3: sortKeys(v3) };
  writeJson(join(root, 'hack', 'generate', 'upstream-1.32-schemas.json'), out, 'pretty');
  console.log(`extract: ${Object.keys(v2).length} definitions changed or added since the reference data`);
}

main();


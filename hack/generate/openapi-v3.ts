// /openapi/v3/<path> documents for the served set, keyed like upstream's discovery index
// ('api/v1', 'apis/apps/v1', 'apis/apps', 'version'...).
import { type JsonObject, clone, isObject, objectAt, sortKeys } from './json.js';
import { type ServedSet, pathServed, promotedPaths, reachableSchemas, withPromotedSchemas } from './openapi.js';
import { addPromotedGVKs, promote } from './promote.js';
import { KUBE_GIT_VERSION, promotions } from './served.js';

const schemaRef = '#/components/schemas/';

function schemasOf(doc: JsonObject, key: string): JsonObject {
  const components = doc['components'];
  if (!isObject(components)) return {};
  const schemas = components['schemas'];
  if (schemas === undefined) return {};
  if (!isObject(schemas)) throw new Error(`openapi-v3 ${key}: components.schemas is not an object`);
  return schemas;
}

/** `doc` with the given paths and the schemas of `pool` they reach. */
function withPaths(doc: JsonObject, paths: JsonObject, pool: JsonObject): JsonObject {
  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemas = reachableSchemas([paths], pool, schemaRef);
  if (Object.keys(schemas).length === 0 && components['schemas'] === undefined) return { ...doc, paths };
  return { ...doc, paths, components: { ...components, schemas } };
}

/** `schemas132`: 1.32's definitions in v3 form where they differ from the reference data. */
export function buildOpenAPIV3(upstream: Map<string, JsonObject>, served: ServedSet, schemas132: JsonObject): Map<string, JsonObject> {
  const docs = new Map<string, JsonObject>();
  for (const [key, doc] of upstream) if (pathServed(`/${key}`, served)) docs.set(key, clone(doc));

  const pools = new Map<string, JsonObject>();
  for (const p of promotions) {
    const betaKey = `apis/${p.group}/${p.from}`;
    const gaKey = `apis/${p.group}/${p.to}`;
    const beta = upstream.get(betaKey);
    if (!beta) throw new Error(`openapi-v3: no ${betaKey} document to derive ${gaKey} from`);
    const existing = docs.get(gaKey);
    const ga = existing ?? (promote({ ...beta, paths: {}, components: { ...objectAt(beta, 'components', betaKey), schemas: {} } }, p) as JsonObject);
    const paths = { ...objectAt(ga, 'paths', gaKey), ...promotedPaths(objectAt(beta, 'paths', betaKey), p, existing !== undefined) };
    docs.set(gaKey, { ...ga, paths });
    pools.set(gaKey, withPromotedSchemas(schemasOf(ga, gaKey), schemasOf(beta, betaKey), p));
  }

  const out = new Map<string, JsonObject>();
  for (const key of [...docs.keys()].sort()) {
    const doc = docs.get(key)!;
    const pool = { ...(pools.get(key) ?? schemasOf(doc, key)), ...schemas132 };
    let d = withPaths({ ...doc, info: { ...objectAt(doc, 'info', key), version: KUBE_GIT_VERSION } }, objectAt(doc, 'paths', key), pool);
    for (const p of promotions) d = addPromotedGVKs(d, p) as JsonObject;
    out.set(key, sortKeys(d) as JsonObject);
  }
  return out;
}

// /openapi/v2 for the served set: the v1.28 document without the versions 1.32 no longer serves,
// plus the GA versions derived from their betas, with 1.32's definitions where they changed.
import { type JsonObject, clone, objectAt, sortKeys } from './json.js';
import { type ServedSet, pathServed, promotedPaths, reachableSchemas, withPromotedSchemas } from './openapi.js';
import { addPromotedGVKs } from './promote.js';
import { KUBE_GIT_VERSION, promotions } from './served.js';

export function buildOpenAPIV2(upstream: JsonObject, served: ServedSet, definitions132: JsonObject): JsonObject {
  const doc = clone(upstream);
  const paths = objectAt(doc, 'paths', 'openapi-v2');
  let definitions = objectAt(doc, 'definitions', 'openapi-v2');

  const kept: JsonObject = {};
  for (const [path, item] of Object.entries(paths)) if (pathServed(path, served)) kept[path] = item;
  for (const p of promotions) {
    const gaExists = Object.keys(kept).some(path => path.startsWith(`/apis/${p.group}/${p.to}/`));
    Object.assign(kept, promotedPaths(paths, p, gaExists));
    definitions = withPromotedSchemas(definitions, definitions, p);
  }
  definitions = { ...definitions, ...definitions132 };

  let out: JsonObject = {
    ...doc,
    info: { ...objectAt(doc, 'info', 'openapi-v2'), version: KUBE_GIT_VERSION },
    paths: kept,
    definitions: reachableSchemas([kept, doc['parameters'] ?? null], definitions, '#/definitions/'),
  };
  for (const p of promotions) out = addPromotedGVKs(out, p) as JsonObject;
  return sortKeys(out) as JsonObject;
}

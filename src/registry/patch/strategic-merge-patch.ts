// application/strategic-merge-patch+json for built-in types: JSON merge patch where lists
// follow each field's patch strategy and merge key, plus the $patch, $retainKeys,
// $deleteFromPrimitiveList and $setElementOrder directives (upstream's strategicpatch package
// as the API server runs it). Errors get upstream's messages and status codes.
import { errors } from '../../api/errors.js';
import { patchSchemaFor, type PatchSchema } from '../../api/patch-meta.js';
import type { ResourceInfo } from '../../api/resource-info.js';
import { isObject, type KubeObject } from '../../api/types.js';
import { SmpError, toApiError } from './smp-errors.js';
import { mergeMap } from './smp-merge.js';

/** The JSON kind named in encoding/json's "cannot unmarshal" message. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'string' : 'object';
}

/** Applies a strategic merge patch against an explicit schema; neither input is modified. */
export function applyStrategicMergePatchWithSchema(current: unknown, patch: unknown, schema: PatchSchema): unknown {
  // upstream decodes the body into a map: `null` leaves it empty, anything else but an object fails.
  if (patch === null) return structuredClone(current);
  if (!isObject(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const original = isObject(current) ? structuredClone(current) : {};
  try {
    return mergeMap(original, structuredClone(patch), schema);
  } catch (e) {
    if (e instanceof SmpError) throw toApiError(e);
    throw e;
  }
}

/** Applies a strategic merge patch to `current` (the object as stored), returning the patched JSON. */
export function applyStrategicMergePatch(current: KubeObject, patch: unknown, info: ResourceInfo): unknown {
  return applyStrategicMergePatchWithSchema(current, patch, patchSchemaFor(info.definition));
}

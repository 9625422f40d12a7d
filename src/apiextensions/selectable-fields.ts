// Field selectors on custom resources (CRD selectableFields, GA in 1.32): which labels a version
// accepts (the CR converter's ConvertFieldLabel) and the field set an object is matched against
// (the CR strategy's GetAttrs), each selectable field found with jsonpath.
import { errors } from '../api/errors.js';
import { obj as asObj, str } from '../api/printers/read.js';
import type { FieldSelector } from '../registry/selectors/fields.js';
import { goSprint } from './go-values.js';
import { JSONPath } from './jsonpath.js';
import type { CustomResourceDefinitionVersion } from './types.js';

/** A selectable field's label: its jsonPath without the leading dot ("spec.color"). */
function labelOf(jsonPath: string): string {
  return jsonPath.startsWith('.') ? jsonPath.slice(1) : jsonPath;
}

/** The labels a version declares selectable, in declaration order. */
export function customResourceSelectableFieldNames(version: CustomResourceDefinitionVersion): string[] {
  return (version.selectableFields ?? []).map(f => labelOf(f.jsonPath));
}

interface Compiled {
  name: string;
  path?: JSONPath;
  parseError?: string;
}

const cache = new WeakMap<CustomResourceDefinitionVersion, Compiled[]>();

/** Parsed once per version object, as upstream prepares them when it builds the strategy. */
function compiled(version: CustomResourceDefinitionVersion): Compiled[] {
  let out = cache.get(version);
  if (!out) {
    out = (version.selectableFields ?? []).map(f => {
      const name = labelOf(f.jsonPath);
      try {
        return { name, path: JSONPath.parse(`{${f.jsonPath}}`, { allowMissingKeys: true }) };
      } catch (e) {
        return { name, parseError: (e as Error).message };
      }
    });
    cache.set(version, out);
  }
  return out;
}

/**
 * The fields a selector is matched against: metadata.name, metadata.namespace (namespaced
 * resources only) and each selectable field as fmt.Sprint prints its value ('' when absent or
 * null). Throws a plain Error with upstream's text when a path does not parse, fails, or finds
 * more than one value; upstream fails the request with it.
 */
export function customResourceFieldSet(
  version: CustomResourceDefinitionVersion, obj: Record<string, unknown>, namespaced = true,
): Record<string, string> {
  const meta = asObj(obj.metadata);
  // generic.MergeFieldsSets: selectable fields overwrite metadata ones (validation keeps them apart).
  const out: Record<string, string> = { 'metadata.name': str(meta.name) };
  if (namespaced) out['metadata.namespace'] = str(meta.namespace);
  for (const f of compiled(version)) {
    if (!f.path) throw new Error(`unexpected error parsing jsonPath: ${f.parseError ?? ''}`);
    let results: unknown[][];
    try {
      results = f.path.findResults(obj);
    } catch (e) {
      throw new Error(`unexpected error finding value with jsonPath: ${(e as Error).message}`);
    }
    let value: unknown = null;
    if (results.length > 0 && results[0]!.length > 0) {
      if (results.length > 1 || results[0]!.length > 1) throw new Error('unexpectedly received more than one JSON path result');
      value = results[0]![0];
    }
    out[f.name] = value === null || value === undefined ? '' : goSprint(value);
  }
  return out;
}

/**
 * Checks every term of a field selector against what the version accepts; throws 400 BadRequest
 * "field label not supported: <label>" otherwise (metadata.namespace too, when cluster-scoped).
 */
export function validateCustomResourceFieldSelector(
  version: CustomResourceDefinitionVersion, selector: FieldSelector, namespaced = true,
): FieldSelector {
  const accepted = new Set(customResourceSelectableFieldNames(version));
  accepted.add('metadata.name');
  if (namespaced) accepted.add('metadata.namespace');
  return selector.transform((field, value) => {
    if (!accepted.has(field)) throw errors.badRequest(`field label not supported: ${field}`);
    return { field, value };
  });
}

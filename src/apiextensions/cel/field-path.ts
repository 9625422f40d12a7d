// A rule's fieldPath (x-kubernetes-validations[].fieldPath): a relative JSONPath such as
// `.spec.replicas`, `.labels['app.kubernetes.io/name']` or `.items[0]`, resolved against the schema
// as upstream's ValidFieldPath does and printed the way field.Path prints it.
import { type JSONSchemaProps } from '../types.js';

export type FieldPathResult = { ok: true; path: string; schema: JSONSchemaProps } | { ok: false; error: string };

export function validFieldPath(jsonPath: string, root: JSONSchemaProps): FieldPathResult {
  let schema: JSONSchemaProps | undefined = root;
  let out = '';
  let rest = jsonPath;
  const child = (name: string): string | undefined => {
    const ap = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (ap) {
      out += `[${name}]`;
      schema = ap;
      return undefined;
    }
    const next = schema?.properties?.[name];
    if (!next) return 'does not refer to a valid field';
    out += out ? `.${name}` : name;
    schema = next;
    return undefined;
  };
  while (rest.length) {
    let m: RegExpExecArray | null;
    let err: string | undefined;
    if ((m = /^\.([^.[\]]+)/.exec(rest))) {
      err = child(m[1]!);
    } else if ((m = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest))) {
      err = child(m[1]!.replace(/\\(.)/g, '$1'));
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      if (schema?.type !== 'array' || Array.isArray(schema.items) || !schema.items) return { ok: false, error: 'does not refer to a valid field' };
      out += `[${m[1]}]`;
      schema = schema.items;
    } else if (rest.startsWith('[') || rest.startsWith('.')) {
      return { ok: false, error: 'unexpected end of JSON path' };
    } else {
      return { ok: false, error: `expected [ or . but got: ${rest[0]}` };
    }
    if (err) return { ok: false, error: err };
    rest = rest.slice(m[0].length);
  }
  return { ok: true, path: out, schema: schema! };
}

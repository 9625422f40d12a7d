// cel.ValidFieldPath: resolves a JSON path such as `.spec.foo['bar']` against a structural schema,
// as selectableFields and x-kubernetes-validations fieldPath use it.
import type { JSONSchemaProps } from '../types.js';
import { schemaOf } from './schema-walk.js';

export type FieldPathResult = { ok: true; path: string; root: string; schema: JSONSchemaProps | undefined } | { ok: false; error: string };

// The scanner splits on the delimiters . [ ] and keeps a single-quoted string as one token.
function tokens(jsonPath: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < jsonPath.length) {
    if (jsonPath[i] === "'") {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === "'" && jsonPath[j - 1] !== '\\')) j++;
      out.push(jsonPath.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if ('.[]'.includes(jsonPath[i] ?? '')) {
      out.push(jsonPath[i] ?? '');
      i++;
      continue;
    }
    let j = i;
    while (j < jsonPath.length && !'.[]'.includes(jsonPath[j] ?? '')) j++;
    out.push(jsonPath.slice(i, j));
    i = j;
  }
  return out;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '\\': '\\' };

function unescapeSingleQuote(s: string): string | { error: string } {
  let bad: string | undefined;
  const out = s.replace(/\\./g, m => {
    const r = ESCAPES[m[1] ?? ''];
    if (r === undefined) bad ??= m;
    return r ?? '';
  });
  return bad === undefined ? out : { error: `invalid escape char ${bad}` };
}

export function validFieldPath(jsonPath: string, root: JSONSchemaProps, allowArrayNotation = true): FieldPathResult {
  const toks = tokens(jsonPath);
  let schema: JSONSchemaProps | undefined = root;
  let p = '';
  let first = '';
  const fail = (error: string): FieldPathResult => ({ ok: false, error });
  const step = (name: string): string | undefined => {
    const s: JSONSchemaProps | undefined = schema;
    if (s?.properties !== undefined && s.properties !== null) {
      const next: JSONSchemaProps | undefined = s.properties[name];
      if (next === undefined) return 'does not refer to a valid field';
      p = p === '' ? name : `${p}.${name}`;
      schema = next;
    } else if (s?.additionalProperties !== undefined && s.additionalProperties !== null) {
      p = `${p}[${name}]`;
      schema = schemaOf(s.additionalProperties);
    } else {
      return 'does not refer to a valid field';
    }
    if (first === '') first = p;
    return undefined;
  };
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i] ?? '';
    if (tok === '[') {
      if (!allowArrayNotation) return fail('array notation is not allowed');
      const quoted = toks[++i];
      if (quoted === undefined) return fail('unexpected end of JSON path');
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) return fail(`expected single quoted string but got ${quoted}`);
      const name = unescapeSingleQuote(quoted.slice(1, -1));
      if (typeof name !== 'string') return fail(`invalid string literal: ${name.error}`);
      const err = step(name);
      if (err) return fail(err);
      const close = toks[++i];
      if (close === undefined) return fail('unexpected end of JSON path');
      if (close !== ']') return fail(`expected ] but got ${close}`);
    } else if (tok === '.') {
      const name = toks[++i];
      if (name === undefined) return fail('unexpected end of JSON path');
      const err = step(name);
      if (err) return fail(err);
    } else {
      return fail(`expected [ or . but got: ${tok}`);
    }
  }
  return { ok: true, path: p, root: first.split(/[.[]/)[0] ?? '', schema };
}

// Field selectors: the `fieldSelector=` grammar of k8s.io/apimachinery/pkg/fields (=, ==, != and
// comma for AND; backslash escapes `\`, `,` and `=` in values), with upstream's error messages.
import { errors } from '../../api/errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** '==' is read as '='. */
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Rewrites one term (upstream's TransformFunc); an empty field drops the term. */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

export interface FieldSelector {
  /** Sorted as upstream sorts the raw terms. */
  readonly requirements: readonly FieldRequirement[];
  /** A field missing from `fields` reads as ''. */
  matches(fields: Record<string, string>): boolean;
  isEmpty(): boolean;
  toString(): string;
  /** The value a term `field=value` pins the field to, if any (for index lookups). */
  requiresExactMatch(field: string): string | undefined;
  transform(fn: FieldTransform): FieldSelector;
}

/** Upstream's EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, c => `\\${c}`);
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point number.
      throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not backslash-escaped; the escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator occurrence splits the term; '!=' and '==' are tried before '='. */
function splitTerm(term: string): { lhs: string; op: '=' | '!='; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op: op === '!=' ? '!=' : '=', rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function selectorOf(requirements: FieldRequirement[]): FieldSelector {
  const reqs = requirements.filter(r => r.field !== '');
  return {
    requirements: reqs,
    matches: fields => reqs.every(r => ((fields[r.field] ?? '') === r.value) === (r.op === '=')),
    isEmpty: () => reqs.length === 0,
    toString: () => reqs.map(r => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(','),
    requiresExactMatch: field => reqs.find(r => r.field === field && r.op === '=')?.value,
    transform: fn => selectorOf(reqs.map(r => ({ ...fn(r.field, r.value), op: r.op }))),
  };
}

/** Parses a `fieldSelector=` value; a malformed one is a 400 BadRequest. */
export function parseFieldSelector(s: string): FieldSelector {
  const terms = splitTerms(s).sort(byteOrder);
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    requirements.push({ field: parts.lhs, op: parts.op, value: unescapeValue(parts.rhs) });
  }
  return selectorOf(requirements);
}

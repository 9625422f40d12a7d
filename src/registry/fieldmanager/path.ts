// Field paths as structured-merge-diff spells them: a path is a list of elements, each a struct
// field or map key, an associative-list key, a set-list value, or a list index.
import type { JsonValue } from '../../api/types.js';

export type PathElement =
  | { readonly field: string }
  | { readonly key: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type Path = readonly PathElement[];

/** The element's FieldsV1 key ("f:name", "k:{...}", "v:...", "i:0"); also its identity. */
export function peKey(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${JSON.stringify(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a FieldsV1 key; undefined when it is not one. */
export function parsePeKey(s: string): PathElement | undefined {
  const body = s.slice(2);
  try {
    switch (s.slice(0, 2)) {
      case 'f:': return { field: body };
      case 'v:': return { value: JSON.parse(body) as JsonValue };
      case 'i:': return /^\d+$/.test(body) ? { index: Number(body) } : undefined;
      case 'k:': {
        const obj = JSON.parse(body) as unknown;
        if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
        const fields = Object.entries(obj as Record<string, JsonValue>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return { key: fields };
      }
      default: return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Go's %q for the strings SMD prints in paths (JSON escaping is close enough for the ASCII kept in keys). */
function valueString(v: JsonValue): string {
  return JSON.stringify(v);
}

/** upstream's Path.String(): ".spec.containers[name=\"nginx\"].image". */
export function pathString(path: Path): string {
  return path.map(pe => {
    if ('field' in pe) return `.${pe.field}`;
    if ('key' in pe) return `[${pe.key.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    if ('value' in pe) return `[=${valueString(pe.value)}]`;
    return `[${pe.index}]`;
  }).join('');
}

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (v === null) return 3;
  return Array.isArray(v) ? 4 : 5;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A total order over values (SMD's value.Compare, simplified to what keys hold). */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

function kindRank(pe: PathElement): number {
  return 'field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3;
}

/** SMD's PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePe(a: PathElement, b: PathElement): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  if ('field' in a && 'field' in b) return compareStrings(a.field, b.field);
  if ('key' in a && 'key' in b) {
    for (let i = 0; ; i++) {
      if (i >= a.key.length && i >= b.key.length) return 0;
      if (i >= a.key.length) return -1;
      if (i >= b.key.length) return 1;
      const c = compareStrings(a.key[i]![0], b.key[i]![0]) || compareValues(a.key[i]![1], b.key[i]![1]);
      if (c !== 0) return c;
    }
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index - b.index;
  return 0;
}

// What Go's encoding/json does with the JSON that upstream keeps inside annotation values: the
// exact text json.Marshal writes, and the checks json.Unmarshal makes while reading it back into
// a typed struct (field names matched case-insensitively, a type mismatch fails the whole value).
import { canonicalTime } from '../decode/go-time.js';
import { parseQuantity } from '../decode/quantity.js';
import { isObj, type Obj } from './json-fields.js';

/** json.Unmarshal would return an error for the value being read. */
export class GoDecodeError extends Error {}

/** json.Marshal's text: compact, with <, >, & and U+2028/U+2029 escaped (Go's HTML-safe default). */
export function goMarshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses annotation text as JSON; undefined when json.Unmarshal would reject its syntax. */
export function parseGoJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * The value Go decodes into struct field `name`: keys match it exactly or case-insensitively,
 * and the last matching key in the object wins (Go sets the field once per key, in order).
 */
export function goField(o: Obj, name: string): unknown {
  const folded = name.toLowerCase();
  let found: unknown;
  for (const key of Object.keys(o)) {
    if (key === name || key.toLowerCase() === folded) found = o[key];
  }
  return found;
}

/** An object-typed field (struct or pointer to struct); undefined for absent or null. */
export function readObj(v: unknown): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new GoDecodeError('expected an object');
  return v;
}

/** A slice field; undefined for absent or null (a nil slice). */
export function readArray(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new GoDecodeError('expected an array');
  return v;
}

/** A slice whose entries each decode with `entry`; null is Go's nil slice. */
export function readList<T>(v: unknown, entry: (e: unknown) => T): T[] {
  return (readArray(v) ?? []).map(entry);
}

export function readString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new GoDecodeError('expected a string');
  return v;
}

export function readInt32(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new GoDecodeError('expected an int32');
  return v;
}

/** A resource.Quantity in canonical form; Quantity.UnmarshalJSON takes strings and bare numbers. */
export function readQuantity(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw new GoDecodeError('expected a quantity');
  try {
    return parseQuantity(String(v).trim()).text;
  } catch {
    throw new GoDecodeError('invalid quantity');
  }
}

/** A metav1.Time as upstream re-encodes it (RFC 3339, seconds). */
export function readTime(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new GoDecodeError('expected a time string');
  try {
    return canonicalTime(v, false);
  } catch {
    throw new GoDecodeError('invalid time');
  }
}

/** A quantity already held by a decoded object, in the canonical text Go would marshal. */
export function canonicalQuantity(v: unknown): string {
  if (typeof v !== 'string') return '0';
  try {
    return parseQuantity(v).text;
  } catch {
    return v;
  }
}

/** A metav1.LabelSelector read strictly, in the shape (and field order) Go writes it. */
export function readLabelSelector(v: unknown): Obj | undefined {
  const sel = readObj(v);
  if (sel === undefined) return undefined;
  const labels = readObj(goField(sel, 'matchLabels'));
  const exprs = readArray(goField(sel, 'matchExpressions'));
  const out: Obj = {};
  if (labels !== undefined) {
    const copy: Record<string, string> = {};
    for (const [k, val] of Object.entries(labels)) copy[k] = readString(val) ?? '';
    if (Object.keys(copy).length > 0) out['matchLabels'] = copy;
  }
  if (exprs !== undefined && exprs.length > 0) {
    out['matchExpressions'] = exprs.map(e => {
      const req = readObj(e) ?? {};
      const values = readArray(goField(req, 'values'))?.map(x => readString(x) ?? '');
      return {
        key: readString(goField(req, 'key')) ?? '',
        operator: readString(goField(req, 'operator')) ?? '',
        ...(values !== undefined && values.length > 0 ? { values } : {}),
      };
    });
  }
  return out;
}

/** A decoded object's label selector in the field order and form json.Marshal writes it. */
export function goLabelSelector(sel: Obj): Obj {
  const out: Obj = {};
  const labels = sel['matchLabels'];
  if (isObj(labels) && Object.keys(labels).length > 0) {
    // Go writes map keys sorted.
    out['matchLabels'] = Object.fromEntries(Object.keys(labels).sort().map(k => [k, labels[k]]));
  }
  const exprs = sel['matchExpressions'];
  if (Array.isArray(exprs) && exprs.length > 0) {
    out['matchExpressions'] = exprs.map(e => {
      const req = isObj(e) ? e : {};
      const values = req['values'];
      return {
        key: typeof req['key'] === 'string' ? req['key'] : '',
        operator: typeof req['operator'] === 'string' ? req['operator'] : '',
        ...(Array.isArray(values) && values.length > 0 ? { values } : {}),
      };
    });
  }
  return out;
}

// How Go sees the values of a decoded custom resource (unstructured JSON: map[string]interface{},
// []interface{}, string, int64, float64, bool, nil): their reflect kinds, fmt.Sprint and
// json.Marshal text, and text/template's comparisons, which client-go's jsonpath builds on.
import { goMarshal } from '../api/conversion/go-json.js';

/** A float literal of a jsonpath filter: JavaScript cannot tell 2.0 from 2, Go can. */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** One byte of a string, as Go yields when ranging over a string's reflect.Value (uint8). */
export class GoByte {
  constructor(readonly value: number) {}
}

export type Kind = 'map' | 'slice' | 'string' | 'int' | 'uint' | 'float' | 'bool' | 'nil';

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat) && !(v instanceof GoByte);
}

/** Integral JSON numbers decode to int64, the others to float64. */
export function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof GoFloat) return 'float';
  if (v instanceof GoByte) return 'uint';
  return Array.isArray(v) ? 'slice' : 'map';
}

const TYPE_NAMES: Record<Kind, string> = {
  map: 'map[string]interface {}', slice: '[]interface {}', string: 'string', int: 'int64', uint: 'uint8',
  float: 'float64', bool: 'bool', nil: '<nil>',
};

/** reflect.Type's String(), for error messages. */
export function goTypeName(v: unknown): string {
  return TYPE_NAMES[kindOf(v)];
}

/** The children Go's reflection walks: map values, slice items, a string's bytes. */
export function children(v: unknown): unknown[] {
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')].map(b => new GoByte(b));
  if (Array.isArray(v)) return v;
  return isMap(v) ? Object.values(v) : [];
}

/** fmt's %v of a float64 (shortest 'g'): exponent form below 1e-4 and from 1e6, as in "1e+06". */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(f);
}

function numberValue(v: unknown): number {
  return v instanceof GoFloat || v instanceof GoByte ? v.value : (v as number);
}

/** fmt.Sprint of one value: maps as map[k:v] with sorted keys, slices as [a b], nil as <nil>. */
export function goSprint(v: unknown): string {
  switch (kindOf(v)) {
    case 'nil':
      return '<nil>';
    case 'string':
      return v as string;
    case 'bool':
      return String(v);
    case 'int':
    case 'uint':
      return String(numberValue(v));
    case 'float':
      return formatGoFloat(numberValue(v));
    case 'slice':
      return `[${(v as unknown[]).map(goSprint).join(' ')}]`;
    case 'map': {
      const m = v as Record<string, unknown>;
      return `map[${Object.keys(m).sort().map(k => `${k}:${goSprint(m[k])}`).join(' ')}]`;
    }
  }
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v instanceof GoFloat || v instanceof GoByte) return v.value;
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}

/** json.Marshal of an unstructured value: map keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  return goMarshal(sortedKeys(v));
}

/** text/template's errors, which jsonpath filters return as they are. */
export const BAD_TYPE = 'invalid type for comparison';
const INCOMPATIBLE = 'incompatible types for comparison';

type Basic = { kind: 'bool' | 'int' | 'uint' | 'float' | 'string'; value: number | string | boolean };

function basic(v: unknown): Basic {
  const kind = kindOf(v);
  if (kind === 'map' || kind === 'slice' || kind === 'nil') throw new Error(BAD_TYPE);
  return { kind, value: kind === 'string' || kind === 'bool' ? (v as string | boolean) : numberValue(v) };
}

/** template.Equal: same basic kind (int and uint compare across), else an error. */
export function goEqual(a: unknown, b: unknown): boolean {
  const x = basic(a);
  const y = basic(b);
  if (x.kind !== y.kind && !isIntegers(x, y)) throw new Error(INCOMPATIBLE);
  return x.value === y.value;
}

function isIntegers(x: Basic, y: Basic): boolean {
  return (x.kind === 'int' && y.kind === 'uint') || (x.kind === 'uint' && y.kind === 'int');
}

/** template.Less: booleans do not order. */
export function goLess(a: unknown, b: unknown): boolean {
  const x = basic(a);
  const y = basic(b);
  if (x.kind !== y.kind && !isIntegers(x, y)) throw new Error(INCOMPATIBLE);
  if (x.kind === 'bool') throw new Error(BAD_TYPE);
  return x.value < y.value;
}

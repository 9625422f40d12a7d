// How Go's fmt prints the interface{} values of an unstructured object in field errors:
// ErrorBody uses %v for int64/float64/bool, %q for strings and %#v for maps and slices.
import { GoText } from '../../api/validation/field.js';

/** Go's %v of a float64 or int64: shortest digits, exponent form outside [1e-4, 1e21). */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mant, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

/** Go's %#v of an unstructured value (map keys sorted, as fmt sorts them). */
export function goSharp(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharp).join(', ')}}`;
  const o = v as Record<string, unknown>;
  return `map[string]interface {}{${Object.keys(o).sort().map(k => `${JSON.stringify(k)}:${goSharp(o[k])}`).join(', ')}}`;
}

/** A bad value as ErrorBody prints it, ready for the fe.* builders. */
export function goBadValue(v: unknown): unknown {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return new GoText(goNumber(v));
  return new GoText(goSharp(v));
}

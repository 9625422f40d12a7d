// Resource lists as quota arithmetic sees them (upstream's k8s.io/apiserver/pkg/quota/v1
// resources.go): exact quantities keyed by resource name, added, subtracted, masked and compared.
import { canonical, compareQuantity, parseQuantity, type Quantity } from '../../api/decode/quantity.js';

export type ResourceList = Record<string, Quantity>;

const ZERO: Quantity = { mantissa: 0n, scale: 0, format: 'DecimalSI', text: '0' };

/** A whole number as a DecimalSI quantity (resource.NewQuantity(n, DecimalSI)). */
export function count(n: number): Quantity {
  return n === 0 ? ZERO : { mantissa: BigInt(n), scale: 0, format: 'DecimalSI', text: String(n) };
}

function combine(a: Quantity, b: Quantity, sign: 1n | -1n): Quantity {
  const scale = Math.max(a.scale, b.scale);
  const mantissa = a.mantissa * 10n ** BigInt(scale - a.scale) + sign * b.mantissa * 10n ** BigInt(scale - b.scale);
  // Quantity.Add/Sub keep the receiver's format, except that a zero receiver takes the other's.
  const format = a.mantissa === 0n ? b.format : a.format;
  return { mantissa, scale, format, text: canonical(mantissa, scale, format) };
}

export const addQuantity = (a: Quantity, b: Quantity): Quantity => combine(a, b, 1n);
export const subtractQuantity = (a: Quantity, b: Quantity): Quantity => combine(a, b, -1n);
export const isZero = (q: Quantity): boolean => q.mantissa === 0n;

/** Quantity.RoundUp(0): a fractional value rounds up to the next whole number. */
export function roundUpToWhole(q: Quantity): Quantity {
  if (q.scale <= 0) return q;
  const div = 10n ** BigInt(q.scale);
  if (q.mantissa % div === 0n) return q;
  const whole = q.mantissa / div + (q.mantissa > 0n ? 1n : 0n);
  return { mantissa: whole, scale: 0, format: q.format, text: canonical(whole, 0, q.format) };
}

/**
 * A ResourceList from its JSON form. Values that do not parse are left out: validation refuses
 * them before quota sees the object, and a stored quota holds only valid quantities.
 */
export function parseList(input: unknown): ResourceList {
  const out: ResourceList = {};
  if (typeof input !== 'object' || input === null) return out;
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    try {
      out[k] = parseQuantity(String(v));
    } catch {
      // see above
    }
  }
  return out;
}

/** The JSON form of a ResourceList. */
export function listToJson(list: ResourceList): Record<string, string> {
  return Object.fromEntries(Object.entries(list).map(([k, q]) => [k, q.text]));
}

export const names = (list: ResourceList): string[] => Object.keys(list);

export function equals(a: ResourceList, b: ResourceList): boolean {
  const keys = names(a);
  if (keys.length !== names(b).length) return false;
  return keys.every(k => b[k] !== undefined && compareQuantity(a[k]!, b[k]!) === 0);
}

export function add(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, q] of Object.entries(a)) out[k] = b[k] ? addQuantity(q, b[k]) : q;
  for (const [k, q] of Object.entries(b)) if (!(k in out)) out[k] = q;
  return out;
}

/** a - b per resource, never below zero; names only in b come out as zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, q] of Object.entries(a)) {
    const diff = b[k] ? subtractQuantity(q, b[k]) : q;
    out[k] = diff.mantissa > 0n ? diff : ZERO;
  }
  for (const k of names(b)) if (!(k in out)) out[k] = ZERO;
  return out;
}

/** Sets the larger value per resource (upstream's maxResourceList, in place). */
export function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, q] of Object.entries(other)) {
    const have = into[k];
    if (!have || compareQuantity(q, have) > 0) into[k] = q;
  }
}

export function mask(list: ResourceList, keep: Iterable<string>): ResourceList {
  const set = new Set(keep);
  return Object.fromEntries(Object.entries(list).filter(([k]) => set.has(k)));
}

/** Whether every resource of b that a also has is within b; the names that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { allowed: boolean; exceeded: string[] } {
  const exceeded = Object.entries(b).filter(([k, limit]) => a[k] !== undefined && compareQuantity(a[k], limit) > 0).map(([k]) => k);
  return { allowed: exceeded.length === 0, exceeded };
}

export const isNegative = (list: ResourceList): string[] => Object.entries(list).filter(([, q]) => q.mantissa < 0n).map(([k]) => k);

export const removeZeros = (list: ResourceList): ResourceList => Object.fromEntries(Object.entries(list).filter(([, q]) => !isZero(q)));

/** Sorted, de-duplicated intersection (quota.Intersection). */
export function intersection(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return [...new Set(a.filter(x => other.has(x)))].sort();
}

/** "a=1,b=2m", sorted by name, as upstream's error messages print a ResourceList. */
export function prettyPrint(list: ResourceList): string {
  return Object.keys(list).sort().map(k => `${k}=${list[k]!.text}`).join(',');
}

export const prettyPrintNames = (items: string[]): string => [...items].sort().join(',');

// Tolerant readers for untyped object JSON: a missing or mistyped field reads as Go's zero value,
// which is what upstream's typed structs would hold.
import { isObject } from '../types.js';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return isObject(v) ? v : {};
}

export function optObj(v: unknown): Obj | undefined {
  return isObject(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function objs(v: unknown): Obj[] {
  return arr(v).map(obj);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

export function optInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

export function bool(v: unknown): boolean {
  return v === true;
}

export function optBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

export function count(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  return isObject(v) ? Object.keys(v).length : 0;
}

/** Go's sort.Strings order (bytewise for the ASCII these fields hold). */
export function sortStrings(xs: string[]): string[] {
  return xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

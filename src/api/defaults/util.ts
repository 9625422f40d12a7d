// Small accessors for defaulting plain JSON objects in place.
import { roundUpToMilli } from '../decode/quantity.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at parent[key], created empty when missing. */
export function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

/** The object at parent[key] when there is one. */
export function opt(parent: Obj | undefined, key: string): Obj | undefined {
  const v = parent?.[key];
  return isObj(v) ? v : undefined;
}

/** The objects of the list at parent[key]. */
export function items(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Sets parent[key] = value when the field is unset (undefined, null or ''). */
export function def(parent: Obj, key: string, value: unknown): void {
  const v = parent[key];
  if (v === undefined || v === null || v === '') parent[key] = value;
}

/** SetDefaults_ResourceList: quantities round up to milli precision. */
export function roundResourceList(list: Obj | undefined): void {
  if (!list) return;
  for (const [k, v] of Object.entries(list)) if (typeof v === 'string') list[k] = roundUpToMilli(v);
}

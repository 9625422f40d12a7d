// Small readers for plain JSON objects, shared by the converters.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `v`, or an empty one (Go's zero struct) when it is absent or not an object. */
export function objOf(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** The objects of the list at `v`; other entries read as empty objects, as Go's zero values. */
export function objsOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(objOf) : [];
}

/** True for JSON values Go reads as a nil pointer or an unset field. */
export function isUnset(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

/** Copies `from[key]` to `to[toKey]` when it is set. */
export function copySet(to: Obj, toKey: string, from: Obj, key: string = toKey): void {
  const v = from[key];
  if (!isUnset(v)) to[toKey] = v;
}

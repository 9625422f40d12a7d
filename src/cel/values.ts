// Runtime values of the project's CEL evaluator: JS primitives for the scalar types (int is
// bigint, double is number), arrays for lists, CelMapV for maps and schema objects, and small
// classes for the rest. Errors are thrown as CelEvalError; the evaluator turns them into values
// where CEL's commutative && and || need that.

export class Uint {
  constructor(readonly v: bigint) {}
}

export class TypeV {
  constructor(readonly name: string) {}
}

export class Timestamp {
  /** Nanoseconds since the Unix epoch. */
  constructor(readonly nanos: bigint) {}
}

export class Duration {
  constructor(readonly nanos: bigint) {}
}

export class OptionalV {
  constructor(readonly value: Value | undefined) {}
}

/** A value of a library type (URL, IP, CIDR, Quantity, named format). */
export abstract class OpaqueV {
  abstract readonly typeName: string;
  abstract equals(other: OpaqueV): boolean;
}

export type MapKey = string | bigint | boolean;

/** A CEL map; objectName is set for schema objects so type() and messages can tell them apart. */
export class CelMapV {
  constructor(readonly entries: Map<MapKey, Value>, readonly objectName?: string) {}
}

export type Value =
  | null | boolean | bigint | number | string | Uint8Array | Uint | Value[] | CelMapV
  | TypeV | Timestamp | Duration | OptionalV | OpaqueV;

export class CelEvalError extends Error {}

/** Thrown when the runtime cost limit is crossed; never absorbed by && or ||. */
export class CostLimitError extends Error {
  constructor() {
    super('operation cancelled: actual cost limit exceeded');
  }
}

export const evalError = (msg: string): CelEvalError => new CelEvalError(msg);

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
export const UINT64_MAX = (1n << 64n) - 1n;

export function checkInt(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw evalError('integer overflow');
  return v;
}

export function checkUint(v: bigint): Uint {
  if (v > UINT64_MAX || v < 0n) throw evalError('unsigned integer overflow');
  return new Uint(v);
}

/** The runtime type name, as type() and "no such overload" messages show it. */
export function typeOfValue(v: Value): string {
  if (v === null) return 'null_type';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'double';
    case 'string': return 'string';
  }
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Uint) return 'uint';
  if (Array.isArray(v)) return 'list';
  if (v instanceof CelMapV) return v.objectName ?? 'map';
  if (v instanceof TypeV) return 'type';
  if (v instanceof Timestamp) return 'google.protobuf.Timestamp';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (v instanceof OptionalV) return 'optional_type';
  return v.typeName;
}

/** Size as cel-go's sizers report it: runes of a string, bytes, items, entries. */
export function sizeOf(v: Value): number {
  if (typeof v === 'string') return [...v].length;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof CelMapV) return v.entries.size;
  return 1;
}

function numeric(v: Value): number | bigint | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof Uint) return v.v;
  return undefined;
}

/** Compares numbers of any of CEL's three numeric types exactly; NaN compares as undefined. */
export function compareNumeric(a: number | bigint, b: number | bigint): number | undefined {
  if (typeof a === 'number' && Number.isNaN(a)) return undefined;
  if (typeof b === 'number' && Number.isNaN(b)) return undefined;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed int and double: compare without losing precision on large ints.
  const [x, y, flip] = typeof a === 'number' ? [a, b as bigint, -1] : [b as number, a, 1];
  if (!Number.isFinite(x)) return x > 0 ? -flip : flip;
  const fx = BigInt(Math.floor(x));
  if (y < fx) return -flip;
  if (y > fx) return flip;
  return x === Math.floor(x) ? 0 : -flip;
}

/** CEL's heterogeneous equality. */
export function celEquals(a: Value, b: Value): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumeric(na, nb) === 0;
  if (a === null || b === null) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]!));
  if (a instanceof CelMapV && b instanceof CelMapV) {
    if (a.entries.size !== b.entries.size) return false;
    for (const [k, v] of a.entries) {
      if (!b.entries.has(k) || !celEquals(v, b.entries.get(k)!)) return false;
    }
    return true;
  }
  if (a instanceof TypeV && b instanceof TypeV) return a.name === b.name;
  if ((a instanceof Timestamp && b instanceof Timestamp) || (a instanceof Duration && b instanceof Duration)) return a.nanos === b.nanos;
  if (a instanceof OptionalV && b instanceof OptionalV) {
    if (a.value === undefined || b.value === undefined) return a.value === b.value;
    return celEquals(a.value, b.value);
  }
  if (a instanceof OpaqueV && b instanceof OpaqueV) return a.typeName === b.typeName && a.equals(b);
  return false;
}

/** A map key for a runtime value; doubles and uints that are whole numbers key as ints. */
export function toMapKey(v: Value): MapKey {
  if (typeof v === 'string' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (v instanceof Uint) return v.v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw evalError(`unsupported key type: ${typeOfValue(v)}`);
}

/** Converts plain JSON into CEL values without a schema: whole numbers become ints. */
export function fromJson(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (v instanceof Map) return new CelMapV(new Map([...v].map(([k, x]) => [k as MapKey, fromJson(x)])));
  if (typeof v === 'object') return new CelMapV(new Map(Object.entries(v as object).map(([k, x]) => [k, fromJson(x)])));
  throw evalError(`unsupported value: ${String(v)}`);
}

/** Converts a CEL value back to plain JS for callers (ints as numbers when safe). */
export function toJs(v: Value): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v instanceof Uint) return toJs(v.v);
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof CelMapV) return Object.fromEntries([...v.entries].map(([k, x]) => [String(k), toJs(x)]));
  if (v instanceof OptionalV) return v.value === undefined ? undefined : toJs(v.value);
  return v;
}

// cel-go's optional types, as far as functions reach them: optional.of, optional.none,
// optional.ofNonZeroValue and the hasValue/value/orValue/or accessors, optional selection and
// indexing (`x.?f`, `x[?i]`, rewritten for the parser by optional-syntax.ts) and plain selection
// and indexing on optionals, which stay optional.
import { fn, method, type Overload } from '../functions.js';
import { T, optionalOf } from '../types.js';
import { CelMapV, OptionalV, Uint, evalError, toMapKey, typeOfValue, type Value } from '../values.js';

const optA = optionalOf(T.A);
const opt = (v: Value) => v as OptionalV;

function isZero(v: Value): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof CelMapV) return v.entries.size === 0;
  return false;
}

const listA = T.list(T.A);
const mapAB = T.map(T.A, T.B);
const optB = optionalOf(T.B);
const none = new OptionalV(undefined);

/** x.?f: the field of a map (or of an optional's value) as an optional, none when absent. */
export function optionalSelect(x: Value, field: string): OptionalV {
  const inner = x instanceof OptionalV ? x.value : x;
  if (inner === undefined) return none;
  if (!(inner instanceof CelMapV)) throw evalError(`type '${typeOfValue(inner)}' does not support field selection`);
  return inner.entries.has(field) ? new OptionalV(inner.entries.get(field)!) : none;
}

/** x[?i]: an element or entry as an optional, none when out of range or absent. */
function optionalIndex(x: Value, key: Value): OptionalV {
  const inner = x instanceof OptionalV ? x.value : x;
  if (inner === undefined) return none;
  if (Array.isArray(inner)) {
    const n = typeof key === 'bigint' ? key : key instanceof Uint ? key.v : undefined;
    if (n === undefined) throw evalError('unsupported index type');
    return n >= 0n && n < BigInt(inner.length) ? new OptionalV(inner[Number(n)]!) : none;
  }
  if (inner instanceof CelMapV) {
    const k = toMapKey(key);
    return inner.entries.has(k) ? new OptionalV(inner.entries.get(k)!) : none;
  }
  throw evalError(`no such overload: ${typeOfValue(inner)}[?${typeOfValue(key)}]`);
}

const indexing = (name: string): Overload[] => [
  fn(name, [optionalOf(listA), T.int], optA, a => optionalIndex(a[0]!, a[1]!)),
  fn(name, [optionalOf(mapAB), T.A], optB, a => optionalIndex(a[0]!, a[1]!)),
];

export const optionalLibrary: Overload[] = [
  fn('_[?_]', [listA, T.int], optA, a => optionalIndex(a[0]!, a[1]!)),
  fn('_[?_]', [mapAB, T.A], optB, a => optionalIndex(a[0]!, a[1]!)),
  ...indexing('_[?_]'),
  ...indexing('_[_]'),
  fn('optional.of', [T.A], optA, a => new OptionalV(a[0]!)),
  fn('optional.none', [], optA, () => new OptionalV(undefined)),
  fn('optional.ofNonZeroValue', [T.A], optA, a => new OptionalV(isZero(a[0]!) ? undefined : a[0]!)),
  method('hasValue', [optA], T.bool, a => opt(a[0]!).value !== undefined),
  method('value', [optA], T.A, a => {
    const v = opt(a[0]!).value;
    if (v === undefined) throw evalError('optional.none() dereference');
    return v;
  }),
  method('orValue', [optA, T.A], T.A, a => opt(a[0]!).value ?? a[1]!),
  method('or', [optA, optA], optA, a => (opt(a[0]!).value !== undefined ? a[0]! : a[1]!)),
];

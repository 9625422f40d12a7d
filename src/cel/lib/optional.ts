// cel-go's optional types, as far as functions reach them: optional.of, optional.none,
// optional.ofNonZeroValue and the hasValue/value/orValue/or accessors. The @bufbuild/cel parser
// has no `?.` / `[?` syntax, so optional field selection is not available.
import { fn, method, type Overload } from '../functions.js';
import { T, optionalOf } from '../types.js';
import { CelMapV, OptionalV, evalError, type Value } from '../values.js';

const optA = optionalOf(T.A);
const opt = (v: Value) => v as OptionalV;

function isZero(v: Value): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof CelMapV) return v.entries.size === 0;
  return false;
}

export const optionalLibrary: Overload[] = [
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

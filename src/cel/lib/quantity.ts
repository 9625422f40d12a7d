// Kubernetes' quantity library (library/quantity.go) over the project's exact resource.Quantity.
import { compareQuantity, isIntegral, parseQuantity, type Quantity } from '../../api/decode/quantity.js';
import { fn, linear, method, type Overload } from '../functions.js';
import { QUANTITY_T, T } from '../types.js';
import { INT64_MAX, INT64_MIN, OpaqueV, evalError, type Value } from '../values.js';

export class QuantityV extends OpaqueV {
  readonly typeName = 'kubernetes.Quantity';
  constructor(readonly q: Quantity) {
    super();
  }
  equals(other: OpaqueV): boolean {
    return other instanceof QuantityV && compareQuantity(this.q, other.q) === 0;
  }
}

function toQuantity(text: string): QuantityV {
  try {
    return new QuantityV(parseQuantity(text));
  } catch (e) {
    throw evalError((e as Error).message);
  }
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** Sums at the finer of the two scales, so the result stays exact. */
function plus(a: Quantity, b: Quantity, sign: 1n | -1n): QuantityV {
  const scale = Math.max(a.scale, b.scale);
  const mantissa = a.mantissa * pow10(scale - a.scale) + sign * b.mantissa * pow10(scale - b.scale);
  return new QuantityV({ mantissa, scale, format: a.format, text: '' });
}

const intQuantity = (v: bigint): Quantity => ({ mantissa: v, scale: 0, format: 'DecimalSI', text: String(v) });
const q = (v: Value) => (v as QuantityV).q;

function asInteger(x: Quantity): bigint {
  if (!isIntegral(x)) throw evalError('cannot convert value to integer');
  const v = x.scale >= 0 ? x.mantissa / pow10(x.scale) : x.mantissa * pow10(-x.scale);
  if (v > INT64_MAX || v < INT64_MIN) throw evalError('cannot convert value to integer');
  return v;
}

function fitsInt(x: Quantity): boolean {
  try {
    asInteger(x);
    return true;
  } catch {
    return false;
  }
}

export const quantityLibrary: Overload[] = [
  fn('quantity', [T.string], QUANTITY_T, a => toQuantity(a[0] as string), linear(0)),
  fn('isQuantity', [T.string], T.bool, a => {
    try {
      parseQuantity(a[0] as string);
      return true;
    } catch {
      return false;
    }
  }, linear(0)),
  method('sign', [QUANTITY_T], T.int, a => BigInt(Math.sign(Number(q(a[0]!).mantissa)))),
  method('isInteger', [QUANTITY_T], T.bool, a => fitsInt(q(a[0]!))),
  method('asInteger', [QUANTITY_T], T.int, a => asInteger(q(a[0]!))),
  method('asApproximateFloat', [QUANTITY_T], T.double, a => Number(q(a[0]!).mantissa) / 10 ** q(a[0]!).scale),
  method('add', [QUANTITY_T, QUANTITY_T], QUANTITY_T, a => plus(q(a[0]!), q(a[1]!), 1n)),
  method('add', [QUANTITY_T, T.int], QUANTITY_T, a => plus(q(a[0]!), intQuantity(a[1] as bigint), 1n)),
  method('sub', [QUANTITY_T, QUANTITY_T], QUANTITY_T, a => plus(q(a[0]!), q(a[1]!), -1n)),
  method('sub', [QUANTITY_T, T.int], QUANTITY_T, a => plus(q(a[0]!), intQuantity(a[1] as bigint), -1n)),
  method('compareTo', [QUANTITY_T, QUANTITY_T], T.int, a => BigInt(compareQuantity(q(a[0]!), q(a[1]!)))),
  method('isLessThan', [QUANTITY_T, QUANTITY_T], T.bool, a => compareQuantity(q(a[0]!), q(a[1]!)) < 0),
  method('isGreaterThan', [QUANTITY_T, QUANTITY_T], T.bool, a => compareQuantity(q(a[0]!), q(a[1]!)) > 0),
];

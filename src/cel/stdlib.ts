// CEL's standard functions and operators (cel-go's stdlib as Kubernetes 1.32 uses it), with the
// cost rules of cel-go's checker/cost.go and interpreter/runtimecost.go where they are not O(1).
import { fn, method, linear, TRAVERSAL, REGEX_FACTOR, type Overload } from './functions.js';
import { T, type CelT } from './types.js';
import {
  CelMapV, Duration, Timestamp, TypeV, Uint, celEquals, checkInt, checkUint, compareNumeric, evalError,
  toMapKey, typeOfValue, INT64_MAX, INT64_MIN, type Value,
} from './values.js';
import { compileRegex } from './regex.js';
import { parseDuration, parseTimestamp, formatDuration, formatTimestamp } from './time.js';

const { int, uint, double, bool, string, bytes, dyn, timestamp, duration, A, B } = T;
const listA = T.list(A);
const mapAB = T.map(A, B);

const i = (v: Value) => v as bigint;
const u = (v: Value) => (v as Uint).v;
const d = (v: Value) => v as number;
const s = (v: Value) => v as string;
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** min(size(a), size(b)) traversal: cel-go's cost for comparisons and equality. */
const pairMin = {
  cost: (a: Value[]) => Math.ceil(Math.min(sizeOrOne(a[0]!), sizeOrOne(a[1]!)) * TRAVERSAL),
  estimate: (z: readonly number[]) => Math.ceil(Math.min(z[0] ?? 0, z[1] ?? 0) * TRAVERSAL),
};
/** size(a) + size(b) traversal: concatenation. */
const pairSum = {
  cost: (a: Value[]) => Math.ceil((sizeOrOne(a[0]!) + sizeOrOne(a[1]!)) * TRAVERSAL),
  estimate: (z: readonly number[]) => Math.ceil(((z[0] ?? 0) + (z[1] ?? 0)) * TRAVERSAL),
  resultSize: (z: readonly number[]) => (z[0] ?? 0) + (z[1] ?? 0),
};

function sizeOrOne(v: Value): number {
  if (typeof v === 'string' || v instanceof Uint8Array || Array.isArray(v)) return v.length;
  return 1;
}

function divInt(a: bigint, b: bigint): bigint {
  if (b === 0n) throw evalError('division by zero');
  if (a === INT64_MIN && b === -1n) throw evalError('integer overflow');
  return a / b;
}

function modInt(a: bigint, b: bigint): bigint {
  if (b === 0n) throw evalError('modulus by zero');
  if (a === INT64_MIN && b === -1n) throw evalError('integer overflow');
  return a % b;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/** Orderings across the comparable types, including int/uint/double mixes. */
function compare(a: Value, b: Value): number {
  if (typeof a === 'string') return a < s(b) ? -1 : a > s(b) ? 1 : 0;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (a instanceof Uint8Array) return cmpBytes(a, b as Uint8Array);
  if (a instanceof Timestamp || a instanceof Duration) {
    const bn = (b as Timestamp).nanos;
    return a.nanos < bn ? -1 : a.nanos > bn ? 1 : 0;
  }
  const na = a instanceof Uint ? a.v : (a as bigint | number);
  const nb = b instanceof Uint ? b.v : (b as bigint | number);
  return compareNumeric(na, nb) ?? NaN;
}

const numericTypes: CelT[] = [int, uint, double];
const orderedSame: CelT[] = [bool, string, bytes, timestamp, duration];

function comparisons(): Overload[] {
  const ops: Array<[string, (c: number) => boolean]> = [
    ['_<_', c => c < 0], ['_<=_', c => c <= 0], ['_>_', c => c > 0], ['_>=_', c => c >= 0],
  ];
  const out: Overload[] = [];
  for (const [name, test] of ops) {
    const impl = (a: Value[]) => test(compare(a[0]!, a[1]!));
    for (const x of numericTypes) for (const y of numericTypes) out.push(fn(name, [x, y], bool, impl));
    for (const t of orderedSame) out.push(fn(name, [t, t], bool, impl, t === string || t === bytes ? pairMin : {}));
  }
  return out;
}

function uintToInt(v: bigint): bigint {
  if (v > INT64_MAX) throw evalError('integer overflow');
  return v;
}

function doubleToInt(v: number): bigint {
  if (!Number.isFinite(v) || v >= 9223372036854775807 || v <= -9223372036854775808) throw evalError('integer overflow');
  return BigInt(Math.trunc(v));
}

function parseIntStrict(v: string, unsigned: boolean): bigint {
  if (!/^[+-]?\d+$/.test(v)) throw evalError(`cannot convert '${v}' to ${unsigned ? 'uint' : 'int'}`);
  return BigInt(v);
}

function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

function conversions(): Overload[] {
  return [
    fn('int', [int], int, a => a[0]!),
    fn('int', [uint], int, a => uintToInt(u(a[0]!))),
    fn('int', [double], int, a => doubleToInt(d(a[0]!))),
    fn('int', [string], int, a => checkInt(parseIntStrict(s(a[0]!), false))),
    fn('int', [timestamp], int, a => (a[0] as Timestamp).nanos / 1_000_000_000n),
    fn('uint', [uint], uint, a => a[0]!),
    fn('uint', [int], uint, a => checkUint(i(a[0]!))),
    fn('uint', [double], uint, a => checkUint(doubleToInt(d(a[0]!)))),
    fn('uint', [string], uint, a => checkUint(parseIntStrict(s(a[0]!), true))),
    fn('double', [double], double, a => a[0]!),
    fn('double', [int], double, a => Number(i(a[0]!))),
    fn('double', [uint], double, a => Number(u(a[0]!))),
    fn('double', [string], double, a => {
      const v = s(a[0]!).trim();
      const n = /^[+-]?inf(inity)?$/i.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v);
      if (v === '' || (Number.isNaN(n) && !/^nan$/i.test(v))) throw evalError(`cannot convert '${s(a[0]!)}' to double`);
      return n;
    }),
    fn('string', [string], string, a => a[0]!),
    fn('string', [int], string, a => String(a[0])),
    fn('string', [uint], string, a => String(u(a[0]!))),
    fn('string', [double], string, a => formatDouble(d(a[0]!))),
    fn('string', [bool], string, a => String(a[0])),
    fn('string', [bytes], string, a => {
      try {
        return dec.decode(a[0] as Uint8Array);
      } catch {
        throw evalError('invalid UTF-8 in bytes, cannot convert to string');
      }
    }, linear(0)),
    fn('string', [timestamp], string, a => formatTimestamp(a[0] as Timestamp)),
    fn('string', [duration], string, a => formatDuration(a[0] as Duration)),
    fn('bytes', [bytes], bytes, a => a[0]!),
    fn('bytes', [string], bytes, a => enc.encode(s(a[0]!)), { ...linear(0), resultSize: z => (z[0] ?? 0) * 4 }),
    fn('bool', [bool], bool, a => a[0]!),
    fn('bool', [string], bool, a => {
      const v = s(a[0]!);
      if (['true', 'TRUE', 'True', 't', '1'].includes(v)) return true;
      if (['false', 'FALSE', 'False', 'f', '0'].includes(v)) return false;
      throw evalError(`type conversion error from 'string' to 'bool'`);
    }),
    fn('dyn', [A], dyn, a => a[0]!),
    fn('type', [A], T.type, a => new TypeV(typeOfValue(a[0]!))),
    fn('timestamp', [string], timestamp, a => parseTimestamp(s(a[0]!))),
    fn('timestamp', [timestamp], timestamp, a => a[0]!),
    fn('timestamp', [int], timestamp, a => new Timestamp(i(a[0]!) * 1_000_000_000n)),
    fn('duration', [string], duration, a => parseDuration(s(a[0]!))),
    fn('duration', [duration], duration, a => a[0]!),
  ];
}

function arithmetic(): Overload[] {
  const nanos = (v: Value) => (v as Timestamp).nanos;
  return [
    fn('_+_', [int, int], int, a => checkInt(i(a[0]!) + i(a[1]!))),
    fn('_+_', [uint, uint], uint, a => checkUint(u(a[0]!) + u(a[1]!))),
    fn('_+_', [double, double], double, a => d(a[0]!) + d(a[1]!)),
    fn('_+_', [string, string], string, a => s(a[0]!) + s(a[1]!), pairSum),
    fn('_+_', [bytes, bytes], bytes, a => new Uint8Array([...(a[0] as Uint8Array), ...(a[1] as Uint8Array)]), pairSum),
    fn('_+_', [listA, listA], listA, a => [...(a[0] as Value[]), ...(a[1] as Value[])], pairSum),
    fn('_+_', [timestamp, duration], timestamp, a => new Timestamp(nanos(a[0]!) + nanos(a[1]!))),
    fn('_+_', [duration, timestamp], timestamp, a => new Timestamp(nanos(a[0]!) + nanos(a[1]!))),
    fn('_+_', [duration, duration], duration, a => new Duration(checkInt(nanos(a[0]!) + nanos(a[1]!)))),
    fn('_-_', [int, int], int, a => checkInt(i(a[0]!) - i(a[1]!))),
    fn('_-_', [uint, uint], uint, a => checkUint(u(a[0]!) - u(a[1]!))),
    fn('_-_', [double, double], double, a => d(a[0]!) - d(a[1]!)),
    fn('_-_', [timestamp, timestamp], duration, a => new Duration(checkInt(nanos(a[0]!) - nanos(a[1]!)))),
    fn('_-_', [timestamp, duration], timestamp, a => new Timestamp(nanos(a[0]!) - nanos(a[1]!))),
    fn('_-_', [duration, duration], duration, a => new Duration(checkInt(nanos(a[0]!) - nanos(a[1]!)))),
    fn('_*_', [int, int], int, a => checkInt(i(a[0]!) * i(a[1]!))),
    fn('_*_', [uint, uint], uint, a => checkUint(u(a[0]!) * u(a[1]!))),
    fn('_*_', [double, double], double, a => d(a[0]!) * d(a[1]!)),
    fn('_/_', [int, int], int, a => divInt(i(a[0]!), i(a[1]!))),
    fn('_/_', [uint, uint], uint, a => {
      if (u(a[1]!) === 0n) throw evalError('division by zero');
      return new Uint(u(a[0]!) / u(a[1]!));
    }),
    fn('_/_', [double, double], double, a => d(a[0]!) / d(a[1]!)),
    fn('_%_', [int, int], int, a => modInt(i(a[0]!), i(a[1]!))),
    fn('_%_', [uint, uint], uint, a => {
      if (u(a[1]!) === 0n) throw evalError('modulus by zero');
      return new Uint(u(a[0]!) % u(a[1]!));
    }),
    fn('-_', [int], int, a => checkInt(-i(a[0]!))),
    fn('-_', [double], double, a => -d(a[0]!)),
  ];
}

function indexList(list: Value[], idx: Value): Value {
  let n: bigint;
  if (typeof idx === 'bigint') n = idx;
  else if (idx instanceof Uint) n = idx.v;
  else if (typeof idx === 'number' && Number.isInteger(idx)) n = BigInt(idx);
  else throw evalError('unsupported index type');
  if (n < 0n || n >= BigInt(list.length)) throw evalError(`index out of bounds: ${n}`);
  return list[Number(n)]!;
}

/** Map lookup by CEL key, as `m[k]` and `m.k` do it. */
export function indexMap(m: CelMapV, key: Value): Value {
  const k = toMapKey(key);
  if (!m.entries.has(k)) throw evalError(`no such key: ${String(key)}`);
  return m.entries.get(k)!;
}

function strings(): Overload[] {
  const regexCost = {
    cost: (a: Value[]) => Math.ceil((s(a[0]!).length + 1) * TRAVERSAL) * Math.ceil(s(a[1]!).length * REGEX_FACTOR),
    estimate: (z: readonly number[]) => Math.ceil(((z[0] ?? 0) + 1) * TRAVERSAL) * Math.ceil((z[1] ?? 0) * REGEX_FACTOR),
  };
  const containsCost = {
    cost: (a: Value[]) => Math.ceil(s(a[0]!).length * TRAVERSAL) * Math.ceil(s(a[1]!).length * TRAVERSAL),
    estimate: (z: readonly number[]) => Math.ceil((z[0] ?? 0) * TRAVERSAL) * Math.ceil((z[1] ?? 0) * TRAVERSAL),
  };
  const matches = (a: Value[]) => compileRegex(s(a[1]!)).test(s(a[0]!));
  return [
    method('contains', [string, string], bool, a => s(a[0]!).includes(s(a[1]!)), containsCost),
    method('startsWith', [string, string], bool, a => s(a[0]!).startsWith(s(a[1]!)), linear(1)),
    method('endsWith', [string, string], bool, a => s(a[0]!).endsWith(s(a[1]!)), linear(1)),
    method('matches', [string, string], bool, matches, regexCost),
    fn('matches', [string, string], bool, matches, regexCost),
  ];
}

function collections(): Overload[] {
  const size = (a: Value[]) => {
    const v = a[0]!;
    if (typeof v === 'string') return BigInt([...v].length);
    if (v instanceof CelMapV) return BigInt(v.entries.size);
    return BigInt((v as Value[] | Uint8Array).length);
  };
  const sized: CelT[] = [string, bytes, listA, mapAB];
  return [
    ...sized.flatMap(t => [fn('size', [t], int, size), method('size', [t], int, size)]),
    fn('_[_]', [listA, int], A, a => indexList(a[0] as Value[], a[1]!)),
    fn('_[_]', [listA, uint], A, a => indexList(a[0] as Value[], a[1]!)),
    fn('_[_]', [listA, double], A, a => indexList(a[0] as Value[], a[1]!)),
    fn('_[_]', [mapAB, A], B, a => indexMap(a[0] as CelMapV, a[1]!)),
    fn('@in', [A, listA], bool, a => (a[1] as Value[]).some(x => celEquals(x, a[0]!)), linear(1, 1)),
    fn('@in', [A, mapAB], bool, a => (a[1] as CelMapV).entries.has(toMapKey(a[0]!))),
  ];
}

function logic(): Overload[] {
  return [
    fn('_==_', [A, A], bool, a => celEquals(a[0]!, a[1]!), pairMin),
    fn('_!=_', [A, A], bool, a => !celEquals(a[0]!, a[1]!), pairMin),
    fn('!_', [bool], bool, a => !a[0]),
    fn('@not_strictly_false', [bool], bool, a => a[0] !== false),
  ];
}

export const standardLibrary: Overload[] = [
  ...logic(), ...comparisons(), ...arithmetic(), ...conversions(), ...strings(), ...collections(),
];

/** Names usable as type values, e.g. `type(x) == string`. */
export const typeIdentifiers = ['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type'];

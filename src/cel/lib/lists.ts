// Kubernetes' lists library (k8s.io/apiserver/pkg/cel/library/lists.go): isSorted, sum, min, max,
// indexOf, lastIndexOf. Each costs one traversal of the list.
import { method, valueFits, type Overload } from '../functions.js';
import { T, type CelT } from '../types.js';
import { Duration, Uint, celEquals, checkInt, checkUint, evalError, type Value } from '../values.js';
import { standardLibrary } from '../stdlib.js';

const { A, int, bool, uint, double, string, bytes, duration, timestamp } = T;
const listA = T.list(A);
const traversal = { cost: (a: Value[]) => (a[0] as Value[]).length, estimate: (z: readonly number[]) => z[0] ?? 0 };

const less = standardLibrary.filter(o => o.name === '_<_');

function lessThan(a: Value, b: Value): boolean {
  const o = less.find(x => x.args.length === 2 && valueFits(x.args[0]!, a) && valueFits(x.args[1]!, b));
  if (!o) throw evalError('no such overload');
  return o.impl([a, b]) as boolean;
}

const comparable: CelT[] = [int, uint, double, bool, string, bytes, duration, timestamp];
const summable: CelT[] = [int, uint, double, duration];

function sum(list: Value[], zero: Value): Value {
  let acc = zero;
  for (const v of list) {
    if (typeof acc === 'bigint') acc = checkInt(acc + (v as bigint));
    else if (acc instanceof Uint) acc = checkUint(acc.v + (v as Uint).v);
    else if (acc instanceof Duration) acc = new Duration(checkInt(acc.nanos + (v as Duration).nanos));
    else acc = (acc as number) + (v as number);
  }
  return acc;
}

const zeroOf = (t: CelT): Value => (t === int ? 0n : t === uint ? new Uint(0n) : t === double ? 0 : new Duration(0n));

function extreme(name: 'min' | 'max', list: Value[]): Value {
  if (list.length === 0) throw evalError(`${name}(list) argument must not be empty`);
  return list.reduce((best, v) => ((name === 'min' ? lessThan(v, best) : lessThan(best, v)) ? v : best));
}

function indexOf(list: Value[], v: Value, last: boolean): bigint {
  for (let k = 0; k < list.length; k++) {
    const j = last ? list.length - 1 - k : k;
    if (celEquals(list[j]!, v)) return BigInt(j);
  }
  return -1n;
}

export const listsLibrary: Overload[] = [
  ...comparable.map(t => method('isSorted', [T.list(t)], bool, a => {
    const l = a[0] as Value[];
    return l.every((v, k) => k === 0 || !lessThan(v, l[k - 1]!));
  }, traversal)),
  ...summable.map(t => method('sum', [T.list(t)], t, a => sum(a[0] as Value[], zeroOf(t)), traversal)),
  ...comparable.flatMap(t => [
    method('min', [T.list(t)], t, a => extreme('min', a[0] as Value[]), traversal),
    method('max', [T.list(t)], t, a => extreme('max', a[0] as Value[]), traversal),
  ]),
  method('indexOf', [listA, A], int, a => indexOf(a[0] as Value[], a[1]!, false), traversal),
  method('lastIndexOf', [listA, A], int, a => indexOf(a[0] as Value[], a[1]!, true), traversal),
];

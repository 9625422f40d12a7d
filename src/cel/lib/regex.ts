// Kubernetes' regex library (library/regex.go): string.find(re) and string.findAll(re[, limit]).
import { method, REGEX_FACTOR, TRAVERSAL, type Overload } from '../functions.js';
import { compileRegex } from '../regex.js';
import { T } from '../types.js';
import { type Value } from '../values.js';

const { string, int } = T;
const s = (v: Value) => v as string;

const regexCost = {
  cost: (a: Value[]) => Math.ceil((1 + s(a[0]!).length) * TRAVERSAL) * Math.ceil(s(a[1]!).length * REGEX_FACTOR),
  estimate: (z: readonly number[]) => Math.ceil((1 + (z[0] ?? 0)) * TRAVERSAL) * Math.ceil((z[1] ?? 0) * REGEX_FACTOR),
};

function findAll(str: string, pattern: string, limit: bigint): Value[] {
  if (limit === 0n) return [];
  const out: Value[] = [];
  for (const m of str.matchAll(compileRegex(pattern, true))) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

export const regexLibrary: Overload[] = [
  method('find', [string, string], string, a => compileRegex(s(a[1]!)).exec(s(a[0]!))?.[0] ?? '', regexCost),
  method('findAll', [string, string], T.list(string), a => findAll(s(a[0]!), s(a[1]!), -1n), regexCost),
  method('findAll', [string, string, int], T.list(string), a => findAll(s(a[0]!), s(a[1]!), a[2] as bigint), regexCost),
];

// cel-go's strings extension at the version Kubernetes 1.32 enables (ext.Strings version 2):
// charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim, join,
// format. Indexes count code points, as cel-go's do. Costs follow library/cost.go.
import { linear, method, TRAVERSAL, type Overload } from '../functions.js';
import { T } from '../types.js';
import { CelMapV, Duration, Timestamp, Uint, evalError, typeOfValue, type Value } from '../values.js';
import { formatDuration, formatTimestamp } from '../time.js';

const { string, int } = T;
const listS = T.list(string);
const cps = (v: Value) => [...(v as string)];
const n = (v: Value) => Number(v as bigint);

function indexOf(str: string[], sub: string[], from: number, last: boolean): bigint {
  if (from < 0 || from > str.length) throw evalError(`index out of range: ${from}`);
  if (last) {
    for (let i = Math.min(from, str.length - sub.length); i >= 0; i--) if (sub.every((c, j) => str[i + j] === c)) return BigInt(i);
  } else {
    for (let i = from; i + sub.length <= str.length; i++) if (sub.every((c, j) => str[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

function replace(s: string, from: string, to: string, limit: number): string {
  if (limit < 0) return s.split(from).join(to);
  let out = s;
  let pos = 0;
  for (let k = 0; k < limit; k++) {
    const i = out.indexOf(from, pos);
    if (i < 0) break;
    out = out.slice(0, i) + to + out.slice(i + from.length);
    pos = i + to.length + (from === '' ? 1 : 0);
  }
  return out;
}

function split(s: string, sep: string, limit: number): Value[] {
  if (limit === 0) return [];
  const parts = sep === '' ? [...s] : s.split(sep);
  if (limit < 0 || parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
}

function substring(v: Value, start: number, end: number): string {
  const c = cps(v);
  if (start < 0 || start > c.length) throw evalError(`index out of range: ${start}`);
  if (end < 0 || end > c.length) throw evalError(`index out of range: ${end}`);
  if (start > end) throw evalError(`invalid substring range. start: ${start}, end: ${end}`);
  return c.slice(start, end).join('');
}

/** Unicode White_Space, which cel-go's trim removes. */
const trimSpace = (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');

function str(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (v instanceof Uint) return String(v.v);
  if (v instanceof Timestamp) return formatTimestamp(v);
  if (v instanceof Duration) return formatDuration(v);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (Array.isArray(v)) return `[${v.map(str).join(', ')}]`;
  if (v instanceof CelMapV) return `{${[...v.entries].map(([k, x]) => `${str(k)}: ${str(x)}`).join(', ')}}`;
  return String(v);
}

function num(v: Value, verb: string): number | bigint {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof Uint) return v.v;
  throw evalError(`error during formatting: ${verb} formatting clause requires a number, got ${typeOfValue(v)}`);
}

function format(fmt: string, args: Value[]): string {
  let next = 0;
  const take = () => {
    if (next >= args.length) throw evalError(`index ${next} out of range`);
    return args[next++]!;
  };
  return fmt.replace(/%(?:\.(\d+))?([sdfexXob%])/g, (_m, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = take();
    switch (verb) {
      case 's': return str(v);
      case 'd': {
        const x = num(v, 'integer');
        if (typeof x === 'number' && !Number.isInteger(x)) throw evalError('error during formatting: decimal clause can only be used on integers');
        return String(x);
      }
      case 'f': return Number(num(v, 'fixed-point')).toFixed(prec === undefined ? 6 : Number(prec));
      case 'e': return Number(num(v, 'scientific')).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2');
      case 'b': return BigInt(num(v, 'binary')).toString(2);
      case 'o': return BigInt(num(v, 'octal')).toString(8);
      default: {
        const hex = typeof v === 'string' ? Buffer.from(v).toString('hex') : BigInt(num(v, 'hex')).toString(16);
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
    }
  });
}

const double = { cost: (a: Value[]) => Math.ceil((a[0] as string).length * 2 * TRAVERSAL), estimate: (z: readonly number[]) => Math.ceil((z[0] ?? 0) * 2 * TRAVERSAL) };

export const stringsLibrary: Overload[] = [
  method('charAt', [string, int], string, a => {
    const c = cps(a[0]!);
    const i = n(a[1]!);
    if (i < 0 || i > c.length) throw evalError(`index out of range: ${i}`);
    return c[i] ?? '';
  }),
  method('indexOf', [string, string], int, a => indexOf(cps(a[0]!), cps(a[1]!), 0, false), linear(0)),
  method('indexOf', [string, string, int], int, a => indexOf(cps(a[0]!), cps(a[1]!), n(a[2]!), false), linear(0)),
  method('lastIndexOf', [string, string], int, a => indexOf(cps(a[0]!), cps(a[1]!), cps(a[0]!).length, true), linear(0)),
  method('lastIndexOf', [string, string, int], int, a => indexOf(cps(a[0]!), cps(a[1]!), n(a[2]!), true), linear(0)),
  method('lowerAscii', [string], string, a => (a[0] as string).replace(/[A-Z]/g, c => c.toLowerCase()), linear(0)),
  method('upperAscii', [string], string, a => (a[0] as string).replace(/[a-z]/g, c => c.toUpperCase()), linear(0)),
  method('replace', [string, string, string], string, a => replace(a[0] as string, a[1] as string, a[2] as string, -1), double),
  method('replace', [string, string, string, int], string, a => replace(a[0] as string, a[1] as string, a[2] as string, n(a[3]!)), double),
  method('split', [string, string], listS, a => split(a[0] as string, a[1] as string, -1), double),
  method('split', [string, string, int], listS, a => split(a[0] as string, a[1] as string, n(a[2]!)), double),
  method('substring', [string, int], string, a => substring(a[0]!, n(a[1]!), cps(a[0]!).length), linear(0)),
  method('substring', [string, int, int], string, a => substring(a[0]!, n(a[1]!), n(a[2]!)), linear(0)),
  method('trim', [string], string, a => trimSpace(a[0] as string), linear(0)),
  method('join', [listS], string, a => (a[0] as string[]).join(''), { ...double, resultSize: z => z[0] ?? 0 }),
  method('join', [listS, string], string, a => (a[0] as string[]).join(a[1] as string), { ...double, resultSize: z => z[0] ?? 0 }),
  method('format', [string, T.list(T.dyn)], string, a => format(a[0] as string, a[1] as Value[]), linear(0)),
];

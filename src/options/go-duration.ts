// Go's time.Duration text: time.ParseDuration (flags, ?timeout=, metav1.Duration) and
// Duration.String() (metav1.Duration in protobuf, HTTP log latencies), one implementation for all.
import { GoParseError, goQuote } from './go-parse.js';

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5
  ['μs', 1_000n], // U+03BC
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const MAX_DURATION_NS = (1n << 63n) - 1n;

/** Go's time.ParseDuration, in nanoseconds, with Go's error texts. */
export function parseGoDuration(orig: string): bigint {
  const invalid = () => new GoParseError(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let totalNs = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice((m as RegExpExecArray)[0].length);
    const unitMatch = /^[^0-9.]*/.exec(s) as RegExpExecArray;
    const unit = unitMatch[0];
    if (unit === '') throw new GoParseError(`time: missing unit in duration ${goQuote(orig)}`);
    const perUnit = NS_PER_UNIT.get(unit);
    if (perUnit === undefined) throw new GoParseError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    s = s.slice(unit.length);
    let ns = BigInt(whole === '' ? '0' : whole) * perUnit;
    if (frac) {
      // Go truncates the fractional part toward zero at nanosecond precision.
      ns += (BigInt(frac) * perUnit) / 10n ** BigInt(frac.length);
    }
    totalNs += ns;
    if (totalNs > MAX_DURATION_NS + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -totalNs : totalNs;
}

/** time.ParseDuration(s), in milliseconds (fractions kept). */
export function parseGoDurationMs(s: string): number {
  return Number(parseGoDuration(s)) / 1e6;
}

/** Go's time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, digits] = u < 1_000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    out = fraction(u, digits) + unit;
  } else {
    const secs = fraction(u, 9);
    u /= 1_000_000_000n;
    const dot = secs.indexOf('.');
    const frac = dot >= 0 ? secs.slice(dot) : '';
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** v / 10^digits with trailing zeros (and a bare point) dropped, as Go's fmtFrac + fmtInt. */
function fraction(v: bigint, digits: number): string {
  if (digits === 0) return String(v);
  const scale = 10n ** BigInt(digits);
  const frac = String(v % scale).padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${v / scale}.${frac}` : String(v / scale);
}

// resource.Quantity: upstream's parser (k8s.io/apimachinery/pkg/api/resource), the canonical
// string it serializes, and comparison for validation. Values are exact: mantissa × 10^-scale.

export const quantityErrors = {
  format: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
};

export type QuantityFormat = Format;
type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value = mantissa × 10^-scale */
  mantissa: bigint;
  scale: number;
  format: Format;
  /** The canonical text upstream writes back. */
  text: string;
}

export class QuantityError extends Error {}

interface Pieces { positive: boolean; num: string; denom: string; suffix: string }

const SUFFIX_CHARS = 'eEinumkKMGTP';

/** parseQuantityString from upstream: splits sign, integer part, fraction and suffix. */
function split(str: string): Pieces {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && str[i]! >= '0' && str[i]! <= '9') i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && str[i]! >= '0' && str[i]! <= '9') i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && str[pos]! >= '0' && str[pos]! <= '9') pos++;
  if (pos < end) throw new QuantityError(quantityErrors.format);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function interpret(suffix: string): { base: 2 | 10; exponent: number; format: Format } {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new QuantityError(quantityErrors.suffix);
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);
const abs = (v: bigint) => (v < 0n ? -v : v);

/** Upstream keeps the input text when it is already canonical; this is that test. */
function keepsInput(p: Pieces, base: number, exponent: number, format: Format): boolean {
  const digits = p.num.length + p.denom.length;
  if (format === 'BinarySI') {
    if (exponent < 0 || p.denom.length > 0) return false;
    const precision = 15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1;
    if (precision < 0) return false;
    return exponent % 10 === 0 && (BigInt(p.num) & 7n) !== 0n;
  }
  if (base !== 10 || 18 - digits < 0) return false;
  const scale = exponent - p.denom.length;
  if (scale < -9) return false;
  const shifted = p.num + p.denom;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** The canonical text of mantissa × 10^-scale in the given format (Quantity.String). */
export function canonical(mantissa: bigint, scale: number, format: Format): string {
  if (mantissa === 0n) return '0';
  let fmt = format;
  if (fmt === 'BinarySI') {
    const integral = scale <= 0 || mantissa % pow10(scale) === 0n;
    const whole = scale <= 0 ? mantissa * pow10(-scale) : mantissa / pow10(scale);
    if ((integral && abs(whole) < 1024n) || !integral) fmt = 'DecimalSI';
    else {
      let amount = whole;
      let times = 0;
      while (amount % 1024n === 0n && amount !== 0n) { amount /= 1024n; times++; }
      const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === times * 10)?.[0] ?? '';
      return `${amount}${suffix}`;
    }
  }
  let amount = mantissa;
  let exponent = -scale;
  while (amount % TEN === 0n) { amount /= TEN; exponent++; }
  const r = ((exponent % 3) + 3) % 3;
  if (r === 1) { amount *= TEN; exponent -= 1; }
  if (r === 2) { amount *= 100n; exponent -= 2; }
  if (fmt === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? '';
  return `${amount}${suffix}`;
}

/** ParseQuantity as upstream: throws QuantityError with upstream's message. */
export function parseQuantity(input: string): Quantity {
  const str = input.trim();
  if (str.length === 0) throw new QuantityError(quantityErrors.format);
  if (str === '0') return { mantissa: 0n, scale: 0, format: 'DecimalSI', text: '0' };
  const p = split(str);
  const { base, exponent, format } = interpret(p.suffix);
  const digits = BigInt(p.num + p.denom) * (p.positive ? 1n : -1n);
  let mantissa: bigint;
  let scale: number;
  if (base === 10) {
    mantissa = digits;
    scale = p.denom.length - exponent;
  } else {
    mantissa = digits * (2n ** BigInt(exponent));
    scale = p.denom.length;
  }
  // Anything finer than nano rounds up, away from zero, to the nearest nano.
  if (scale > 9) {
    const div = pow10(scale - 9);
    const q = abs(mantissa) / div + (abs(mantissa) % div === 0n ? 0n : 1n);
    mantissa = mantissa < 0n ? -q : q;
    scale = 9;
  }
  const text = mantissa === 0n ? '0' : keepsInput(p, base, exponent, format) ? str : canonical(mantissa, scale, format);
  return { mantissa, scale, format, text };
}

/** Compares two quantities: negative, zero or positive as a < b, a = b, a > b. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const s = Math.max(a.scale, b.scale);
  const av = a.mantissa * pow10(s - a.scale);
  const bv = b.mantissa * pow10(s - b.scale);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

/** Whether the value is a whole number. */
export function isIntegral(q: Quantity): boolean {
  return q.scale <= 0 || q.mantissa % pow10(q.scale) === 0n;
}

/**
 * upstream's SetDefaults_ResourceList: rounds a quantity up to milli precision, keeping its
 * format. Returns the text to store; unparsable input is returned unchanged.
 */
export function roundUpToMilli(text: string): string {
  let q: Quantity;
  try {
    q = parseQuantity(text);
  } catch {
    return text;
  }
  if (q.scale <= 3) return q.text;
  const div = pow10(q.scale - 3);
  const m = abs(q.mantissa) / div + (abs(q.mantissa) % div === 0n ? 0n : 1n);
  return canonical(q.mantissa < 0n ? -m : m, 3, q.format);
}

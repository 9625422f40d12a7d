// resource.Quantity's String(): the canonical form upstream prints capacities and quota in
// ("1536Mi", "2k", "100m", "1e3"), including its rule of keeping an already canonical input.

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

const INT64_MAX = 2n ** 63n - 1n;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** An exact decimal: unscaled × 10^-scale. */
interface Dec {
  unscaled: bigint;
  scale: number;
}

interface Parsed {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: sign, digits, optional fraction, suffix. */
function split(str: string): Parsed | undefined {
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(str);
  if (!m) return undefined;
  return { positive: m[1] !== '-', num: m[2] || '0', denom: m[3] ?? '', suffix: m[4]! };
}

function interpret(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  if (has(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (has(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  return undefined;
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** Rounds away from zero to at most 9 fractional digits (upstream rounds tiny amounts up to 1n). */
function roundUpToNano(d: Dec): Dec {
  if (d.scale <= 9) return d;
  const div = pow10(d.scale - 9);
  const q = d.unscaled / div;
  const up = d.unscaled % div === 0n ? q : q + (d.unscaled < 0n ? -1n : 1n);
  return { unscaled: up, scale: 9 };
}

/** Mantissa and power of ten with the exponent a multiple of 3 (AsCanonicalBytes). */
function canonicalDecimal(d: Dec): { mantissa: bigint; exponent: number } {
  let mantissa = d.unscaled;
  let exponent = -d.scale;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  return { mantissa, exponent };
}

function formatCanonical(d: Dec, format: Format): string {
  if (d.unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    const abs = d.unscaled < 0n ? -d.unscaled : d.unscaled;
    const lessThan1024 = d.scale >= 0 ? abs < 1024n * pow10(d.scale) : abs * pow10(-d.scale) < 1024n;
    const integral = d.scale <= 0 || d.unscaled % pow10(d.scale) === 0n;
    if (lessThan1024 || !integral) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let value = d.scale <= 0 ? d.unscaled * pow10(-d.scale) : d.unscaled / pow10(d.scale);
    let exponent = 0;
    while (exponent < 60 && value % 1024n === 0n) {
      value /= 1024n;
      exponent += 10;
    }
    return `${value}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
  }
  const { mantissa, exponent } = canonicalDecimal(d);
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  // Past the suffix table upstream prints no suffix at all.
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** Whether upstream's int64 fast path keeps the caller's own spelling. */
function keepsInput(p: Parsed, base: 2 | 10, exponent: number, format: Format): boolean {
  const digits = p.num + p.denom;
  let scale: number;
  let multiplier = 1n;
  if (format === 'BinarySI') {
    if (exponent < 0 || p.denom.length > 0) return false;
    if (15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1 < 0) return false;
    multiplier = 2n ** BigInt(exponent);
    scale = 0;
  } else {
    if (18 - digits.length < 0) return false;
    scale = exponent - p.denom.length;
  }
  if (scale < -9) return false;
  const value = BigInt(digits);
  if (value > INT64_MAX || value * multiplier > INT64_MAX) return false;
  if (base === 2) return exponent % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !digits.endsWith('000') && digits[0] !== '0';
}

/** The canonical text of a quantity given as JSON (a string, or a plain number). */
export function formatQuantity(q: unknown): string {
  if (typeof q === 'number') q = String(q);
  if (typeof q !== 'string' || q === '') return '0';
  if (q === '0') return q;
  const p = split(q);
  const kind = p && interpret(p.suffix);
  if (!p || !kind) return q;
  if (keepsInput(p, kind.base, kind.exponent, kind.format)) return q;
  const sign = p.positive ? 1n : -1n;
  let d: Dec = { unscaled: sign * BigInt(p.num + p.denom), scale: p.denom.length };
  if (kind.base === 10) d = { unscaled: d.unscaled, scale: d.scale - kind.exponent };
  else d = { unscaled: d.unscaled * 2n ** BigInt(kind.exponent), scale: d.scale };
  d = roundUpToNano(d);
  let format = kind.format;
  const abs = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  if (format === 'BinarySI' && abs > 0n && d.scale > 0 && abs < pow10(d.scale)) format = 'DecimalSI';
  return formatCanonical(d, format);
}

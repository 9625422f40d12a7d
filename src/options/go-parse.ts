/**
 * Parsers that accept and reject exactly what Go's strconv, time.ParseDuration, net.ParseIP,
 * encoding/csv and apimachinery's resource.ParseQuantity do, with their error texts, so flag
 * errors read like upstream's.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A value Go would refuse; the message is Go's. */
export class GoParseError extends Error {}

/** Go's %q for the strings we meet on command lines (JSON escaping is close enough). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

const syntax = (fn: string, s: string) => new GoParseError(`strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`);
const range = (fn: string, s: string) => new GoParseError(`strconv.${fn}: parsing ${goQuote(s)}: value out of range`);

/** Go's rule for '_' in base-0 literals: only between digits, or after a 0b/0o/0x prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Unsigned magnitude of a base-0 Go integer literal (no sign), or null when malformed. */
function parseMagnitude(s: string, base0: boolean): bigint | null {
  if (s === '') return null;
  let base = 10;
  let digits = s;
  if (base0 && s[0] === '0' && s.length > 1) {
    const p = s[1].toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') {
      base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
    }
  }
  if (base0 && digits.includes('_')) {
    if (!underscoreOK(s)) return null;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return base === 8 && s !== '' ? 0n : null;
  let n = 0n;
  for (const c of digits.toLowerCase()) {
    const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : 99;
    if (d >= base) return null;
    n = n * BigInt(base) + BigInt(d);
  }
  return n;
}

/** strconv.ParseInt(s, 0, bits). */
export function parseGoInt(s: string, bits: 32 | 64): number {
  let body = s;
  let neg = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const mag = parseMagnitude(body, true);
  if (mag === null) throw syntax('ParseInt', s);
  const limit = 1n << BigInt(bits - 1);
  if (neg ? mag > limit : mag >= limit) throw range('ParseInt', s);
  return Number(neg ? -mag : mag);
}

/** strconv.ParseUint(s, base, bits); base 0 honours 0x/0o/0b and leading-0 octal. */
export function parseGoUint(s: string, base: 0 | 10, bits: 31 | 64): number {
  const mag = parseMagnitude(s, base === 0);
  if (mag === null) throw syntax('ParseUint', s);
  if (mag >= 1n << BigInt(bits)) throw range('ParseUint', s);
  return Number(mag);
}

/** strconv.Atoi(s): base 10 with an optional sign. */
export function parseGoAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw syntax('Atoi', s);
  const n = BigInt(s);
  if (n >= 1n << 63n || n < -(1n << 63n)) throw range('Atoi', s);
  return Number(n);
}

/** strconv.ParseFloat(s, bits) for decimal literals, inf and nan. */
export function parseGoFloat(s: string, bits: 32 | 64): number {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?([0-9_]+(\.[0-9_]*)?|\.[0-9_]+)([eE][+-]?[0-9_]+)?$/.test(s) || (s.includes('_') && !underscoreOK(s))) {
    throw syntax('ParseFloat', s);
  }
  const v = Number(s.replace(/_/g, ''));
  const max = bits === 32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (!Number.isFinite(v) || Math.abs(v) > max) throw range('ParseFloat', s);
  return bits === 32 ? Math.fround(v) : v;
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool(s). */
export function parseGoBool(s: string): boolean {
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  throw syntax('ParseBool', s);
}

/** net.ParseIP(s) acceptance: dotted quad without leading zeros, or IPv6 without a zone. */
export function isGoIP(s: string): boolean {
  return isIPv4(s) || (isIPv6(s) && !s.includes('%'));
}

/** One record of encoding/csv's Reader.Read with default settings. */
export function readCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new GoParseError(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        if (q + 1 < line.length && line[q + 1] !== ',') {
          throw new GoParseError(`parse error on line 1, column ${q + 2}: extraneous or missing " in quoted-field`);
        }
        i = q + 1;
        break;
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      const bare = value.indexOf('"');
      if (bare >= 0) throw new GoParseError(`parse error on line 1, column ${i + bare + 1}: bare " in non-quoted-field`);
      fields.push(value);
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++; // past the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

const QUANTITY_FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** resource.ParseQuantity(s) as a plain number. */
export function parseQuantity(s: string): number {
  const m = QUANTITY_FORMAT.exec(s);
  if (!m || !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(m[1])) {
    throw new GoParseError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }
  const n = Number(m[1]);
  const suffix = m[2];
  const factor = BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix] ?? (/^[eE][-+]?[0-9]+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : undefined);
  if (factor === undefined) throw new GoParseError("unable to parse quantity's suffix");
  return n * factor;
}

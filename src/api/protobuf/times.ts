// Time values between their JSON text and their protobuf numbers: metav1.Time and MicroTime
// (RFC 3339 <-> Unix seconds and nanos) and metav1.Duration (Go duration text <-> nanoseconds).

import { civilFromDays } from '../decode/go-time.js';

export class TimeValueError extends Error {}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const digits = (s: string, from: number, n: number): number => {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
};

/**
 * The form upstream writes, "2006-01-02T15:04:05Z" or "2006-01-02T15:04:05.000000Z", read
 * without a regular expression or allocations: a list carries thousands of them.
 */
function parseCanonical(text: string): { seconds: number; nanos: number } | undefined {
  const n = text.length;
  if ((n !== 20 && n !== 27) || text.charCodeAt(n - 1) !== 90 /* Z */ || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const micros = n === 27 ? (text[19] === '.' ? digits(text, 20, 6) : -1) : 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micros < 0) return undefined;
  return { seconds: daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second, nanos: micros * 1000 };
}

/** Parses RFC 3339 text into Unix seconds and nanoseconds. */
export function parseRfc3339(text: string): { seconds: number; nanos: number } {
  const canonical = parseCanonical(text);
  if (canonical) return canonical;
  const m = RFC3339.exec(text);
  if (!m) throw new TimeValueError(`invalid RFC 3339 time ${JSON.stringify(text)}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new TimeValueError(`invalid RFC 3339 time ${JSON.stringify(text)}: a field is out of range`);
  }
  let seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  if (m[9]) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60;
    seconds += m[9] === '+' ? -offset : offset;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds, nanos };
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Unix seconds (and nanoseconds, truncated to microseconds when `micro`) as upstream's JSON writes
 * them. Plain arithmetic (Hinnant's civil_from_days) rather than a Date: lists format thousands.
 */
export function formatRfc3339(seconds: number, nanos: number, micro: boolean): string {
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  const [year, month, day] = civilFromDays(days);
  if (!Number.isFinite(year) || year < 0 || year > 9999) throw new TimeValueError(`Time.MarshalJSON: year outside of range [0,9999]`);
  const hour = Math.floor(inDay / 3600);
  const minute = Math.floor((inDay % 3600) / 60);
  const frac = micro ? `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}` : '';
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[inDay % 60]}${frac}Z`;
}

// metav1.Time / metav1.MicroTime decoding: Go's time.Parse with the RFC 3339 layouts, its error
// messages, and the UTC form upstream writes back.

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** Go's time-package quote: non-ASCII and control bytes as \xNN. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code >= 0x80) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

class TimeParseError extends Error {}

function cannotParse(layout: string, value: string, valueElem: string, layoutElem: string): TimeParseError {
  return new TimeParseError(`parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`);
}

function withMessage(value: string, message: string): TimeParseError {
  return new TimeParseError(`parsing time ${goQuote(value)}${message}`);
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | null {
  if (!isDigit(s, 0)) return null;
  if (!isDigit(s, 1)) {
    if (fixed) return null;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month and day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days). */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

interface Parsed {
  /** Seconds since the epoch, UTC. */
  seconds: number;
  nanos: number;
}

type Step = { lit: string } | { std: string };
const STEPS = (micro: boolean): Step[] => [
  { std: '2006' }, { lit: '-' }, { std: '01' }, { lit: '-' }, { std: '02' }, { lit: 'T' }, { std: '15' },
  { lit: ':' }, { std: '04' }, { lit: ':' }, { std: '05' }, ...(micro ? [{ std: '.000000' }] : []), { std: 'Z07:00' },
];

function parse(value: string, micro: boolean): Parsed {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  let rest = value;
  let year = 0, month = 0, day = 0, hour = 0, min = 0, sec = 0, nanos = 0, offset = 0;
  for (const step of STEPS(micro)) {
    if ('lit' in step) {
      if (!rest.startsWith(step.lit)) throw cannotParse(layout, value, rest, step.lit);
      rest = rest.slice(step.lit.length);
      continue;
    }
    const hold = rest;
    let range = '';
    let ok = true;
    switch (step.std) {
      case '2006':
        if (rest.length < 4 || !/^\d{4}/.test(rest)) ok = false;
        else { year = Number(rest.slice(0, 4)); rest = rest.slice(4); }
        break;
      case '01': case '02': case '04': case '05': case '15': {
        const r = getnum(rest, step.std !== '15');
        if (!r) { ok = false; break; }
        rest = r[1];
        const n = r[0];
        if (step.std === '01') { month = n; if (n <= 0 || n > 12) range = 'month'; }
        if (step.std === '02') day = n;
        if (step.std === '15') { hour = n; if (n >= 24) range = 'hour'; }
        if (step.std === '04') { min = n; if (n >= 60) range = 'minute'; }
        if (step.std === '05') {
          sec = n;
          if (n >= 60) { range = 'second'; break; }
          // A fraction the layout does not mention is still accepted (Go does the same).
          if (!micro && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
            let k = 2;
            while (isDigit(rest, k)) k++;
            nanos = Number(rest.slice(1, Math.min(k, 10)).padEnd(9, '0'));
            rest = rest.slice(k);
          }
        }
        break;
      }
      case '.000000':
        if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',') || !/^\d{6}$/.test(rest.slice(1, 7))) ok = false;
        else { nanos = Number(rest.slice(1, 7)) * 1000; rest = rest.slice(7); }
        break;
      case 'Z07:00': {
        if (rest.startsWith('Z')) { rest = rest.slice(1); break; }
        if (rest.length < 6 || rest[3] !== ':') { ok = false; break; }
        const sign = rest[0];
        const hh = getnum(rest.slice(1, 3), true);
        const mm = getnum(rest.slice(4, 6), true);
        rest = rest.slice(6);
        if (!hh || !mm || (sign !== '+' && sign !== '-')) { ok = false; break; }
        if (hh[0] > 24) range = 'time zone offset hour';
        if (mm[0] > 60) range = 'time zone offset minute';
        offset = (hh[0] * 60 + mm[0]) * 60 * (sign === '-' ? -1 : 1);
        break;
      }
    }
    if (range) throw withMessage(value, `: ${range} out of range`);
    if (!ok) throw cannotParse(layout, value, hold, step.std);
  }
  if (rest.length > 0) throw withMessage(value, `: extra text: ${goQuote(rest)}`);
  if (day < 1 || day > daysIn(month, year)) throw withMessage(value, ': day out of range');
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  return { seconds, nanos };
}

function format(p: Parsed, micro: boolean): string {
  const days = Math.floor(p.seconds / 86400);
  let rem = p.seconds - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mi = Math.floor(rem / 60);
  const ss = rem - mi * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  const frac = micro ? `.${String(Math.floor(p.nanos / 1000)).padStart(6, '0')}` : '';
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}T${two(hh)}:${two(mi)}:${two(ss)}${frac}Z`;
}

/**
 * Parses an RFC 3339 time as metav1.Time (micro=false) or metav1.MicroTime (micro=true) do, and
 * returns the UTC form upstream serializes. Throws an Error carrying Go's message.
 */
export function canonicalTime(value: string, micro: boolean): string {
  return format(parse(value, micro), micro);
}

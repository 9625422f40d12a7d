// The string formats CR validation checks: apiextensions keeps only the formats of its
// supportedFormats list (names normalized by dropping '-'), and kube-openapi's strfmt
// registry checks each. Any other format is ignored at runtime.
import { isIP } from 'node:net';

type Check = (s: string) => boolean;

const re = (r: RegExp): Check => s => r.test(s);

const hostnameRx = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;

function isHostname(s: string): boolean {
  // Length limits count bytes, as Go's len does.
  return hostnameRx.test(s) && Buffer.byteLength(s) <= 255 && s.split('.').every(p => Buffer.byteLength(p) <= 63);
}

// net.ParseIP (sloppy: leading zeros allowed in IPv4 parts, as netutils.ParseIPSloppy does).
function parseIPv4Sloppy(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every(p => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}
function parseIPv6(s: string): boolean {
  if (s.includes('%')) return false;
  const tail = s.lastIndexOf(':');
  if (tail >= 0 && s.slice(tail + 1).includes('.')) {
    // An embedded IPv4 tail may carry leading zeros for ParseIPSloppy.
    const v4 = s.slice(tail + 1);
    if (!parseIPv4Sloppy(v4)) return false;
    return isIP(`${s.slice(0, tail + 1)}${v4.split('.').map(Number).join('.')}`) === 6;
  }
  return isIP(s) === 6;
}
const parseIP = (s: string) => parseIPv4Sloppy(s) || parseIPv6(s);

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  if (parseIPv4Sloppy(ip)) return Number(bits) <= 32;
  return parseIPv6(ip) && Number(bits) <= 128;
}

// net.ParseMAC: 6, 8 or 20 octets, ':'/'-' separated pairs or '.' separated quads.
function isMAC(s: string): boolean {
  const pairs = /^[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2})+$/;
  const m = pairs.exec(s);
  if (m) {
    const n = s.split(m[1]!).length;
    return (n === 6 || n === 8 || n === 20) && s.split(m[1]!).every(p => p.length === 2);
  }
  if (/^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})+$/.test(s)) {
    const n = s.split('.').length * 2;
    return n === 6 || n === 8 || n === 20;
  }
  return false;
}

// url.ParseRequestURI: an absolute URI or an absolute path, no control bytes, valid escapes.
function isRequestURI(s: string): boolean {
  if (s === '' || /[\x00-\x1f\x7f]/.test(s)) return false;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return false;
  if (s.startsWith('/')) return true;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(s);
  if (!m) return false;
  const rest = m[2]!;
  if (!rest.startsWith('//')) return true;
  const authority = rest.slice(2).split(/[/?]/)[0]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return !/[\s<>"{}|\\^`]/.test(host);
}

// net/mail.ParseAddress, for the forms CRs use: an addr-spec, optionally "Name <addr-spec>".
function isEmail(s: string): boolean {
  const atom = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
  const addr = `(?:${atom}(?:\\.${atom})*|"[^"\\\\]*")@${atom}(?:\\.${atom})*`;
  return new RegExp(`^\\s*(?:${addr}|(?:[^<>]*)<${addr}>)\\s*$`).test(s);
}

function isbn10(s: string): boolean {
  const d = s.replace(/[ -]/g, '');
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
  sum += d[9] === 'X' ? 100 : 10 * Number(d[9]);
  return sum % 11 === 0;
}
function isbn13(s: string): boolean {
  const d = s.replace(/[ -]/g, '');
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(d[12]);
}

// govalidator.IsCreditCard: known issuer prefixes plus the Luhn checksum.
function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, '');
  if (!/^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) { n *= 2; if (n > 9) n -= 9; }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

// time.Parse("2006-01-02"): month and day ranges are checked, leap years included.
function isDate(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1]!;
}

// strfmt.IsDateTime: a date, a 't' (case-insensitive), then a time with a zone.
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1]!);
  return !!m && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const goDurationRx = /^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const durationUnits = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

// strfmt.ParseDuration: Go's time.ParseDuration, else any "<n> <unit>" with a known unit.
function isDuration(s: string): boolean {
  if (s === '0' || s === '+0' || s === '-0' || goDurationRx.test(s)) return true;
  for (const m of s.matchAll(/((\d+)\s*([A-Za-zµ]+))/g)) {
    const unit = m[3]!.trim().toLowerCase();
    if (durationUnits.some(v => v.some((variant, i) => (i === v.length - 1 && unit.startsWith(variant)) || variant === unit))) return true;
  }
  return false;
}

const rgbPart = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';

const checks: Record<string, Check> = {
  bsonobjectid: re(/^[0-9a-fA-F]{24}$/),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: s => parseIP(s) && s.includes('.'),
  ipv6: s => parseIP(s) && s.includes(':'),
  cidr: isCIDR,
  mac: isMAC,
  uuid: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid3: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid4: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  uuid5: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  isbn: s => isbn10(s) || isbn13(s),
  isbn10,
  isbn13,
  creditcard: isCreditCard,
  ssn: s => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: re(/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/),
  rgbcolor: re(new RegExp(`^rgb\\(${rgbPart},${rgbPart},${rgbPart}\\)$`)),
  byte: re(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/** The checker for a schema format, or undefined when CR validation ignores the format. */
export function formatCheck(format: string | undefined): Check | undefined {
  if (!format) return undefined;
  return checks[format.replace(/-/g, '')];
}

// Kubernetes' ip and cidr libraries (library/ip.go, cidr.go), following Go's net/netip parsing:
// no zones, no IPv4-mapped IPv6, no leading zeros in IPv4 octets.
import { fn, linear, method, TRAVERSAL, type Overload } from '../functions.js';
import { CIDR_T, IP_T, T } from '../types.js';
import { OpaqueV, evalError, type Value } from '../values.js';

export class IpV extends OpaqueV {
  readonly typeName = 'net.IP';
  constructor(readonly bytes: Uint8Array) {
    super();
  }
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }
  equals(other: OpaqueV): boolean {
    return other instanceof IpV && other.bytes.length === this.bytes.length && other.bytes.every((b, i) => b === this.bytes[i]);
  }
  override toString(): string {
    return formatIp(this.bytes);
  }
}

export class CidrV extends OpaqueV {
  readonly typeName = 'net.CIDR';
  constructor(readonly ip: IpV, readonly bits: number) {
    super();
  }
  equals(other: OpaqueV): boolean {
    return other instanceof CidrV && other.bits === this.bits && other.ip.equals(this.ip);
  }
  override toString(): string {
    return `${this.ip.toString()}/${this.bits}`;
  }
}

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseV6(s: string): Uint8Array | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  // A trailing dotted IPv4 part stands for the last two groups.
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (![...head, ...rest].every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array<string>(missing).fill('0'), ...rest].map(g => parseInt(g, 16));
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

function formatIp(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  // RFC 5952: compress the longest run (of two or more) of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = words.map(w => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function parseIp(raw: string): IpV | string {
  if (raw.includes('%')) return `IP address "${raw}" with zone value is not allowed`;
  const bytes = raw.includes(':') ? parseV6(raw) : parseV4(raw);
  if (!bytes) return `IP Address "${raw}" parse error during conversion from string: ParseAddr("${raw}"): unable to parse IP`;
  if (bytes.length === 16 && bytes.slice(0, 10).every(x => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `IPv4-mapped IPv6 address "${raw}" is not allowed`;
  }
  return new IpV(bytes);
}

function mask(ip: IpV, bits: number): IpV {
  const out = Uint8Array.from(ip.bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return new IpV(out);
}

function parseCidr(raw: string): CidrV | string {
  const fail = (why: string) => `network address "${raw}" parse error during conversion from string: netip.ParsePrefix("${raw}"): ${why}`;
  const slash = raw.lastIndexOf('/');
  if (slash < 0) return fail("no '/'");
  const ip = parseIp(raw.slice(0, slash));
  if (typeof ip === 'string') {
    return raw.includes('%') ? `CIDR "${raw}" with zone value is not allowed` : fail(`ParseAddr("${raw.slice(0, slash)}"): unable to parse IP`);
  }
  const bitsText = raw.slice(slash + 1);
  const bits = Number(bitsText);
  if (!/^(0|[1-9]\d*)$/.test(bitsText) || bits > ip.bytes.length * 8) return fail(`bad bits after slash: "${bitsText}"`);
  return new CidrV(ip, bits);
}

const orThrow = <V>(r: V | string): V => {
  if (typeof r === 'string') throw evalError(r);
  return r;
};

const contains = (c: CidrV, ip: IpV) => ip.family === c.ip.family && mask(ip, c.bits).equals(mask(c.ip, c.bits));
const containsCidr = (c: CidrV, o: CidrV) => o.bits >= c.bits && contains(c, o.ip);

const ipv = (v: Value) => v as IpV;
const cidrv = (v: Value) => v as CidrV;
const inRange = (ip: IpV, net: string) => contains(orThrow(parseCidr(net)), ip);

function isGlobalUnicast(ip: IpV): boolean {
  const b = ip.bytes;
  if (ip.family === 4 && b.every(x => x === 255)) return false;
  return !(b.every(x => x === 0) || inRange(ip, ip.family === 4 ? '127.0.0.0/8' : '::1/128') ||
    inRange(ip, ip.family === 4 ? '224.0.0.0/4' : 'ff00::/8') || inRange(ip, ip.family === 4 ? '169.254.0.0/16' : 'fe80::/10'));
}

const cidrCost = { cost: (a: Value[]) => Math.ceil(2 * String(a[0]).length * TRAVERSAL), estimate: () => 10 };

export const netLibrary: Overload[] = [
  fn('ip', [T.string], IP_T, a => orThrow(parseIp(a[0] as string)), linear(0)),
  fn('isIP', [T.string], T.bool, a => typeof parseIp(a[0] as string) !== 'string', linear(0)),
  fn('ip.isCanonical', [T.string], T.bool, a => orThrow(parseIp(a[0] as string)).toString() === a[0], linear(0, 2 * TRAVERSAL)),
  fn('string', [IP_T], T.string, a => ipv(a[0]!).toString()),
  method('family', [IP_T], T.int, a => BigInt(ipv(a[0]!).family)),
  method('isUnspecified', [IP_T], T.bool, a => ipv(a[0]!).bytes.every(x => x === 0)),
  method('isLoopback', [IP_T], T.bool, a => inRange(ipv(a[0]!), ipv(a[0]!).family === 4 ? '127.0.0.0/8' : '::1/128')),
  method('isLinkLocalMulticast', [IP_T], T.bool, a => inRange(ipv(a[0]!), ipv(a[0]!).family === 4 ? '224.0.0.0/24' : 'ff02::/16')),
  method('isLinkLocalUnicast', [IP_T], T.bool, a => inRange(ipv(a[0]!), ipv(a[0]!).family === 4 ? '169.254.0.0/16' : 'fe80::/10')),
  method('isGlobalUnicast', [IP_T], T.bool, a => isGlobalUnicast(ipv(a[0]!))),
  fn('cidr', [T.string], CIDR_T, a => orThrow(parseCidr(a[0] as string)), linear(0)),
  fn('isCIDR', [T.string], T.bool, a => typeof parseCidr(a[0] as string) !== 'string', linear(0)),
  fn('string', [CIDR_T], T.string, a => cidrv(a[0]!).toString()),
  method('containsIP', [CIDR_T, IP_T], T.bool, a => contains(cidrv(a[0]!), ipv(a[1]!)), cidrCost),
  method('containsIP', [CIDR_T, T.string], T.bool, a => contains(cidrv(a[0]!), orThrow(parseIp(a[1] as string))), cidrCost),
  method('containsCIDR', [CIDR_T, CIDR_T], T.bool, a => containsCidr(cidrv(a[0]!), cidrv(a[1]!)), cidrCost),
  method('containsCIDR', [CIDR_T, T.string], T.bool, a => containsCidr(cidrv(a[0]!), orThrow(parseCidr(a[1] as string))), cidrCost),
  method('ip', [CIDR_T], IP_T, a => cidrv(a[0]!).ip),
  method('masked', [CIDR_T], CIDR_T, a => new CidrV(mask(cidrv(a[0]!).ip, cidrv(a[0]!).bits), cidrv(a[0]!).bits)),
  method('prefixLength', [CIDR_T], T.int, a => BigInt(cidrv(a[0]!).bits)),
];

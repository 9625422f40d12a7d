// upstream's ipallocator.Range geometry: a service CIDR minus its network address (and, for
// IPv4, its broadcast address), IPv6 capped at 65536 items; item 0 is the CIDR's ".1".
import { formatIP, parseCidrSloppy, type Cidr } from '../../options/cidr.js';
import { allocationErrors } from './range-errors.js';

export type IPFamily = 'IPv4' | 'IPv6';

function toBig(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBig(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The address bytes of an IP literal (IPv4 with sloppy leading zeros, as upstream), or null. */
export function parseIP(ip: string): Uint8Array | null {
  if (ip.includes('/')) return null;
  const c = parseCidrSloppy(`${ip}/${ip.includes(':') ? 128 : 32}`);
  return c ? c.bytes : null;
}

export function familyOf(ip: string): IPFamily | null {
  const b = parseIP(ip);
  return b ? (b.length === 4 ? 'IPv4' : 'IPv6') : null;
}

export function isLoopbackIP(ip: string): boolean {
  const b = parseIP(ip);
  if (!b) return false;
  if (b.length === 4) return b[0] === 127;
  return b.slice(0, 15).every(x => x === 0) && b[15] === 1;
}

/** min(max(16, size/16), 256), 0 for ranges of 16 or fewer addresses (upstream's calculateRangeOffset). */
function rangeOffset(cidrSize: bigint): number {
  if (cidrSize <= 16n) return 0;
  const offset = cidrSize / 16n;
  return Number(offset < 16n ? 16n : offset > 256n ? 256n : offset);
}

export class IPRange {
  readonly family: IPFamily;
  readonly max: number;
  readonly offset: number;
  /** The CIDR as Go prints it, e.g. "10.96.0.0/12": the RangeAllocation's range. */
  readonly spec: string;
  private readonly net: bigint;
  private readonly base: bigint;
  private readonly size: bigint;
  private readonly len: number;

  constructor(readonly cidr: Cidr) {
    this.len = cidr.bytes.length;
    this.family = this.len === 4 ? 'IPv4' : 'IPv6';
    this.spec = `${formatIP(cidr.bytes)}/${cidr.prefix}`;
    this.net = toBig(cidr.bytes);
    this.size = 1n << BigInt(this.len * 8 - cidr.prefix);
    this.base = this.net + 1n;
    let max = this.family === 'IPv6' ? (this.size > 65536n ? 65536 : Number(this.size)) : Number(this.size) - 1;
    max--;
    this.max = Math.max(0, max);
    this.offset = rangeOffset(this.size);
  }

  static parse(text: string): IPRange {
    const c = parseCidrSloppy(text.trim());
    if (!c) throw new Error(`invalid CIDR ${JSON.stringify(text)}`);
    return new IPRange(c);
  }

  /** The item index of ip, or null when the IP is outside the usable part of the range. */
  indexOf(ip: string): number | null {
    const b = parseIP(ip);
    if (!b || b.length !== this.len) return null;
    const v = toBig(b);
    if (v < this.net || v >= this.net + this.size) return null;
    const i = v - this.base;
    return i < 0n || i >= BigInt(this.max) ? null : Number(i);
  }

  /** Like indexOf, but throws upstream's ErrNotInRange. */
  mustIndexOf(ip: string): number {
    const i = this.indexOf(ip);
    if (i === null) throw allocationErrors.ipNotInRange(ip, this.spec);
    return i;
  }

  ipAt(i: number): string {
    return formatIP(fromBig(this.base + BigInt(i), this.len));
  }

  /** The CIDR's first usable address (the default/kubernetes ClusterIP). */
  first(): string {
    return this.ipAt(0);
  }
}

/**
 * CIDR arithmetic for --service-cluster-ip-range: parsing as k8s.io/utils/net.ParseCIDRSloppy
 * does (IPv4 octets may carry leading zeros), and the service IP range rules of upstream's
 * ServiceIPRange.
 */

export interface Cidr {
  /** Network address bytes (host bits cleared): 4 for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

export const bitsOf = (c: Cidr): number => c.bytes.length * 8;
export const isIPv4Cidr = (c: Cidr): boolean => c.bytes.length === 4;

function parseIPv4Sloppy(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^[0-9]{1,3}$/.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let head = s;
  let tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
    if (tail.includes('::')) return null;
  }
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const res: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4Sloppy(g);
        if (!v4) return null;
        res.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        res.push(parseInt(g, 16));
      } else {
        return null;
      }
    }
    return res;
  };
  const h = words(head);
  const t = words(tail);
  if (!h || !t) return null;
  if (dbl < 0 ? h.length !== 8 : h.length + t.length > 7) return null;
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** ParseCIDRSloppy: "ip/prefix" with the host bits masked off, or null. */
export function parseCidrSloppy(s: string): Cidr | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const bytes = ipText.includes(':') ? parseIPv6(ipText) : parseIPv4Sloppy(ipText);
  if (!bytes || !/^[0-9]+$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > bytes.length * 8) return null;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    bytes[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return { bytes, prefix };
}

export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  // Compress the longest run (>= 2) of zero words, as Go and RFC 5952 do.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map(w => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The address at offset n inside the range (upstream's GetIndexedIP). */
export function indexedIP(c: Cidr, n: number): string {
  let value = 0n;
  for (const b of c.bytes) value = (value << 8n) | BigInt(b);
  value += BigInt(n);
  const out = new Uint8Array(c.bytes.length);
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return formatIP(out);
}

/** Addresses in the range, capped at 2^16 as upstream's ServiceIPRange caps it. */
export function cappedRangeSize(c: Cidr): number {
  return 2 ** Math.min(bitsOf(c) - c.prefix, 16);
}

/** upstream's DefaultServiceIPCIDR, used (with a warning) when --service-cluster-ip-range is empty. */
export const DEFAULT_SERVICE_IP_CIDR = '10.0.0.0/24';

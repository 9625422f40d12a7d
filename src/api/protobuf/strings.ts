// String fields off the wire. A list repeats the same short values thousands of times
// ("Running", "TCP", a namespace, an image), and making a V8 string from bytes costs more than
// hashing the bytes and comparing them with a string made before, so short ASCII values go
// through a small direct-mapped cache: a hit allocates nothing.
import type { Reader } from './wire.js';

/** Node's Buffer methods behind toString(), undeclared in @types/node; each skips its argument checks. */
interface NodeBufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const SLOTS = 4096;
const MAX_CACHED = 32;
const cache: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);

/** The UTF-8 text of buf[start, end); `buf` is a Buffer (wire.ts's newReader makes sure of it). */
function textOf(buf: NodeBufferSlices & Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  if (n > MAX_CACHED) return buf.utf8Slice(start, end);
  let h = n;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return buf.utf8Slice(start, end);
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h ^ (h >>> 13)) & (SLOTS - 1);
  const hit = cache[slot];
  if (hit !== undefined && hit.length === n) {
    let i = 0;
    while (i < n && hit.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return hit;
  }
  // ASCII reads the same as Latin-1, which V8 copies without decoding.
  const s = buf.latin1Slice(start, end);
  cache[slot] = s;
  return s;
}

/** Reads a string field's value; a length past the end is a RangeError, as protobufjs throws. */
export function readString(r: Reader): string {
  const len = r.size();
  const start = r.pos;
  const end = start + len;
  if (end > r.len) throw new RangeError(`index out of range: ${start} + ${len} > ${r.len}`);
  r.pos = end;
  return textOf(r.buf as NodeBufferSlices & Uint8Array, start, end);
}

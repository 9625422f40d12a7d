// Protobuf wire helpers: protobufjs's Reader for decoding, our ProtoWriter for encoding, tags,
// field loops with gogo's error texts, and 64-bit integers as JSON numbers.
import protobuf from 'protobufjs/minimal.js';
import { ProtoWriter } from './writer.js';

export type Reader = protobuf.Reader;
export type Writer = ProtoWriter;

/** A reader over a Buffer (a Uint8Array is wrapped, not copied): strings.ts reads with Buffer methods. */
export const newReader = (buf: Uint8Array): Reader =>
  protobuf.Reader.create(Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
export const newWriter = (): Writer => new ProtoWriter();

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  Fixed32 = 5,
}

/** Malformed input; the envelope turns it into a 400 BadRequest. */
export class ProtoDecodeError extends Error {}

export const tagOf = (no: number, wt: WireType): number => ((no << 3) | wt) >>> 0;

/** Calls `fn` for each field of the message body that ends at `end`; `fn` must consume the value. */
export function eachField(r: Reader, end: number, fn: (no: number, wt: number) => void): void {
  while (r.pos < end) {
    const key = r.uint32();
    const no = key >>> 3;
    const wt = key & 7;
    if (wt === 4) throw new ProtoDecodeError('proto: wiretype end group for non-group');
    if (no <= 0) throw new ProtoDecodeError(`proto: illegal tag ${no} (wire type ${wt})`);
    fn(no, wt);
  }
  if (r.pos > end) throw new ProtoDecodeError('unexpected EOF');
}

export function expectWire(wt: number, want: WireType, field: string): void {
  if (wt !== want) throw new ProtoDecodeError(`proto: wrong wireType = ${wt} for field ${field}`);
}

/** Skips a field nobody knows, as gogo's generated code does (upstream ignores unknown fields). */
export function skipField(r: Reader, wt: number): void {
  if (wt !== 0 && wt !== 1 && wt !== 2 && wt !== 3 && wt !== 5) throw new ProtoDecodeError(`proto: illegal wireType ${wt}`);
  r.skipType(wt);
}

/** The end offset of a length-delimited value starting at r.pos. */
export function delimitedEnd(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new ProtoDecodeError('unexpected EOF');
  return end;
}

/** protobufjs gives 64-bit values as {low, high} halves; JSON numbers are what the objects hold. */
function toNumber(v: number | protobuf.Long): number {
  if (typeof v === 'number') return v;
  const high = v.unsigned ? v.high >>> 0 : v.high;
  return high * 0x1_0000_0000 + (v.low >>> 0);
}

export const readInt64 = (r: Reader): number => toNumber(r.int64());
/** A signed 64-bit value exactly (durations in nanoseconds exceed 2^53). */
export function readInt64Exact(r: Reader): bigint {
  const v = r.int64();
  if (typeof v === 'number') return BigInt(v);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}
export const readUint64 = (r: Reader): number => toNumber(r.uint64());
export const readSint64 = (r: Reader): number => toNumber(r.sint64());
export const readFixed64 = (r: Reader): number => toNumber(r.fixed64());
export const readSfixed64 = (r: Reader): number => toNumber(r.sfixed64());

/**
 * A field key the caller has no case for: a group end or an illegal tag is an error, a known
 * field (`names[no]`) arrived with the wrong wire type, and anything else is skipped.
 */
export function otherField(r: Reader, key: number, names: ReadonlyArray<string | undefined>): void {
  const no = key >>> 3;
  const wt = key & 7;
  if (wt === 4) throw new ProtoDecodeError('proto: wiretype end group for non-group');
  if (no <= 0) throw new ProtoDecodeError(`proto: illegal tag ${no} (wire type ${wt})`);
  const name = names[no];
  if (name !== undefined) throw new ProtoDecodeError(`proto: wrong wireType = ${wt} for field ${name}`);
  skipField(r, wt);
}

/** After a message body's fields: reading past its end means its length was wrong. */
export function checkEnd(r: Reader, end: number): void {
  if (r.pos > end) throw new ProtoDecodeError('unexpected EOF');
}

// Kubernetes' protobuf envelope: the 4 bytes `k8s\0`, then a runtime.Unknown message
// {typeMeta(1) {apiVersion(1), kind(2)}, raw(2) the typed message, contentEncoding(3), contentType(4)}.
import { type Writer, delimitedEnd, eachField, expectWire, newReader, ProtoDecodeError, skipField, tagOf, WireType } from './wire.js';

export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** MAGIC as the little-endian fixed32 protobufjs writes. */
const MAGIC_LE32 = 0x0073386b;

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

/** Reads the envelope around a typed message; errors as upstream's protobuf serializer gives them. */
export function readEnvelope(data: Uint8Array): Envelope {
  if (data.length === 0) throw new ProtoDecodeError('empty data');
  if (data.length < MAGIC.length || !MAGIC.equals(data.subarray(0, MAGIC.length))) {
    throw new ProtoDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (data.length === MAGIC.length) throw new ProtoDecodeError('empty body');
  const r = newReader(data.subarray(MAGIC.length));
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0) };
  eachField(r, r.len, (no, wt) => {
    if (no === 1) {
      expectWire(wt, WireType.Bytes, 'TypeMeta');
      eachField(r, delimitedEnd(r), (tno, twt) => {
        if (tno === 1) { expectWire(twt, WireType.Bytes, 'APIVersion'); env.apiVersion = r.string(); }
        else if (tno === 2) { expectWire(twt, WireType.Bytes, 'Kind'); env.kind = r.string(); }
        else skipField(r, twt);
      });
    } else if (no === 2) {
      expectWire(wt, WireType.Bytes, 'Raw');
      env.raw = r.bytes();
    } else {
      // contentEncoding and contentType: upstream neither writes nor reads anything but "".
      skipField(r, wt);
    }
  });
  return env;
}

/** Writes the magic and the Unknown's typeMeta; the raw field (2) comes next, then the tail. */
export function writeEnvelopeHead(w: Writer, apiVersion: string, kind: string): void {
  w.fixed32(MAGIC_LE32);
  w.uint32(tagOf(1, WireType.Bytes)).fork()
    .uint32(tagOf(1, WireType.Bytes)).string(apiVersion)
    .uint32(tagOf(2, WireType.Bytes)).string(kind)
    .ldelim();
}

export const rawFieldTag = tagOf(2, WireType.Bytes);

/** The (empty) contentEncoding and contentType after the raw field, as Go writes them. */
export function writeEnvelopeTail(w: Writer): void {
  w.uint32(tagOf(3, WireType.Bytes)).string('').uint32(tagOf(4, WireType.Bytes)).string('');
}

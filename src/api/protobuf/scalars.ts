// Scalar fields between JSON values and the wire: strings, base64 bytes, booleans, integers and
// floating point numbers.
import { wrongType } from './special-types.js';
import {
  type Reader, type Writer, ProtoDecodeError, readFixed64, readInt64, readSfixed64, readSint64, readUint64, WireType,
} from './wire.js';

const wireTypes: Record<string, WireType> = {
  string: WireType.Bytes, bytes: WireType.Bytes,
  bool: WireType.Varint, int32: WireType.Varint, int64: WireType.Varint, uint32: WireType.Varint, uint64: WireType.Varint, sint32: WireType.Varint, sint64: WireType.Varint,
  double: WireType.Fixed64, fixed64: WireType.Fixed64, sfixed64: WireType.Fixed64,
  float: WireType.Fixed32, fixed32: WireType.Fixed32, sfixed32: WireType.Fixed32,
};

export const isScalar = (type: string): boolean => type in wireTypes;

export const wireTypeOf = (type: string): WireType => wireTypes[type]!;

/** Numeric scalars, which a repeated field may also send packed. */
export const isPackable = (type: string): boolean => type !== 'string' && type !== 'bytes' && type in wireTypes;

/** The JSON zero value of a scalar (what Go's omitempty drops). */
export function scalarZero(type: string): unknown {
  if (type === 'string' || type === 'bytes') return '';
  return type === 'bool' ? false : 0;
}

export const isZeroScalar = (v: unknown): boolean => v === '' || v === 0 || v === false;

/** Reads one scalar value (its wire type already checked, or packed). */
export function readScalarValue(r: Reader, type: string): unknown {
  switch (type) {
    case 'string': return r.string();
    case 'bytes': {
      const b = r.bytes();
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    }
    case 'bool': return r.bool();
    case 'int32': return r.int32();
    case 'int64': return readInt64(r);
    case 'uint32': return r.uint32();
    case 'uint64': return readUint64(r);
    case 'sint32': return r.sint32();
    case 'sint64': return readSint64(r);
    case 'fixed32': return r.fixed32();
    case 'sfixed32': return r.sfixed32();
    case 'fixed64': return readFixed64(r);
    case 'sfixed64': return readSfixed64(r);
    case 'double':
    case 'float': {
      const v = type === 'double' ? r.double() : r.float();
      // Go's JSON encoder cannot write these.
      if (!Number.isFinite(v)) throw new ProtoDecodeError(`json: unsupported value: ${v}`);
      return v;
    }
    default: throw new Error(`protobuf: unknown scalar type ${type}`);
  }
}

function integer(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType('an integer', value);
  return value;
}

/** Writes a scalar value (the tag is the caller's). */
export function writeScalar(w: Writer, type: string, value: unknown): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw wrongType('a string', value);
      w.string(value);
      return;
    case 'bytes':
      if (typeof value !== 'string') throw wrongType('a base64 string', value);
      w.bytes(Buffer.from(value, 'base64'));
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw wrongType('a boolean', value);
      w.bool(value);
      return;
    case 'int32': w.int32(integer(value)); return;
    case 'int64': w.int64(integer(value)); return;
    case 'uint32': w.uint32(integer(value)); return;
    case 'uint64': w.uint64(integer(value)); return;
    case 'sint32': w.sint32(integer(value)); return;
    case 'sint64': w.sint64(integer(value)); return;
    case 'fixed32': w.fixed32(integer(value)); return;
    case 'sfixed32': w.sfixed32(integer(value)); return;
    case 'fixed64': w.fixed64(integer(value)); return;
    case 'sfixed64': w.sfixed64(integer(value)); return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw wrongType('a number', value);
      if (type === 'double') w.double(value);
      else w.float(value);
      return;
    default: throw new Error(`protobuf: unknown scalar type ${type}`);
  }
}

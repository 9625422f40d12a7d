// The messages whose JSON form upstream writes by hand (apimachinery's and apiextensions'
// MarshalJSON methods): times, durations, quantities, int-or-string, embedded raw JSON, and the
// JSONSchemaProps unions. Each writes and reads the message body the way upstream's Go
// marshalers do.
import { parseQuantity, QuantityError } from '../decode/quantity.js';
import { MAGIC } from './envelope.js';
import { formatGoDuration, parseGoDuration } from '../../options/go-duration.js';
import { GoParseError } from '../../options/go-parse.js';
import { formatRfc3339, parseRfc3339, TimeValueError } from './times.js';
import { readString } from './strings.js';
import {
  type Reader, type Writer, checkEnd, delimitedEnd, eachField, expectWire, otherField, ProtoDecodeError, readInt64, readInt64Exact, skipField, tagOf, WireType,
} from './wire.js';

/** The generic encoder, for unions that hold ordinary messages. */
export interface EncodeRecurse {
  encodeMessage(w: Writer, message: string, value: unknown): void;
}

/** The generic decoder, for unions that hold ordinary messages. */
export interface DecodeRecurse {
  decodeMessage(r: Reader, end: number, message: string): unknown;
  /** Decodes `k8s\0`-enveloped bytes (raw JSON's protobuf twin) to JSON. */
  decodeEnveloped(raw: Uint8Array): unknown;
}

export interface SpecialCodec {
  /** JSON null is this type's zero value, an empty message (upstream writes a zero Time as null). */
  nullIsEmpty?: true;
  /** Writes the message body for a JSON value. */
  encode(w: Writer, value: unknown, recurse: EncodeRecurse): void;
  /** Reads the message body that ends at `end`; an empty body gives the Go zero value's JSON. */
  decode(r: Reader, end: number, recurse: DecodeRecurse): unknown;
}

/**
 * A JSON value of the wrong type for its field (the object breaks the schema). The encoder adds
 * the field path while the error unwinds, so the happy path builds no path strings.
 */
export class ProtoEncodeError extends Error {
  readonly path: string[] = [];

  describe(): string {
    return this.path.length > 0 ? `${this.path.join('.')}: ${this.message}` : this.message;
  }
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.';
const PROPS = `${APIEXT}JSONSchemaProps`;

export function wrongType(want: string, value: unknown): ProtoEncodeError {
  return new ProtoEncodeError(`expected ${want}, got ${JSON.stringify(value)}`);
}

function textOf(value: unknown): string {
  if (typeof value !== 'string') throw wrongType('a string', value);
  return value;
}

const TIMESTAMP_NAMES: ReadonlyArray<string | undefined> = [undefined, 'Seconds', 'Nanos'];

/** Reads {seconds(1) int64, nanos(2) int32}, the Timestamp upstream's Time types marshal to. */
function readTimestamp(r: Reader, end: number): { seconds: number; nanos: number } {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const key = r.uint32();
    if (key === tagOf(1, WireType.Varint)) seconds = readInt64(r);
    else if (key === tagOf(2, WireType.Varint)) nanos = r.int32();
    else otherField(r, key, TIMESTAMP_NAMES);
  }
  checkEnd(r, end);
  return { seconds, nanos };
}

function time(micro: boolean): SpecialCodec {
  return {
    nullIsEmpty: true,
    encode(w, value) {
      let t: { seconds: number; nanos: number };
      try {
        t = parseTime(textOf(value));
      } catch (e) {
        if (e instanceof TimeValueError) throw new ProtoEncodeError(e.message);
        throw e;
      }
      // metav1.Time keeps whole seconds only (its ProtoTime leaves nanos 0); MicroTime keeps microseconds.
      const nanos = micro ? Math.floor(t.nanos / 1000) * 1000 : 0;
      w.uint32(tagOf(1, WireType.Varint)).int64(t.seconds).uint32(tagOf(2, WireType.Varint)).int32(nanos);
    },
    decode(r, end) {
      // An empty body is Go's zero time, which JSON writes as null.
      if (r.pos === end) return null;
      const t = readTimestamp(r, end);
      try {
        return formatRfc3339(t.seconds, micro ? t.nanos : 0, micro);
      } catch (e) {
        if (e instanceof TimeValueError) throw new ProtoDecodeError(e.message);
        throw e;
      }
    },
  };
}

const duration: SpecialCodec = {
  encode(w, value) {
    let ns: bigint;
    try {
      ns = parseGoDuration(textOf(value));
    } catch (e) {
      if (e instanceof GoParseError) throw new ProtoEncodeError(e.message);
      throw e;
    }
    w.uint32(tagOf(1, WireType.Varint)).int64(ns.toString());
  },
  decode(r, end) {
    let ns = 0n;
    eachField(r, end, (no, wt) => {
      if (no === 1) { expectWire(wt, WireType.Varint, 'Duration'); ns = readInt64Exact(r); }
      else skipField(r, wt);
    });
    return formatGoDuration(ns);
  },
};

/**
 * `fn` remembered for the texts it has seen: a list repeats the same few quantities ("100m",
 * "64Mi") and timestamps. Errors are not remembered; the memory is dropped at 4,096 texts.
 */
function memoized<T>(fn: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return text => {
    let v = seen.get(text);
    if (v === undefined) {
      v = fn(text);
      if (seen.size >= 4096) seen.clear();
      seen.set(text, v);
    }
    return v;
  };
}

const canonicalQuantity = memoized(text => parseQuantity(text).text);
const parseTime = memoized(parseRfc3339);

const QUANTITY_NAMES: ReadonlyArray<string | undefined> = [undefined, 'String_'];

const quantity: SpecialCodec = {
  encode(w, value) {
    let text: string;
    try {
      text = canonicalQuantity(textOf(value));
    } catch (e) {
      if (e instanceof QuantityError) throw new ProtoEncodeError(e.message);
      throw e;
    }
    w.uint32(tagOf(1, WireType.Bytes)).string(text);
  },
  decode(r, end) {
    let text = '0';
    while (r.pos < end) {
      const key = r.uint32();
      if (key !== tagOf(1, WireType.Bytes)) {
        otherField(r, key, QUANTITY_NAMES);
        continue;
      }
      try {
        text = canonicalQuantity(readString(r));
      } catch (e) {
        if (e instanceof QuantityError) throw new ProtoDecodeError(e.message);
        throw e;
      }
    }
    checkEnd(r, end);
    return text;
  },
};

const intOrString: SpecialCodec = {
  encode(w, value) {
    // Go writes all three fields: type 0 (Int) with intVal, or type 1 (String) with strVal.
    if (typeof value === 'number' && Number.isInteger(value)) {
      w.uint32(tagOf(1, WireType.Varint)).int64(0).uint32(tagOf(2, WireType.Varint)).int32(value).uint32(tagOf(3, WireType.Bytes)).string('');
    } else if (typeof value === 'string') {
      w.uint32(tagOf(1, WireType.Varint)).int64(1).uint32(tagOf(2, WireType.Varint)).int32(0).uint32(tagOf(3, WireType.Bytes)).string(value);
    } else {
      throw wrongType('an integer or a string', value);
    }
  },
  decode(r, end) {
    let type = 0;
    let intVal = 0;
    let strVal = '';
    eachField(r, end, (no, wt) => {
      if (no === 1) { expectWire(wt, WireType.Varint, 'Type'); type = readInt64(r); }
      else if (no === 2) { expectWire(wt, WireType.Varint, 'IntVal'); intVal = r.int32(); }
      else if (no === 3) { expectWire(wt, WireType.Bytes, 'StrVal'); strVal = r.string(); }
      else skipField(r, wt);
    });
    if (type === 0) return intVal;
    if (type === 1) return strVal;
    throw new ProtoDecodeError('impossible IntOrString.Type');
  },
};

/** Reads the one bytes field a raw-JSON holder has (RawExtension, FieldsV1, JSON). */
function readRaw(r: Reader, end: number, field: string): Uint8Array | undefined {
  let raw: Uint8Array | undefined;
  eachField(r, end, (no, wt) => {
    if (no !== 1) return skipField(r, wt);
    expectWire(wt, WireType.Bytes, field);
    raw = r.bytes();
  });
  return raw;
}

function parseRaw(raw: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')) as unknown;
  } catch (e) {
    throw new ProtoDecodeError(`${what}: the embedded value is not JSON: ${(e as Error).message}`);
  }
}

/** A message holding JSON bytes in field 1; `null` when empty, as upstream's MarshalJSON writes it. */
function rawJson(field: string, what: string): SpecialCodec {
  return {
    nullIsEmpty: true,
    encode(w, value) {
      // The JSON text's UTF-8 bytes: on the wire a string and bytes field look the same.
      w.uint32(tagOf(1, WireType.Bytes)).string(JSON.stringify(value));
    },
    decode(r, end, recurse) {
      const raw = readRaw(r, end, field);
      if (!raw || raw.length === 0) return null;
      // A Go client may embed a protobuf object (RawExtension.Raw is opaque bytes).
      if (raw.length >= 4 && MAGIC.equals(Buffer.from(raw.buffer, raw.byteOffset, 4))) return recurse.decodeEnveloped(raw);
      return parseRaw(raw, what);
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function writeProps(w: Writer, no: number, value: unknown, recurse: EncodeRecurse): void {
  w.uint32(tagOf(no, WireType.Bytes)).fork();
  recurse.encodeMessage(w, PROPS, value);
  w.ldelim();
}

function readProps(r: Reader, wt: number, recurse: DecodeRecurse): unknown {
  expectWire(wt, WireType.Bytes, 'Schema');
  return recurse.decodeMessage(r, delimitedEnd(r), PROPS);
}

/** JSONSchemaPropsOrArray {schema(1), jSONSchemas(2) repeated}: a schema, or an array of them. */
const propsOrArray: SpecialCodec = {
  encode(w, value, recurse) {
    if (Array.isArray(value)) for (const v of value) writeProps(w, 2, v, recurse);
    else if (isRecord(value)) writeProps(w, 1, value, recurse);
    else throw wrongType('an object or an array', value);
  },
  decode(r, end, recurse) {
    let schema: unknown = null;
    const list: unknown[] = [];
    eachField(r, end, (no, wt) => {
      if (no === 1) schema = readProps(r, wt, recurse);
      else if (no === 2) list.push(readProps(r, wt, recurse));
      else skipField(r, wt);
    });
    return list.length > 0 ? list : schema;
  },
};

/** JSONSchemaPropsOrBool {allows(1), schema(2)}: a schema, or a boolean. */
const propsOrBool: SpecialCodec = {
  encode(w, value, recurse) {
    if (typeof value === 'boolean') {
      w.uint32(tagOf(1, WireType.Varint)).bool(value);
    } else if (isRecord(value)) {
      // Go's UnmarshalJSON sets Allows for a schema.
      w.uint32(tagOf(1, WireType.Varint)).bool(true);
      writeProps(w, 2, value, recurse);
    } else {
      throw wrongType('an object or a boolean', value);
    }
  },
  decode(r, end, recurse) {
    let allows = false;
    let schema: unknown;
    eachField(r, end, (no, wt) => {
      if (no === 1) { expectWire(wt, WireType.Varint, 'Allows'); allows = r.bool(); }
      else if (no === 2) schema = readProps(r, wt, recurse);
      else skipField(r, wt);
    });
    return schema !== undefined ? schema : allows;
  },
};

/** JSONSchemaPropsOrStringArray {schema(1), property(2) repeated string}. */
const propsOrStrings: SpecialCodec = {
  encode(w, value, recurse) {
    if (Array.isArray(value)) {
      for (const v of value) w.uint32(tagOf(2, WireType.Bytes)).string(textOf(v));
    } else if (isRecord(value)) {
      writeProps(w, 1, value, recurse);
    } else {
      throw wrongType('an object or an array of strings', value);
    }
  },
  decode(r, end, recurse) {
    let schema: unknown = null;
    const property: string[] = [];
    eachField(r, end, (no, wt) => {
      if (no === 1) schema = readProps(r, wt, recurse);
      else if (no === 2) { expectWire(wt, WireType.Bytes, 'Property'); property.push(r.string()); }
      else skipField(r, wt);
    });
    return property.length > 0 ? property : schema;
  },
};

const specials = new Map<string, SpecialCodec>([
  [`${META}Time`, time(false)],
  [`${META}MicroTime`, time(true)],
  [`${META}Duration`, duration],
  [`${META}FieldsV1`, rawJson('Raw', 'FieldsV1')],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', rawJson('Raw', 'RawExtension')],
  [`${APIEXT}JSON`, rawJson('Raw', 'JSON')],
  [`${APIEXT}JSONSchemaPropsOrArray`, propsOrArray],
  [`${APIEXT}JSONSchemaPropsOrBool`, propsOrBool],
  [`${APIEXT}JSONSchemaPropsOrStringArray`, propsOrStrings],
]);

export function specialCodec(message: string): SpecialCodec | undefined {
  return specials.get(message);
}

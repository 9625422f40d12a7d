// The schema-driven walkers: one encoder (JSON-shaped value -> message body) and one decoder
// (message body -> the JSON upstream's Go types would write), both driven by the generated table,
// with the hand-written types in special-types.ts.
import { readEnvelope } from './envelope.js';
import { isArrayWrapper, messageForKind, messageSpec } from './schema.js';
import type { FieldSpec } from './schema-types.js';
import { isPackable, isScalar, isZeroScalar, readScalar, readScalarValue, scalarZero, wireTypeOf, writeScalar } from './scalars.js';
import { ProtoEncodeError, type DecodeRecurse, type EncodeRecurse, specialCodec, wrongType } from './special-types.js';
import { type Reader, type Writer, delimitedEnd, eachField, expectWire, newReader, ProtoDecodeError, skipField, tagOf, WireType } from './wire.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets a key that came off the wire (a map key may be "__proto__"). */
function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

const recurse: EncodeRecurse & DecodeRecurse = {
  encodeMessage: (w, message, value) => encodeMessage(w, message, value),
  decodeMessage: (r, end, message) => decodeMessage(r, end, message),
  decodeEnveloped: raw => decodeEnvelopedValue(raw),
};

// ---- encoding ----

function writeValue(w: Writer, no: number, type: string, value: unknown): void {
  if (isScalar(type)) {
    w.uint32(tagOf(no, wireTypeOf(type)));
    writeScalar(w, type, value === null ? scalarZero(type) : value);
    return;
  }
  w.uint32(tagOf(no, WireType.Bytes)).fork();
  // A null element or map value is Go's zero value: an empty message.
  if (value !== null) encodeMessage(w, type, value);
  w.ldelim();
}

function writeField(w: Writer, f: FieldSpec, value: unknown): void {
  if (f.key !== undefined) {
    if (!isRecord(value)) throw wrongType('an object', value);
    // Go's generated marshalers sort map keys, which makes the bytes deterministic.
    for (const k of Object.keys(value).sort()) {
      w.uint32(tagOf(f.no, WireType.Bytes)).fork();
      w.uint32(tagOf(1, wireTypeOf(f.key)));
      writeScalar(w, f.key, f.key === 'string' ? k : Number(k));
      writeValue(w, 2, f.type, value[k]);
      w.ldelim();
    }
  } else if (f.repeated) {
    if (!Array.isArray(value)) throw wrongType('an array', value);
    // proto2 as gogo writes it: repeated scalars unpacked, one tag per element.
    for (const v of value) writeValue(w, f.no, f.type, v);
  } else {
    writeValue(w, f.no, f.type, value);
  }
}

/** Writes the body of `message` for a JSON-shaped value; fields JSON does not have are left out. */
export function encodeMessage(w: Writer, message: string, value: unknown): void {
  const special = specialCodec(message);
  if (special) return special.encode(w, value, recurse);
  if (isArrayWrapper(message)) {
    if (!Array.isArray(value)) throw wrongType('an array', value);
    for (const v of value) writeValue(w, 1, 'string', v);
    return;
  }
  if (!isRecord(value)) throw wrongType('an object', value);
  for (const f of messageSpec(message).fields) {
    try {
      if (f.inline) {
        // JSON flattens an embedded struct into its parent; Go writes it as a nested message.
        w.uint32(tagOf(f.no, WireType.Bytes)).fork();
        encodeMessage(w, f.type, value);
        w.ldelim();
        continue;
      }
      const v = value[f.name];
      if (v === undefined) continue;
      if (v === null) {
        // null round-trips as the empty message for types whose zero JSON is null (Time).
        if (!f.repeated && f.key === undefined && specialCodec(f.type)?.nullIsEmpty) w.uint32(tagOf(f.no, WireType.Bytes)).uint32(0);
        continue;
      }
      writeField(w, f, v);
    } catch (e) {
      if (e instanceof ProtoEncodeError && !f.inline) e.path.unshift(f.name);
      throw e;
    }
  }
}

// ---- decoding ----

function readMessageValue(r: Reader, wt: number, type: string, field: string): unknown {
  expectWire(wt, WireType.Bytes, field);
  return decodeMessage(r, delimitedEnd(r), type);
}

function readMapEntry(r: Reader, f: FieldSpec, out: Record<string, unknown>): void {
  const end = delimitedEnd(r);
  let key: unknown = scalarZero(f.key!);
  let value: unknown;
  eachField(r, end, (no, wt) => {
    if (no === 1) key = readScalar(r, f.key!, wt, f.name);
    else if (no === 2) value = isScalar(f.type) ? readScalar(r, f.type, wt, f.name) : readMessageValue(r, wt, f.type, f.name);
    else skipField(r, wt);
  });
  // A missing value is the Go zero value of the map's value type.
  if (value === undefined) value = isScalar(f.type) ? scalarZero(f.type) : decodeMessage(r, r.pos, f.type);
  let map = out[f.name];
  if (!isRecord(map)) {
    map = {};
    out[f.name] = map;
  }
  setKey(map as Record<string, unknown>, String(key), value);
}

function readRepeated(r: Reader, f: FieldSpec, wt: number, out: Record<string, unknown>): void {
  let list = out[f.name] as unknown[] | undefined;
  if (!list) {
    list = [];
    out[f.name] = list;
  }
  if (!isScalar(f.type)) {
    list.push(readMessageValue(r, wt, f.type, f.name));
  } else if (wt === WireType.Bytes && isPackable(f.type)) {
    // Packed encoding; gogo's decoders accept it as proto requires.
    const end = delimitedEnd(r);
    while (r.pos < end) list.push(readScalarValue(r, f.type));
    if (r.pos !== end) throw new ProtoDecodeError('unexpected EOF');
  } else {
    list.push(readScalar(r, f.type, wt, f.name));
  }
}

/**
 * Reads the body of `message` that ends at `end` into the JSON upstream writes for it: Go's
 * omitempty drops zero scalars that are neither pointers nor always written; pointers keep a
 * present zero (`replicas: 0`). Unknown fields are skipped, as gogo's generated code does.
 */
export function decodeMessage(r: Reader, end: number, message: string): unknown {
  const special = specialCodec(message);
  if (special) return special.decode(r, end, recurse);
  if (isArrayWrapper(message)) {
    const items: string[] = [];
    eachField(r, end, (no, wt) => {
      if (no === 1) items.push(readScalar(r, 'string', wt, 'Items') as string);
      else skipField(r, wt);
    });
    return items;
  }
  const spec = messageSpec(message);
  const out: Record<string, unknown> = {};
  let inlined: Map<string, unknown> | undefined;
  eachField(r, end, (no, wt) => {
    const f = spec.byNumber.get(no);
    if (!f) return skipField(r, wt);
    if (f.key !== undefined) return readMapEntry(r, f, out);
    if (f.repeated) return readRepeated(r, f, wt, out);
    if (isScalar(f.type)) {
      out[f.name] = readScalar(r, f.type, wt, f.name);
      return;
    }
    const v = readMessageValue(r, wt, f.type, f.name);
    // A message field sent twice merges, as proto requires.
    const merge = (prev: unknown) => (isRecord(prev) && isRecord(v) ? { ...prev, ...v } : v);
    if (f.inline) (inlined ??= new Map()).set(f.name, merge(inlined.get(f.name)));
    else out[f.name] = merge(out[f.name]);
  });
  for (const f of spec.fields) {
    if (f.presence === undefined && f.key === undefined && !f.repeated && isScalar(f.type) && isZeroScalar(out[f.name])) delete out[f.name];
  }
  if (inlined) {
    for (const v of inlined.values()) if (isRecord(v)) Object.assign(out, v);
  }
  return out;
}

/** A `k8s\0`-enveloped object embedded in raw bytes, as JSON with its apiVersion and kind. */
export function decodeEnvelopedValue(raw: Uint8Array): Record<string, unknown> {
  const env = readEnvelope(raw);
  const slash = env.apiVersion.indexOf('/');
  const [group, version] = slash >= 0 ? [env.apiVersion.slice(0, slash), env.apiVersion.slice(slash + 1)] : ['', env.apiVersion];
  const message = messageForKind(group, version, env.kind);
  if (!message) throw new ProtoDecodeError(`no kind "${env.kind}" is registered for version "${env.apiVersion}"`);
  const r = newReader(env.raw);
  const body = decodeMessage(r, r.len, message) as Record<string, unknown>;
  return { kind: env.kind, apiVersion: env.apiVersion, ...body };
}

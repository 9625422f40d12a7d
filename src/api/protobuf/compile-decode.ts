// The protobuf decoder, specialised per message at first use (as compile-encode.ts does for
// encoding): a `switch` over the field keys the message expects, each case reading its value
// with the right reader and storing it under a fixed property name, so the objects of one message
// type share one hidden class. Keys no case expects (wrong wire types, unknown or malformed
// fields) go to otherField, which gives gogo's errors.
import { readEnvelope } from './envelope.js';
import { functionName, lazySlots, type Slot as SlotOf } from './slots.js';
import { isArrayWrapper, messageForKind, messageSpec } from './schema.js';
import type { FieldSpec } from './schema-types.js';
import { isPackable, isScalar, isZeroScalar, readScalarValue, scalarZero, wireTypeOf } from './scalars.js';
import { type DecodeRecurse, specialCodec } from './special-types.js';
import { readString } from './strings.js';
import { type Reader, checkEnd, delimitedEnd, newReader, otherField, ProtoDecodeError, readInt64, tagOf, WireType } from './wire.js';

type Decode = (r: Reader, end: number) => unknown;
type Slot = SlotOf<Decode>;

const recurse: DecodeRecurse = {
  decodeMessage: (r, end, message) => decodeMessage(r, end, message),
  decodeEnveloped: raw => decodeEnvelopedValue(raw),
};

const slotOf = lazySlots<Decode>(build);

/**
 * Reads the body of `message` that ends at `end` into the JSON upstream writes for it: Go's
 * omitempty drops zero scalars that are neither pointers nor always written; pointers keep a
 * present zero (`replicas: 0`). Unknown fields are skipped, as gogo's generated code does.
 */
export function decodeMessage(r: Reader, end: number, message: string): unknown {
  return slotOf(message).fn(r, end);
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A message field sent twice merges, as proto requires. */
const merge = (prev: unknown, v: unknown): unknown => (isRecord(prev) && isRecord(v) ? { ...prev, ...v } : v);

/** Sets a key that came off the wire (a map key may be "__proto__"). */
function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Deletes the zero scalars omitempty drops; only needed when a zero overwrote a value. */
function dropZeros(out: Record<string, unknown>, names: readonly string[]): void {
  for (const n of names) if (isZeroScalar(out[n])) delete out[n];
}

interface Env {
  names: ReadonlyArray<string | undefined>;
  zeroNames: readonly string[];
  otherField: typeof otherField;
  checkEnd: typeof checkEnd;
  delimitedEnd: typeof delimitedEnd;
  readString: typeof readString;
  readInt64: typeof readInt64;
  readScalarValue: typeof readScalarValue;
  merge: typeof merge;
  setKey: typeof setKey;
  dropZeros: typeof dropZeros;
  ProtoDecodeError: typeof ProtoDecodeError;
}

/** The generated expression reading one scalar of `type` (its wire type already matched). */
function scalarRead(type: string): string {
  switch (type) {
    case 'string': return 'E.readString(r)';
    case 'bool': return 'r.bool()';
    case 'int32': return 'r.int32()';
    case 'int64': return 'E.readInt64(r)';
    default: return `E.readScalarValue(r, ${JSON.stringify(type)})`;
  }
}

class Gen {
  readonly slots: Slot[] = [];
  private readonly slotIndex = new Map<string, number>();

  dec(type: string): string {
    let i = this.slotIndex.get(type);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push(slotOf(type));
      this.slotIndex.set(type, i);
    }
    return `S${i}.fn`;
  }

  /** Reads a value of `type` (a scalar, or a length-delimited message). */
  read(type: string): string {
    return isScalar(type) ? scalarRead(type) : `${this.dec(type)}(r, E.delimitedEnd(r))`;
  }

  /** One map entry {key(1), value(2)}; a missing value is the Go zero value of its type. */
  mapEntry(f: FieldSpec, prop: string): string {
    const key = f.key!;
    const names = JSON.stringify([undefined, f.name, f.name]);
    const zeroValue = isScalar(f.type) ? JSON.stringify(scalarZero(f.type)) : `${this.dec(f.type)}(r, r.pos)`;
    return `{
      const e = E.delimitedEnd(r); let k = ${JSON.stringify(scalarZero(key))}, v;
      while (r.pos < e) {
        const t = r.uint32();
        if (t === ${tagOf(1, wireTypeOf(key))}) k = ${scalarRead(key)};
        else if (t === ${tagOf(2, isScalar(f.type) ? wireTypeOf(f.type) : WireType.Bytes)}) v = ${this.read(f.type)};
        else E.otherField(r, t, ${names});
      }
      E.checkEnd(r, e);
      if (v === undefined) v = ${zeroValue};
      let m = out${prop};
      if (m === undefined) out${prop} = m = {};
      E.setKey(m, String(k), v);
    }`;
  }

  /** The switch cases of one field. */
  cases(f: FieldSpec, zeroNames: string[]): string {
    const prop = `[${JSON.stringify(f.name)}]`;
    if (f.key !== undefined) {
      // Every wire type but a group end reads as an entry, as the table-driven decoder did.
      const keys = [0, 1, 2, 3, 5, 6, 7].map(wt => `case ${tagOf(f.no, wt)}:`).join(' ');
      return `${keys} ${this.mapEntry(f, prop)} break;`;
    }
    const scalar = isScalar(f.type);
    const key = tagOf(f.no, scalar ? wireTypeOf(f.type) : WireType.Bytes);
    if (f.repeated) {
      let code = `case ${key}: (out${prop} ??= []).push(${this.read(f.type)}); break;`;
      if (scalar && isPackable(f.type)) {
        // Packed encoding; gogo's decoders accept it as proto requires.
        code += ` case ${tagOf(f.no, WireType.Bytes)}: {
          const l = (out${prop} ??= []); const e = E.delimitedEnd(r);
          while (r.pos < e) l.push(${scalarRead(f.type)});
          if (r.pos !== e) throw new E.ProtoDecodeError("unexpected EOF");
        } break;`;
      }
      return code;
    }
    if (f.inline) return `case ${key}: v = ${this.read(f.type)}; inl = inl === undefined ? v : E.merge(inl, v); break;`;
    if (!scalar) return `case ${key}: v = ${this.read(f.type)}; p = out${prop}; out${prop} = p === undefined ? v : E.merge(p, v); break;`;
    if (f.presence !== undefined) return `case ${key}: out${prop} = ${scalarRead(f.type)}; break;`;
    // omitempty: a zero is not set; a zero over a value is, and the pass at the end drops it.
    zeroNames.push(f.name);
    const zero = JSON.stringify(scalarZero(f.type));
    return `case ${key}: v = ${scalarRead(f.type)};
      if (v !== ${zero}) out${prop} = v; else if (${JSON.stringify(f.name)} in out) { out${prop} = v; dirty = true; }
      break;`;
  }

  message(message: string, env: { names: Array<string | undefined>; zeroNames: string[] }): string {
    const cases: string[] = [];
    let inline = false;
    for (const f of messageSpec(message).fields) {
      env.names[f.no] = f.name;
      inline ||= f.inline === true;
      cases.push(this.cases(f, env.zeroNames));
    }
    return `const out = {}; let v, p, inl, dirty = false;
      while (r.pos < end) {
        const t = r.uint32();
        switch (t) { ${cases.join('\n')} default: E.otherField(r, t, E.names); }
      }
      E.checkEnd(r, end);
      if (dirty) E.dropZeros(out, E.zeroNames);
      ${inline ? 'if (inl !== undefined && typeof inl === "object" && inl !== null && !Array.isArray(inl)) Object.assign(out, inl);' : ''}
      return out;`;
  }
}

const ITEMS_NAMES: ReadonlyArray<string | undefined> = [undefined, 'Items'];

/** A Go `[]string` type: JSON writes its repeated `items` (field 1) as a plain array. */
function decodeArrayWrapper(r: Reader, end: number): string[] {
  const items: string[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === tagOf(1, WireType.Bytes)) items.push(readString(r));
    else otherField(r, t, ITEMS_NAMES);
  }
  checkEnd(r, end);
  return items;
}

function build(message: string): Decode {
  const special = specialCodec(message);
  if (special) return (r, end) => special.decode(r, end, recurse);
  if (isArrayWrapper(message)) return decodeArrayWrapper;
  const gen = new Gen();
  const tables = { names: [] as Array<string | undefined>, zeroNames: [] as string[] };
  const body = gen.message(message, tables);
  const env: Env = {
    ...tables, otherField, checkEnd, delimitedEnd, readString, readInt64, readScalarValue, merge, setKey, dropZeros, ProtoDecodeError,
  };
  const slotNames = gen.slots.map((_, i) => `S${i}`);
  const factory = new Function('E', ...slotNames, `"use strict"; return function ${functionName('decode', message)}(r, end) { ${body} };`) as (env: Env, ...s: Slot[]) => Decode;
  return factory(env, ...gen.slots);
}

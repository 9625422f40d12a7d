// The protobuf encoder, specialised per message at first use: one JS function per message,
// generated from the schema table with `new Function`, that reads each field by its name. Each
// generated property read gets its own inline cache, which a loop over the table with
// `value[f.name]` cannot have (there every read is one megamorphic site); that is what makes a
// list of pods encode faster than JSON.stringify writes it.
import { functionName, lazySlots, type Slot as SlotOf } from './slots.js';
import { isArrayWrapper, messageSpec } from './schema.js';
import type { FieldSpec } from './schema-types.js';
import { isScalar, scalarZero, wireTypeOf, writeScalar } from './scalars.js';
import { type EncodeRecurse, ProtoEncodeError, specialCodec, wrongType } from './special-types.js';
import { tagOf, WireType, type Writer } from './wire.js';

type Encode = (w: Writer, value: unknown) => void;
type Slot = SlotOf<Encode>;

const recurse: EncodeRecurse = { encodeMessage: (w, message, value) => encodeMessage(w, message, value) };

const slotOf = lazySlots<Encode>(build);

/** Writes the body of `message` for a JSON-shaped value; fields JSON does not have are left out. */
export function encodeMessage(w: Writer, message: string, value: unknown): void {
  slotOf(message).fn(w, value);
}

/** An object's keys in the order Go's marshalers write map entries; most maps are in order already. */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort();
  }
  return keys;
}

/** What the generated code may call, passed in as the parameters of `new Function`. */
interface Env {
  names: string[];
  slots: Slot[];
  wrongType: typeof wrongType;
  writeScalar: typeof writeScalar;
  sortedKeys: typeof sortedKeys;
  ProtoEncodeError: typeof ProtoEncodeError;
}

/** Generated source writing a field's tag. */
function tag(no: number, wt: WireType): string {
  const t = tagOf(no, wt);
  return t < 0x80 ? `w.byte(${t});` : `w.uint32(${t});`;
}

/** Generated source that writes field `no` holding scalar `x` of `type`, tag and value. */
function scalarCode(no: number, type: string, x: string): string {
  const t = tagOf(no, wireTypeOf(type));
  switch (type) {
    case 'string': {
      const write = t < 0x80 ? `w.stringField(${t}, ${x});` : `${tag(no, WireType.Bytes)} w.string(${x});`;
      return `if (typeof ${x} !== "string") throw E.wrongType("a string", ${x}); ${write}`;
    }
    case 'bool': return `if (typeof ${x} !== "boolean") throw E.wrongType("a boolean", ${x}); ${tag(no, WireType.Varint)} w.bool(${x});`;
    case 'int32':
    case 'int64': return `if (typeof ${x} !== "number" || !Number.isInteger(${x})) throw E.wrongType("an integer", ${x}); ${tag(no, WireType.Varint)} w.${type}(${x});`;
    default: return `${tag(no, wireTypeOf(type))} E.writeScalar(w, ${JSON.stringify(type)}, ${x});`;
  }
}

class Gen {
  readonly env: Env = { names: [], slots: [], wrongType, writeScalar, sortedKeys, ProtoEncodeError };
  private readonly slotIndex = new Map<string, number>();
  /** How many nested-message sites there are: each keeps the length size it wrote last (`R<i>`). */
  sites = 0;

  /** Generated source writing message `x` of `type` at field `no` (`x` null: an empty message). */
  nested(no: number, type: string, x: string, mayBeNull: boolean): string {
    const site = `R${this.sites++}`;
    const body = `${this.enc(type)}(w, ${x});`;
    return `${tag(no, WireType.Bytes)} w.fork(${site}); ${mayBeNull ? `if (${x} !== null) ${body}` : body} ${site} = w.close();`;
  }

  /** The expression for a message type's encoder function. */
  enc(type: string): string {
    let i = this.slotIndex.get(type);
    if (i === undefined) {
      i = this.env.slots.length;
      this.env.slots.push(slotOf(type));
      this.slotIndex.set(type, i);
    }
    return `S${i}.fn`;
  }

  /** Writes element or map value `x` at field `no`: null is the Go zero value. */
  value(no: number, type: string, x: string): string {
    if (isScalar(type)) {
      const zero = JSON.stringify(scalarZero(type));
      return `if (${x} === null) ${x} = ${zero}; ${scalarCode(no, type, x)}`;
    }
    return this.nested(no, type, x, true);
  }

  field(f: FieldSpec): string {
    if (f.key !== undefined) {
      // Go's generated marshalers sort map keys, which makes the bytes deterministic.
      return `if (typeof x !== "object" || Array.isArray(x)) throw E.wrongType("an object", x);
        const ks = E.sortedKeys(x);
        for (let i = 0; i < ks.length; i++) {
          const k = ks[i]; let y = x[k];
          ${tag(f.no, WireType.Bytes)} w.fork();
          ${scalarCode(1, f.key, f.key === 'string' ? 'k' : 'Number(k)')}
          ${this.value(2, f.type, 'y')}
          w.close();
        }`;
    }
    if (f.repeated) {
      // proto2 as gogo writes it: repeated scalars unpacked, one tag per element.
      return `if (!Array.isArray(x)) throw E.wrongType("an array", x);
        for (let i = 0; i < x.length; i++) { let y = x[i]; ${this.value(f.no, f.type, 'y')} }`;
    }
    if (isScalar(f.type)) return scalarCode(f.no, f.type, 'x');
    return this.nested(f.no, f.type, 'x', false);
  }

  /** The body of a message's encoder: each field in number order, `at` naming it for errors. */
  message(message: string): string {
    const lines: string[] = [];
    for (const f of messageSpec(message).fields) {
      if (f.inline) {
        // JSON flattens an embedded struct into its parent; Go writes it as a nested message.
        lines.push(`at = -1; ${this.nested(f.no, f.type, 'v', false)}`);
        continue;
      }
      const at = this.env.names.length;
      this.env.names.push(f.name);
      // null round-trips as the empty message for types whose zero JSON is null (Time).
      const onNull = !f.repeated && f.key === undefined && specialCodec(f.type)?.nullIsEmpty ? `${tag(f.no, WireType.Bytes)} w.byte(0);` : '';
      lines.push(`at = ${at}; x = v[${JSON.stringify(f.name)}];
        if (x !== undefined) { if (x === null) { ${onNull} } else { ${this.field(f)} } }`);
    }
    return `if (typeof v !== "object" || v === null || Array.isArray(v)) throw E.wrongType("an object", v);
      let at = -1, x;
      try { ${lines.join('\n')} }
      catch (e) { if (e instanceof E.ProtoEncodeError && at >= 0) e.path.unshift(E.names[at]); throw e; }`;
  }
}

function build(message: string): Encode {
  const special = specialCodec(message);
  if (special) return (w, value) => special.encode(w, value, recurse);
  const gen = new Gen();
  const body = isArrayWrapper(message)
    ? `if (!Array.isArray(v)) throw E.wrongType("an array", v); for (let i = 0; i < v.length; i++) { let y = v[i]; ${gen.value(1, 'string', 'y')} }`
    : gen.message(message);
  const slotNames = gen.env.slots.map((_, i) => `S${i}`);
  const sites = Array.from({ length: gen.sites }, (_, i) => `R${i} = 1`);
  // The slots are parameters so the generated code reads them as constants, not through E.
  const factory = new Function('E', ...slotNames, `"use strict"; ${sites.length > 0 ? `let ${sites.join(', ')};` : ''}
    return function ${functionName('encode', message)}(w, v) { ${body} };`) as (env: Env, ...s: Slot[]) => Encode;
  return factory(gen.env, ...gen.env.slots);
}

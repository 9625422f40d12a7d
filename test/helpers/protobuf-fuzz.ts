// A seeded generator of random objects of every protobuf message, in the JSON form upstream
// writes (protobuf-fuzz.test.ts round-trips them; protobuf-compiled.test.ts compares codecs on them).
import { parseQuantity } from '../../src/api/decode/quantity.js';
import { isArrayWrapper, messageSpec } from '../../src/api/protobuf/schema.js';
import type { FieldSpec } from '../../src/api/protobuf/schema-types.js';
import { formatRfc3339 } from '../../src/api/protobuf/times.js';
import { formatGoDuration } from '../../src/options/go-duration.js';

const MAX_DEPTH = 7;

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(private readonly rand: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.rand() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }

  text(nonEmpty: boolean): string {
    const alphabet = ['a', 'b', 'Z', '0', '-', '.', '/', ' ', 'é', '☃', '😀', '\n', '"', '\\', '\0'];
    const n = this.int(nonEmpty ? 1 : 0, 8);
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(alphabet);
    return s;
  }

  scalar(type: string, nonZero: boolean): unknown {
    switch (type) {
      case 'string': return this.text(nonZero);
      case 'bytes': {
        const b = Buffer.alloc(this.int(nonZero ? 1 : 0, 6));
        for (let i = 0; i < b.length; i++) b[i] = this.int(0, 255);
        return b.toString('base64');
      }
      case 'bool': return nonZero ? true : this.chance(0.5);
      case 'int32': return this.nonZero(nonZero, () => this.pick([0, 1, -1, 127, 128, 2147483647, -2147483648, this.int(-1e6, 1e6)]));
      case 'int64': return this.nonZero(nonZero, () => this.pick([0, 1, -1, 2 ** 40 + 3, -(2 ** 50), Number.MAX_SAFE_INTEGER, this.int(-1e9, 1e9)]));
      case 'double': return this.nonZero(nonZero, () => this.pick([0, 1.5, -0.25, 1e300, 3, this.rand() * 1000]));
      default: throw new Error(`fuzz: no generator for ${type}`);
    }
  }

  private nonZero(nonZero: boolean, f: () => number): number {
    for (;;) {
      const v = f();
      if (!nonZero || v !== 0) return v;
    }
  }

  json(depth: number): unknown {
    const k = this.int(0, depth > 2 ? 3 : 5);
    if (k === 0) return this.text(false);
    if (k === 1) return this.int(-100, 100);
    if (k === 2) return this.chance(0.5);
    if (k === 3) return null;
    if (k === 4) return [this.json(depth + 1), this.json(depth + 1)];
    return { [this.text(true)]: this.json(depth + 1), x: this.json(depth + 1) };
  }

  special(message: string, depth: number): { value: unknown } | undefined {
    const short = message.slice(message.lastIndexOf('.') + 1);
    switch (short) {
      case 'Time': return { value: formatRfc3339(this.int(-62135596800, 253402300799), 0, false) };
      case 'MicroTime': return { value: formatRfc3339(this.int(0, 4102444800), this.int(0, 999999) * 1000, true) };
      case 'Duration': return { value: formatGoDuration(BigInt(this.int(-1e6, 1e6)) * BigInt(this.pick([1, 1000, 1e6, 1e9]))) };
      case 'Quantity': return { value: parseQuantity(this.pick(['0', '1', '100m', '1.5', '1Gi', '512Mi', '2k', '3e3', '-1', '1Ei', '0.001'])).text };
      case 'IntOrString': return { value: this.chance(0.5) ? this.int(-5, 65535) : this.text(false) };
      case 'RawExtension':
      case 'FieldsV1': return { value: { [this.text(true)]: this.json(1) } };
      case 'JSON': {
        // A null field is the same as an absent one, so a field holds something.
        let v = this.json(1);
        while (v === null) v = this.json(1);
        return { value: v };
      }
      case 'JSONSchemaPropsOrArray':
        return { value: this.chance(0.5) ? this.message(`${message.slice(0, message.lastIndexOf('.'))}.JSONSchemaProps`, depth + 1) : [this.message(`${message.slice(0, message.lastIndexOf('.'))}.JSONSchemaProps`, depth + 1)] };
      case 'JSONSchemaPropsOrBool':
        return { value: this.chance(0.5) ? this.chance(0.5) : this.message(`${message.slice(0, message.lastIndexOf('.'))}.JSONSchemaProps`, depth + 1) };
      case 'JSONSchemaPropsOrStringArray':
        return { value: this.chance(0.5) ? [this.text(false), this.text(true)] : this.message(`${message.slice(0, message.lastIndexOf('.'))}.JSONSchemaProps`, depth + 1) };
      default: return undefined;
    }
  }

  /** A value of a message type, in upstream's JSON form. */
  value(type: string, depth: number, nonZero: boolean): unknown {
    if (!type.includes('.')) return this.scalar(type, nonZero);
    return this.special(type, depth)?.value ?? (isArrayWrapper(type) ? [this.text(false)] : this.message(type, depth + 1));
  }

  field(f: FieldSpec, depth: number): unknown {
    if (f.key !== undefined) {
      const out: Record<string, unknown> = {};
      for (let i = this.int(1, 2); i > 0; i--) out[this.text(false)] = this.value(f.type, depth, false);
      return out;
    }
    if (f.repeated) return Array.from({ length: this.int(1, 2) }, () => this.value(f.type, depth, false));
    // Types whose zero value upstream writes as null (a Go zero Time, an empty RawExtension).
    if (/\.(Time|MicroTime|RawExtension|FieldsV1|JSON)$/.test(f.type) && this.chance(0.2)) return null;
    // Go's omitempty drops a zero that is neither a pointer nor always written.
    return this.value(f.type, depth, f.presence === undefined);
  }

  message(name: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (depth > MAX_DEPTH) return out;
    const p = depth <= 2 ? 0.7 : 0.35;
    for (const f of messageSpec(name).fields) {
      if (f.inline) {
        if (this.chance(p)) Object.assign(out, this.message(f.type, depth));
        continue;
      }
      if (this.chance(p)) out[f.name] = this.field(f, depth);
    }
    return out;
  }
}


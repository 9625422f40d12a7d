// A JSON parser that, unlike JSON.parse, remembers objects with duplicate keys (upstream's strict
// decoder reports them) and fails with the messages of Go's encoding/json scanner.

import { maxNestingDepth } from './depth.js';

/** Objects that had a key more than once: their keys in document order, duplicates included. */
const keyOrders = new WeakMap<object, string[]>();

/**
 * Number literals that are not plain integers (a fraction, an exponent, more digits than a double
 * keeps), by container and key (an array's index as a string): Go parses an integer field from
 * the literal, so `1E2` or `-0.0` fail there although they read as integers here.
 */
const numberLiterals = new WeakMap<object, Map<string, string>>();

/** The literal text of a number in `container` at `key`, when it was not a plain integer. */
export function numberLiteral(container: object, key: string | number): string | undefined {
  return numberLiterals.get(container)?.get(String(key));
}

const plainInteger = /^-?\d{1,15}$/;

/** The keys of an object in document order with duplicates, when the parser saw duplicates. */
export function keysWithDuplicates(obj: object): string[] | undefined {
  return keyOrders.get(obj);
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Go's quoteChar: how its scanner names an offending character. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\x07': '\\a' };
    return `'${named[c] ?? `\\x${code.toString(16).padStart(2, '0')}`}'`;
  }
  if (code > 0x7f) {
    // Go reports the first byte of the UTF-8 sequence.
    const first = Buffer.from(c, 'utf8')[0] ?? 0;
    return `'\\x${first.toString(16)}'`;
  }
  if (c === '\\') return `'\\\\'`;
  return `'${c}'`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SLOW_STRING = /[\\\u0000-\u001f]/;

/**
 * Sees every object key in document order before its value is read, as sigs.k8s.io/json's strict
 * decoder does: `path` is the field path of the key in that decoder's notation (`a.b[0].c`).
 * Returning false leaves the value's inside unseen (a field the target type does not have).
 */
export type KeyScan = (path: string, key: string, duplicate: boolean, depth: number) => boolean;

class Parser {
  private i = 0;
  private depth = 0;
  /** The text of the number value() just read. */
  private numberText = '';
  /** The field path of the value being read, kept only while a scan watches. */
  private path = '';
  constructor(private readonly s: string, private scan?: KeyScan) {}

  parse(): unknown {
    this.skipWs();
    const v = this.value();
    this.skipWs();
    if (this.i < this.s.length) this.fail(`invalid character ${quoteChar(this.s[this.i] ?? '')} after top-level value`);
    return v;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.i);
  }

  private eof(): never {
    throw new JsonSyntaxError('unexpected end of JSON input', this.s.length);
  }

  private skipWs(): void {
    const s = this.s;
    while (this.i < s.length && WS.has(s.charCodeAt(this.i))) this.i++;
  }

  private value(): unknown {
    const s = this.s;
    if (this.i >= s.length) this.eof();
    const c = s[this.i];
    switch (c) {
      case '{': return this.nested(() => this.object());
      case '[': return this.nested(() => this.array());
      case '"': return this.string();
      case 't': return this.literal('true', true);
      case 'f': return this.literal('false', false);
      case 'n': return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(`invalid character ${quoteChar(c ?? '')} looking for beginning of value`);
    }
  }

  /** Go's scanner refuses deep nesting; the limit also keeps this recursive parser off the stack's end. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > maxNestingDepth) this.fail(`invalid character ${quoteChar(this.s[this.i] ?? '')} exceeded max depth`);
    const v = parse();
    this.depth--;
    return v;
  }

  private literal(word: string, v: unknown): unknown {
    for (let k = 1; k < word.length; k++) {
      const at = this.i + k;
      if (at >= this.s.length) this.eof();
      if (this.s[at] !== word[k]) {
        this.i = at;
        this.fail(`invalid character ${quoteChar(this.s[at] ?? '')} in literal ${word} (expecting ${quoteChar(word[k] ?? '')})`);
      }
    }
    this.i += word.length;
    return v;
  }

  private digits(): number {
    const start = this.i;
    while (this.i < this.s.length && this.s.charCodeAt(this.i) >= 0x30 && this.s.charCodeAt(this.i) <= 0x39) this.i++;
    return this.i - start;
  }

  private number(): number {
    const s = this.s;
    const start = this.i;
    if (s[this.i] === '-') {
      this.i++;
      if (this.i >= s.length) this.eof();
      const c = s[this.i] ?? '';
      if (c < '0' || c > '9') this.fail(`invalid character ${quoteChar(c)} in numeric literal`);
    }
    if (s[this.i] === '0') this.i++;
    else this.digits();
    if (s[this.i] === '.') {
      this.i++;
      if (this.i >= s.length) this.eof();
      if (this.digits() === 0) this.fail(`invalid character ${quoteChar(s[this.i] ?? '')} after decimal point in numeric literal`);
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      this.i++;
      if (s[this.i] === '+' || s[this.i] === '-') this.i++;
      if (this.i >= s.length) this.eof();
      if (this.digits() === 0) this.fail(`invalid character ${quoteChar(s[this.i] ?? '')} in exponent of numeric literal`);
    }
    this.numberText = s.slice(start, this.i);
    return Number(this.numberText);
  }

  private string(): string {
    const s = this.s;
    const start = ++this.i;
    // Fast path: no escapes or control characters before the closing quote.
    const close = s.indexOf('"', start);
    if (close >= 0) {
      const raw = s.slice(start, close);
      if (!SLOW_STRING.test(raw)) {
        this.i = close + 1;
        return raw;
      }
    }
    let escaped = false;
    for (;;) {
      if (this.i >= s.length) this.eof();
      const code = s.charCodeAt(this.i);
      if (code === 0x22) break;
      if (code < 0x20) this.fail(`invalid character ${quoteChar(s[this.i] ?? '')} in string literal`);
      if (code === 0x5c) {
        escaped = true;
        this.i++;
        if (this.i >= s.length) this.eof();
        const e = s[this.i] ?? '';
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            const at = this.i + k;
            if (at >= s.length) this.eof();
            if (!/[0-9a-fA-F]/.test(s[at] ?? '')) {
              this.i = at;
              this.fail(`invalid character ${quoteChar(s[at] ?? '')} in \\u hexadecimal character escape`);
            }
          }
          this.i += 4;
        } else if (!'"\\/bfnrt'.includes(e)) {
          this.fail(`invalid character ${quoteChar(e)} in string escape code`);
        }
      }
      this.i++;
    }
    const raw = s.slice(start, this.i);
    this.i++;
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** Reads the value of `key` with the scan told first; a refused key's value is read unwatched. */
  private scanned(key: string, duplicate: boolean): unknown {
    const parentPath = this.path;
    const scan = this.scan!;
    this.path = parentPath === '' ? key : `${parentPath}.${key}`;
    const watch = scan(this.path, key, duplicate, this.depth);
    if (!watch) this.scan = undefined;
    const v = this.value();
    this.scan = scan;
    this.path = parentPath;
    return v;
  }

  private noteNumber(container: object, key: string, v: unknown): void {
    if (typeof v !== 'number' || plainInteger.test(this.numberText)) return;
    let literals = numberLiterals.get(container);
    if (!literals) numberLiterals.set(container, literals = new Map());
    literals.set(key, this.numberText);
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.skipWs();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    const parentPath = this.path;
    for (;;) {
      this.skipWs();
      if (this.scan) this.path = `${parentPath}[${out.length}]`;
      const v = this.value();
      this.path = parentPath;
      this.noteNumber(out, String(out.length), v);
      out.push(v);
      this.skipWs();
      if (this.i >= this.s.length) this.eof();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === ']') { this.i++; return out; }
      this.fail(`invalid character ${quoteChar(c ?? '')} after array element`);
    }
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // Built only once a key repeats: all keys in document order, duplicates included.
    let order: string[] | undefined;
    this.i++;
    this.skipWs();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== '"') this.fail(`invalid character ${quoteChar(this.s[this.i] ?? '')} looking for beginning of object key string`);
      const key = this.string();
      this.skipWs();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== ':') this.fail(`invalid character ${quoteChar(this.s[this.i] ?? '')} after object key`);
      this.i++;
      this.skipWs();
      const duplicate = Object.prototype.hasOwnProperty.call(out, key);
      const v = this.scan ? this.scanned(key, duplicate) : this.value();
      this.noteNumber(out, key, v);
      if (order) order.push(key);
      else if (duplicate) order = [...Object.keys(out), key];
      // defineProperty keeps "__proto__" an ordinary key, as JSON.parse does.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.skipWs();
      if (this.i >= this.s.length) this.eof();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === '}') {
        this.i++;
        if (order) keyOrders.set(out, order);
        return out;
      }
      this.fail(`invalid character ${quoteChar(c ?? '')} after object key:value pair`);
    }
  }
}

/** Parses JSON text; throws JsonSyntaxError with Go's wording. */
export function parseJson(text: string, scan?: KeyScan): unknown {
  return new Parser(text, scan).parse();
}

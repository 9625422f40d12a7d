// RFC 6902 JSON patch as upstream applies it (evanphx/json-patch v4 under the apiserver's patch
// handler): the same operation semantics and messages, at most 10,000 operations (413), and at most
// 3 MiB added by "copy" operations (upstream's JSONPatchMaxCopyBytes), so a short patch cannot
// grow a document without bound. Every failure is 422, as upstream answers it.
import { ApiError, errors } from '../../api/errors.js';
import { isObject } from '../../api/types.js';
import { getOwn, setOwn } from '../../api/own-props.js';
import { nestsTooDeep } from '../../api/decode/depth.js';

/** Upstream refuses patches with more operations than this (apiserver patch handler). */
export const maxJsonPatchOperations = 10000;
/** Upstream's default JSONPatchMaxCopyBytes: the total size "copy" operations may add. */
export const maxJsonPatchCopyBytes = 3 * 1024 * 1024;

class PatchFailure extends Error {}

const fail = (message: string): never => { throw new PatchFailure(message); };

type Container = Record<string, unknown> | unknown[];

/** Go's strconv.Atoi, with its error text. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const n = BigInt(key);
  if (n > 9223372036854775807n || n < -9223372036854775808n) fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  return Number(n);
}

const invalidIndex = (idx: number): never => fail(`Unable to access invalid index: ${idx}: invalid index referenced`);

/** An existing index, negative ones counting from the end (upstream's SupportNegativeIndices). */
function existingIndex(ary: unknown[], key: string): number {
  const idx = atoi(key);
  if (idx < 0) {
    if (idx < -ary.length) invalidIndex(idx);
    return idx + ary.length;
  }
  if (idx >= ary.length) invalidIndex(idx);
  return idx;
}

function get(c: Container, key: string): unknown {
  return Array.isArray(c) ? c[existingIndex(c, key)] : getOwn(c, key);
}

function set(c: Container, key: string, v: unknown): void {
  if (Array.isArray(c)) c[existingIndex(c, key)] = v;
  else setOwn(c, key, v);
}

function add(c: Container, key: string, v: unknown): void {
  if (!Array.isArray(c)) return setOwn(c, key, v);
  if (key === '-') {
    c.push(v);
    return;
  }
  if (!/^[+-]?\d+$/.test(key)) fail(`value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let idx = atoi(key);
  const size = c.length + 1;
  if (idx >= size) invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.hasOwn(c, key)) fail(`Unable to remove nonexistent key: ${key}: missing value`);
    delete c[key];
    return;
  }
  const idx = atoi(key);
  if (idx >= c.length) invalidIndex(idx);
  if (idx < 0 && idx < -c.length) invalidIndex(idx);
  c.splice(idx < 0 ? idx + c.length : idx, 1);
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** JSON equality as upstream's lazyNode.equal sees it (null and missing are alike at the top). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/** A string field of an operation; undefined when absent or null, as a nil json.RawMessage. */
function field(op: Record<string, unknown>, name: string): { value?: string; error?: string } {
  const v = getOwn(op, name);
  if (v === undefined || v === null) return { error: `operation${name === 'path' ? '' : ','} missing ${name} field: missing value` };
  if (typeof v !== 'string') return { error: `json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v} into Go value of type string` };
  return { value: v };
}

class Applier {
  private copied = 0;
  constructor(private root: unknown) {}

  result(): unknown {
    return this.root;
  }

  /** upstream's findObject: the container of the path's last token, and that token. */
  private find(path: string): [Container, string] | undefined {
    const split = path.split('/');
    if (split.length < 2) return undefined;
    let doc = this.root;
    for (const part of split.slice(1, -1)) {
      if (!Array.isArray(doc) && !isObject(doc)) return undefined;
      let next: unknown;
      try {
        next = get(doc, decodeKey(part));
      } catch {
        return undefined;
      }
      if (next === undefined || next === null) return undefined;
      doc = next;
    }
    if (!Array.isArray(doc) && !isObject(doc)) return undefined;
    return [doc, decodeKey(split[split.length - 1] ?? '')];
  }

  private path(op: Record<string, unknown>, verb: string, missing = true): string {
    const p = field(op, 'path');
    if (p.error !== undefined) fail(`${verb} operation failed to decode path: ${missing ? 'missing value' : p.error}`);
    return p.value!;
  }

  private from(op: Record<string, unknown>, verb: string): string {
    const f = field(op, 'from');
    if (f.error !== undefined) fail(`${verb} operation failed to decode from: ${f.error}`);
    return f.value!;
  }

  private wrap(prefix: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof PatchFailure) fail(`${prefix}: ${e.message}`);
      throw e;
    }
  }

  apply(op: Record<string, unknown>): void {
    const kind = getOwn(op, 'op');
    const value = Object.hasOwn(op, 'value') ? op['value'] ?? null : null;
    switch (kind) {
      case 'add': {
        const path = this.path(op, 'add');
        const target = this.find(path) ?? fail(`add operation does not apply: doc is missing path: "${path}": missing value`);
        return this.wrap(`error in add for path: '${path}'`, () => add(target[0], target[1], value));
      }
      case 'remove': {
        const path = this.path(op, 'remove');
        const target = this.find(path) ?? fail(`remove operation does not apply: doc is missing path: "${path}": missing value`);
        return this.wrap(`error in remove for path: '${path}'`, () => remove(target[0], target[1]));
      }
      case 'replace': {
        const path = this.path(op, 'replace', false);
        if (path === '') {
          if (!isObject(value) && !Array.isArray(value)) fail('replace operation value must be object or array: %!w(<nil>)');
          this.root = value;
          return;
        }
        const target = this.find(path) ?? fail(`replace operation does not apply: doc is missing path: ${path}: missing value`);
        this.wrap(`replace operation does not apply: doc is missing key: ${path}`, () => { get(target[0], target[1]); });
        return this.wrap(`error in remove for path: '${path}'`, () => set(target[0], target[1], value));
      }
      case 'move': {
        const from = this.from(op, 'move');
        const source = this.find(from) ?? fail(`move operation does not apply: doc is missing from path: ${from}: missing value`);
        let moved: unknown;
        this.wrap(`error in move for path: '${source[1]}'`, () => {
          moved = get(source[0], source[1]);
          remove(source[0], source[1]);
        });
        const path = this.path(op, 'move', false);
        // The source is gone before the destination is looked up, so a move into its own child fails.
        const target = this.find(path) ?? fail(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
        return this.wrap(`error in move for path: '${path}'`, () => add(target[0], target[1], moved ?? null));
      }
      case 'test': return this.test(op, value);
      case 'copy': return this.copy(op);
      default:
        fail(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
    }
  }

  private test(op: Record<string, unknown>, value: unknown): void {
    const path = this.path(op, 'test', false);
    if (path === '') {
      if (!equal(this.root, value)) fail(`testing value ${path} failed: test failed`);
      return;
    }
    const target = this.find(path) ?? fail(`test operation does not apply: is missing path: ${path}: missing value`);
    let current: unknown;
    this.wrap(`error in test for path: '${path}'`, () => { current = get(target[0], target[1]); });
    if ((current ?? null) === null ? value !== null : !equal(current, value)) fail(`testing value ${path} failed: test failed`);
  }

  private copy(op: Record<string, unknown>): void {
    const from = this.from(op, 'copy');
    const source = this.find(from) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
    let value: unknown;
    this.wrap(`error in copy for from: '${from}'`, () => { value = get(source[0], source[1]); });
    const path = this.path(op, 'copy');
    const target = this.find(path) ?? fail(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
    // The copy is a JSON round trip, and its encoded size counts against the limit before it is added.
    const encoded = JSON.stringify(value ?? null);
    if (value !== undefined && value !== null) this.copied += Buffer.byteLength(encoded);
    if (this.copied > maxJsonPatchCopyBytes) {
      fail(`Unable to complete the copy, the accumulated size increase of copy is ${this.copied}, exceeding the limit ${maxJsonPatchCopyBytes}`);
    }
    this.wrap('error while adding value during copy', () => add(target[0], target[1], JSON.parse(encoded) as unknown));
  }
}

const rejected = (message: string) =>
  new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);

/** Applies a decoded JSON patch to a copy of doc; doc itself is not modified. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const bad = patch.find(op => !isObject(op) && op !== null);
  if (bad !== undefined) throw errors.badRequest(`json: cannot unmarshal ${Array.isArray(bad) ? 'array' : typeof bad === 'boolean' ? 'bool' : typeof bad} into Go value of type jsonpatch.Operation`);
  if (patch.length > maxJsonPatchOperations) {
    throw errors.tooLarge(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${patch.length}`);
  }
  const applier = new Applier(JSON.parse(JSON.stringify(doc)) as unknown);
  try {
    for (const op of patch as (Record<string, unknown> | null)[]) applier.apply(op ?? {});
  } catch (e) {
    if (e instanceof PatchFailure) throw rejected(e.message);
    // Moves can nest a document deeper than the stack can walk.
    if (e instanceof RangeError) throw rejected('exceeded max depth');
    throw e;
  }
  const out = applier.result();
  if (nestsTooDeep(out)) throw rejected('exceeded max depth');
  return out;
}

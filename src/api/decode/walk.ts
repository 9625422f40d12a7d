// Walks a JSON value against a compiled node the way upstream's strict JSON decoder
// (sigs.k8s.io/json over Go structs) reads it: type errors with Go's wording, unknown and
// duplicate fields with their paths, and the value a Go decode/encode round trip leaves.
import { base64Error } from './go-base64.js';
import { canonicalTime } from './go-time.js';
import { keysWithDuplicates, numberLiteral } from './json-parse.js';
import { parseQuantity } from './quantity.js';
import { goTypeOf, type Node, type StructNode } from './schema.js';
import { setOwn } from '../own-props.js';

/** A decode error that stops decoding at once (custom Go unmarshalers return these). */
export class DecodeFailure extends Error {}

const DROP = Symbol('drop');
type Out = unknown | typeof DROP;

const MAX_STRICT_ERRORS = 100;

interface State {
  collectStrict: boolean;
  strictErrors: string[];
  seenStrict: Set<string>;
  /** The first type error; Go keeps decoding after it and reports it at the end. */
  saved?: string;
  /** Path as sigs.k8s.io/json spells it for strict errors: names, `.`, `[i]`. */
  path: string[];
  /** Go's error context: the innermost struct and the struct-field names from the root. */
  goStruct: string;
  goFields: string[];
}

export interface WalkResult {
  value: unknown;
  /** Unknown/duplicate field messages, e.g. `unknown field "spec.foo"`. */
  strictErrors: string[];
  /** The first non-fatal type error, which fails the decode. */
  typeError?: string;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function typeErrorText(st: State, value: string, goType: string): string {
  if (st.goStruct !== '' || st.goFields.length > 0) {
    return `json: cannot unmarshal ${value} into Go struct field ${st.goStruct}.${st.goFields.join('.')} of type ${goType}`;
  }
  return `json: cannot unmarshal ${value} into Go value of type ${goType}`;
}

function saveTypeError(st: State, value: string, goType: string): typeof DROP {
  st.saved ??= typeErrorText(st, value, goType);
  return DROP;
}

function strictError(st: State, what: 'unknown' | 'duplicate', field: string): void {
  if (!st.collectStrict || st.strictErrors.length >= MAX_STRICT_ERRORS) return;
  const path = st.path.length > 0 ? `${st.path.join('')}.${field}` : field;
  const msg = `${what} field ${JSON.stringify(path)}`;
  if (st.seenStrict.has(msg)) return;
  st.seenStrict.add(msg);
  st.strictErrors.push(msg);
}

function pushKey(st: State, key: string): void {
  if (st.path.length > 0) st.path.push('.');
  st.path.push(key);
}

function popKey(st: State): void {
  st.path.pop();
  if (st.path[st.path.length - 1] === '.') st.path.pop();
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value a Go field of this type holds when JSON says null inside a list or map. */
export function zeroOf(n: Node): unknown {
  switch (n.kind) {
    case 'string': case 'bytes': return '';
    case 'int': case 'float': case 'intOrString': return 0;
    case 'bool': return false;
    case 'quantity': return '0';
    case 'time': case 'any': return null;
    case 'array': return [];
    case 'map': return {};
    case 'struct': return emittedOnly(n);
  }
}

function emittedOnly(n: StructNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of n.emitted) out[k] = emittedValue(n, k, v);
  return out;
}

/** Whether Go's strconv.ParseInt reads this literal: digits only, so `1E2`, `1.0` and `-0.0` fail. */
const goIntegerLiteral = (literal: string | undefined): boolean => literal === undefined || /^-?\d+$/.test(literal);

function walkInt(n: { bits: 32 | 64 }, v: unknown, st: State, literal?: string): Out {
  if (typeof v !== 'number') return saveTypeError(st, describe(v), n.bits === 32 ? 'int32' : 'int64');
  const limit = n.bits === 32 ? 2 ** 31 : 2 ** 63;
  if (!goIntegerLiteral(literal) || !Number.isInteger(v) || v < -limit || v >= limit) return saveTypeError(st, `number ${literal ?? v}`, n.bits === 32 ? 'int32' : 'int64');
  return v;
}

function walkIntOrString(v: unknown, st: State, literal?: string): Out {
  if (typeof v === 'string') return v;
  // IntOrString decodes non-strings as int32; its nested error gets the field context.
  if (typeof v === 'number') {
    if (goIntegerLiteral(literal) && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
    throw new DecodeFailure(typeErrorText(st, `number ${literal ?? v}`, 'int32'));
  }
  throw new DecodeFailure(typeErrorText(st, describe(v), 'int32'));
}

function walkQuantity(v: unknown): Out {
  const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  try {
    return parseQuantity(text).text;
  } catch (e) {
    throw new DecodeFailure((e as Error).message);
  }
}

function walkTime(micro: boolean, v: unknown, st: State): Out {
  if (typeof v !== 'string') throw new DecodeFailure(typeErrorText(st, describe(v), 'string'));
  try {
    return canonicalTime(v, micro);
  } catch (e) {
    throw new DecodeFailure((e as Error).message);
  }
}

function walkBytes(v: unknown, st: State): Out {
  if (typeof v === 'string') {
    const err = base64Error(v);
    if (err) {
      st.saved ??= err;
      return DROP;
    }
    return v;
  }
  // Go fills a []byte from a JSON array of numbers too.
  if (Array.isArray(v) && v.every(b => Number.isInteger(b) && (b as number) >= 0 && (b as number) < 256)) {
    return Buffer.from(v as number[]).toString('base64');
  }
  return saveTypeError(st, describe(v), '[]uint8');
}

function walkArray(n: { items: Node }, v: unknown, st: State): Out {
  if (!Array.isArray(v)) return saveTypeError(st, describe(v), goTypeOf({ kind: 'array', items: n.items }));
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    st.path.push(`[${i}]`);
    const item = v[i];
    const r = item === null ? zeroOf(n.items) : walk(n.items, item, st, numberLiteral(v, i));
    st.path.pop();
    out.push(r === DROP ? zeroOf(n.items) : r);
  }
  return out;
}

function walkMap(n: Extract<Node, { kind: 'map' }>, v: unknown, st: State): Out {
  if (!isRecord(v)) return saveTypeError(st, describe(v), goTypeOf(n));
  const out: Record<string, unknown> = {};
  const order = keysWithDuplicates(v);
  const seen = order ? new Set<string>() : undefined;
  for (const key of order ?? Object.keys(v)) {
    if (seen) {
      if (seen.has(key)) {
        strictError(st, 'duplicate', key);
        continue;
      }
      seen.add(key);
    }
    pushKey(st, key);
    const item = v[key];
    const r = item === null ? zeroOf(n.values) : walk(n.values, item, st, numberLiteral(v, key));
    popKey(st);
    setOwn(out, key, r === DROP ? zeroOf(n.values) : r);
  }
  return out;
}

function isEmptyCollection(n: Node, v: unknown): boolean {
  if (n.kind === 'array') return Array.isArray(v) && v.length === 0;
  if (n.kind === 'map') return isRecord(v) && Object.keys(v).length === 0;
  return false;
}

function walkStruct(n: StructNode, v: unknown, st: State): Out {
  if (!isRecord(v)) return saveTypeError(st, describe(v), n.goType);
  const out: Record<string, unknown> = {};
  const order = keysWithDuplicates(v);
  const seen = order ? new Set<string>() : undefined;
  const outerStruct = st.goStruct;
  for (const key of order ?? Object.keys(v)) {
    const prop = n.props.get(key);
    if (!prop) {
      strictError(st, 'unknown', key);
      continue;
    }
    if (seen) {
      if (seen.has(key)) {
        strictError(st, 'duplicate', key);
        continue;
      }
      seen.add(key);
    }
    const item = v[key];
    if (item === null) continue;
    st.goStruct = n.name;
    st.goFields.push(key);
    pushKey(st, key);
    const r = walk(prop, item, st, numberLiteral(v, key));
    popKey(st);
    st.goFields.pop();
    st.goStruct = outerStruct;
    // Go drops empty optional lists and maps (omitempty) when it writes the object back.
    if (r === DROP || (isEmptyCollection(prop, r) && !n.required.has(key))) continue;
    setOwn(out, key, r);
  }
  for (const [k, dv] of n.emitted) if (!(k in out)) out[k] = emittedValue(n, k, dv);
  return out;
}

/** A field Go always writes: a struct's `{}` is its zero value, with its own always-written fields. */
function emittedValue(n: StructNode, key: string, dv: unknown): unknown {
  const prop = n.props.get(key);
  if (prop?.kind === 'struct' && isRecord(dv) && Object.keys(dv).length === 0) return emittedOnly(prop);
  return structuredClone(dv);
}

/** `literal` is the JSON text of a number that was not a plain integer (json-parse.ts numberLiteral). */
function walk(n: Node, v: unknown, st: State, literal?: string): Out {
  switch (n.kind) {
    case 'string': return typeof v === 'string' ? v : saveTypeError(st, describe(v), 'string');
    case 'bool': return typeof v === 'boolean' ? v : saveTypeError(st, describe(v), 'bool');
    case 'float': return typeof v === 'number' ? v : saveTypeError(st, describe(v), 'float64');
    case 'int': return walkInt(n, v, st, literal);
    case 'bytes': return walkBytes(v, st);
    case 'intOrString': return walkIntOrString(v, st, literal);
    case 'quantity': return walkQuantity(v);
    case 'time': return walkTime(n.micro, v, st);
    case 'any': return v;
    case 'array': return walkArray(n, v, st);
    case 'map': return walkMap(n, v, st);
    case 'struct': return walkStruct(n, v, st);
  }
}

/**
 * Decodes `value` as the type `node` describes. Throws DecodeFailure for errors that stop Go's
 * decoder; reports the first other type error and the strict errors in the result.
 */
export function walkValue(node: Node, value: unknown, collectStrict: boolean): WalkResult {
  const st: State = { collectStrict, strictErrors: [], seenStrict: new Set(), path: [], goStruct: '', goFields: [] };
  const r = walk(node, value, st);
  const result: WalkResult = { value: r === DROP ? undefined : r, strictErrors: st.strictErrors };
  if (st.saved !== undefined) result.typeError = st.saved;
  return result;
}

// Reads a JSON, merge or strategic merge patch body as upstream's patch handler does before it
// patches anything: under fieldValidation Strict or Warn the body is first strict-decoded by
// sigs.k8s.io/json (into []jsonPatchOp or map[string]interface{}), which reports syntax and type
// errors as 400 and collects duplicate (and, for JSON patch operations, unknown) fields; then the
// patch library reads it again with its own errors (evanphx/json-patch v4, strategicpatch).
import { errors } from '../../api/errors.js';
import { JsonSyntaxError, keysWithDuplicates, parseJson, type KeyScan } from '../../api/decode/json-parse.js';
import { isObject } from '../../api/types.js';
import { getOwn } from '../../api/own-props.js';
import { goQuote } from '../../registry/selectors/go-quote.js';

export type PatchBodyType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch';
type Mode = 'Ignore' | 'Warn' | 'Strict';

export interface PatchBody {
  patch: unknown;
  /** Strict errors of the body itself, reported before those of the patched object. */
  strictErrors: string[];
}

/** sigs.k8s.io/json keeps at most this many strict errors, each once. */
const maxStrictErrors = 100;

class StrictErrors {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  add(message: string): void {
    if (this.list.length >= maxStrictErrors || this.seen.has(message)) return;
    this.seen.add(message);
    this.list.push(message);
  }
}

/** The JSON kind encoding/json names in "cannot unmarshal" errors. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'string' : 'object';
}

const jsonPatchOpFields = new Set(['op', 'path', 'from', 'value']);
const mapType = 'map[string]interface {}';

/** Duplicate keys anywhere, as decoding into map[string]interface{} finds them. */
function mapScan(found: StrictErrors): KeyScan {
  return (path, _key, duplicate) => {
    if (duplicate) found.add(`duplicate field ${goQuote(path)}`);
    return true;
  };
}

/** Decoding into []jsonPatchOp: unknown operation fields (their insides unread) and duplicates. */
function jsonPatchScan(found: StrictErrors): KeyScan {
  return (path, key, duplicate, depth) => {
    // Depth 2 is an operation: an object inside the top-level array.
    if (depth === 2 && !jsonPatchOpFields.has(key)) {
      found.add(`unknown field ${goQuote(path)}`);
      return false;
    }
    if (duplicate) found.add(`duplicate field ${goQuote(path)}`);
    return true;
  };
}

/** The first type error of decoding `patch` into []jsonPatchOp, in document order. */
function jsonPatchOpTypeError(patch: unknown): string | undefined {
  if (patch === null) return undefined;
  if (!Array.isArray(patch)) return `json: cannot unmarshal ${goKind(patch)} into Go value of type []handlers.jsonPatchOp`;
  for (const op of patch) {
    if (op === null) continue;
    if (!isObject(op)) return `json: cannot unmarshal ${goKind(op)} into Go value of type handlers.jsonPatchOp`;
    for (const key of keysWithDuplicates(op) ?? Object.keys(op)) {
      if (key === 'value' || !jsonPatchOpFields.has(key)) continue;
      const v = getOwn(op, key);
      if (v !== null && typeof v !== 'string') return `json: cannot unmarshal ${goKind(v)} into Go struct field jsonPatchOp.${key} of type string`;
    }
  }
  return undefined;
}

function parse(text: string, scan: KeyScan | undefined, syntaxError: (message: string) => Error): unknown {
  try {
    return parseJson(text, scan);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw syntaxError(e.message);
    throw e;
  }
}

function jsonPatchBody(text: string, strict: boolean): PatchBody {
  const found = new StrictErrors();
  const patch = parse(text, strict ? jsonPatchScan(found) : undefined, m => errors.badRequest(strict ? `error decoding patch: ${m}` : m));
  if (strict) {
    const typeError = jsonPatchOpTypeError(patch);
    if (typeError !== undefined) throw errors.badRequest(`error decoding patch: ${typeError}`);
  }
  // jsonpatch.DecodePatch: []map[string]*json.RawMessage; null is an empty patch.
  if (patch !== null && !Array.isArray(patch)) throw errors.badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`);
  const bad = (patch ?? []).find(op => op !== null && !isObject(op));
  if (bad !== undefined) throw errors.badRequest(`json: cannot unmarshal ${goKind(bad)} into Go value of type jsonpatch.Operation`);
  return { patch: patch ?? [], strictErrors: found.list.map(e => `json patch ${e}`) };
}

function mergePatchBody(text: string, strict: boolean): PatchBody {
  const found = new StrictErrors();
  const invalid = () => errors.badRequest('Invalid JSON Patch');
  const patch = parse(text, strict ? mapScan(found) : undefined, m => (strict ? errors.badRequest(`error decoding patch: ${m}`) : invalid()));
  if (strict && patch !== null && !isObject(patch)) {
    throw errors.badRequest(`error decoding patch: json: cannot unmarshal ${goKind(patch)} into Go value of type ${mapType}`);
  }
  // jsonpatch.MergePatch: null and scalars are ErrBadJSONPatch; an array becomes the document.
  if (patch === null || (!isObject(patch) && !Array.isArray(patch))) throw invalid();
  return { patch, strictErrors: found.list };
}

function strategicMergePatchBody(text: string, strict: boolean): PatchBody {
  const found = new StrictErrors();
  const patch = parse(text, strict ? mapScan(found) : undefined, m => errors.badRequest(m));
  if (patch !== null && !isObject(patch)) throw errors.badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type ${mapType}`);
  return { patch, strictErrors: found.list };
}

/** Reads a patch body of the given type; throws upstream's 400 for what it cannot read. */
export function readPatchBody(raw: Buffer, type: PatchBodyType, mode: Mode): PatchBody {
  const text = raw.toString('utf8');
  const strict = mode !== 'Ignore';
  switch (type) {
    case 'json-patch': return jsonPatchBody(text, strict);
    case 'merge-patch': return mergePatchBody(text, strict);
    case 'strategic-merge-patch': return strategicMergePatchBody(text, strict);
  }
}

// The FieldsV1 wire form of a field set: nested objects keyed "f:", "k:", "v:", "i:", with
// "." marking a node that is itself a member, in SMD's element order.
import { errors } from '../../api/errors.js';
import { isObject, type JsonObject } from '../../api/types.js';
import { parsePeKey, peKey, type PathElement } from './path.js';
import { FieldSet } from './set.js';

export function toFieldsV1(set: FieldSet): JsonObject {
  return emit(set, false);
}

function emit(set: FieldSet, self: boolean): JsonObject {
  const out: JsonObject = {};
  const entries = set.sortedEntries();
  if (self && entries.length > 0) out['.'] = {};
  for (const e of entries) out[peKey(e.pe)] = e.child ? emit(e.child, e.member) : {};
  return out;
}

/** Decodes FieldsV1; malformed input is an error, which callers treat as upstream does. */
export function fromFieldsV1(v: unknown): FieldSet {
  const set = new FieldSet();
  read(v, [], set);
  return set;
}

function read(v: unknown, prefix: PathElement[], set: FieldSet): void {
  if (!isObject(v)) throw errors.badRequest(`error decoding managed fields: expected an object, got ${JSON.stringify(v)}`);
  for (const [k, child] of Object.entries(v)) {
    if (k === '.') {
      set.insert(prefix);
      continue;
    }
    const pe = parsePeKey(k);
    if (!pe) throw errors.badRequest(`error decoding managed fields: invalid path element ${JSON.stringify(k)}`);
    const path = [...prefix, pe];
    if (isObject(child) && Object.keys(child).length > 0) read(child, path, set);
    else set.insert(path);
  }
}

// The strategic merge patch algorithm as upstream's API server applies it
// (k8s.io/apimachinery strategicpatch mergeMap, server side: parallel lists merged, unmatched
// nulls dropped). It works in place on copies the caller owns, as upstream does.
import { isObject } from '../../api/types.js';
import { setOwn } from '../../api/own-props.js';
import { NO_PATCH_META, OPAQUE, type PatchMeta, type PatchSchema } from '../../api/patch-meta.js';
import { badArgType, badPatchType, goFormat, noMergeKey, sentinel, SmpError } from './smp-errors.js';
import {
  findByKey, normalizeElementOrder, partitionMaps, partitionScalars, splitDeleteItems, type ElementKind,
} from './smp-order.js';

type JsonMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';


/** What upstream's lookup returns for a field: the schema below it and its patch metadata. */
interface Lookup {
  schema: PatchSchema;
  meta: PatchMeta;
}

/**
 * Field metadata for a map's key. Fields the schema does not know, and values without schema
 * information, merge as plain JSON (no strategy), where upstream's struct lookup would fail.
 */
function lookupForMap(schema: PatchSchema, key: string): Lookup {
  if (schema.kind === 'struct') {
    const f = schema.field(key);
    return f ? { schema: f.schema, meta: f.meta } : { schema: OPAQUE, meta: NO_PATCH_META };
  }
  if (schema.kind === 'map') return { schema: schema.values, meta: NO_PATCH_META };
  return { schema: OPAQUE, meta: NO_PATCH_META };
}

/**
 * Field metadata for a list-valued key; the schema returned is the element's. A struct or map
 * field named as a list fails as upstream's does; a field without schema information merges.
 */
function lookupForList(schema: PatchSchema, key: string): Lookup {
  if (schema.kind === 'struct') {
    const f = schema.field(key);
    if (!f || f.schema.kind === 'opaque') return { schema: OPAQUE, meta: NO_PATCH_META };
    if (f.schema.kind !== 'list') throw new SmpError('expected slice or array type, but got: struct');
    return { schema: f.schema.items, meta: f.meta };
  }
  if (schema.kind === 'map' && schema.values.kind === 'list') return { schema: schema.values.items, meta: NO_PATCH_META };
  return { schema: OPAQUE, meta: NO_PATCH_META };
}

/** upstream's schema.Name() for a list element type (reflect kind). */
function kindName(schema: PatchSchema): string {
  switch (schema.kind) {
    case 'struct': return 'struct';
    case 'map': return 'map';
    case 'list': return 'slice';
    default: return schema.name;
  }
}

/** The strategy other than retainKeys ('' when none). */
function mainStrategy(strategies: readonly string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === RETAIN_KEYS ? '' : strategies[0] ?? '';
  if (strategies.length === 2) {
    if (strategies[0] === RETAIN_KEYS) return strategies[1] ?? '';
    if (strategies[1] === RETAIN_KEYS) return strategies[0] ?? '';
  }
  throw new SmpError(`unexpected patch strategy: ${goFormat(strategies)}`);
}

/** The key a `$prefix/key` directive applies to. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw sentinel(prefix === SET_ELEMENT_ORDER ? 'BadPatchFormatForSetElementOrderList' : 'BadPatchFormatForPrimitiveList');
  }
  return key.slice(slash + 1);
}

/** Go's reflect kind of a decoded JSON value, as far as merging cares. */
function goKind(v: unknown): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v;
}

/** The element kind of the given lists, which must agree and not be lists. */
function elementKind(...lists: readonly unknown[][]): ElementKind {
  let first: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v);
      if (first === undefined) {
        // upstream dereferences the nil type of a null element and panics.
        if (k === 'nil') throw new SmpError('runtime error: invalid memory address or nil pointer dereference');
        if (k === 'slice') throw sentinel('NoListOfLists');
        first = k;
      } else if (k !== first) {
        throw new SmpError(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (first === undefined) throw new SmpError('no elements in any of the given slices');
  return first === 'map' ? 'map' : 'scalar';
}

/** Drops null-valued keys everywhere below a value added as a whole. */
function discardNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const e of v) discardNulls(e);
  } else if (isObject(v)) {
    for (const [k, e] of Object.entries(v)) {
      if (e === null) delete v[k];
      else discardNulls(e);
    }
  }
}

/** Removes maps carrying `$patch` from a value added as a whole; `keep` false for the value itself. */
function removeDirectives(v: unknown): { value: unknown; keep: boolean } {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const r = removeDirectives(e);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  if (isObject(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return { value: null, keep: false };
    for (const [k, e] of Object.entries(v)) {
      const r = removeDirectives(e);
      if (r.keep) setOwn(v, k, r.value);
      else delete v[k];
    }
  }
  return { value: v, keep: true };
}

function setWithoutDirectives(m: JsonMap, k: string, v: unknown): void {
  const r = removeDirectives(v);
  if (r.keep) setOwn(m, k, r.value);
  else delete m[k];
}

/** `$patch` in a map: replace it by the rest of the patch, or empty it. */
function mapDirective(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === REPLACE) {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === DELETE) return {};
  throw badPatchType(directive, patch);
}

/** `$retainKeys`: drops the live keys not listed; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw sentinel('BadPatchFormatForRetainKeys');
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw sentinel('BadPatchFormatForRetainKeys');
  }
  for (const k of Object.keys(original)) {
    if (!keep.has(k)) delete original[k];
  }
}

/** Checks that the patch list's items appear in the `$setElementOrder` list, in the same order. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeleteItems(patchList).keep : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw new SmpError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

function mergeKeyEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw badArgType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/**
 * Processes each `$setElementOrder/<field>` with its list: merges the list, then orders it
 * ($setElementOrder first, then live order). Both keys leave the patch.
 */
function mergeOrderedLists(original: JsonMap, patch: JsonMap, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Object.hasOwn(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const originalList = foundOriginal ? original[field] : [];
    const patchList = foundPatch ? patch[field] : [];
    if (!Array.isArray(originalList)) throw badArgType('[]interface {}', originalList);
    if (!Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    const { schema: items, meta } = lookupForList(schema, field);
    const strategy = mainStrategy(meta.strategies);
    validateAgainstOrder(patchList, order, meta.mergeKey);

    let merged: unknown[];
    let liveOrder = originalList;
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList).value as unknown[];
    else if (foundOriginal && foundPatch) {
      merged = mergeListField(originalList, patchList, items, strategy, meta.mergeKey, false);
      if (strategy === MERGE && meta.mergeKey && isObject(originalList[0] ?? patchList[0])) {
        liveOrder = liveListAsGoSeesIt(originalList, patchList as JsonMap[], meta.mergeKey);
      }
    } else continue;

    const { inList, rest } = meta.mergeKey ? partitionMaps(merged, order, meta.mergeKey) : partitionScalars(merged, order);
    const kind = elementKind(originalList, patchList);
    setOwn(original, field, normalizeElementOrder(inList, rest, order, liveOrder, meta.mergeKey, kind));
    delete patch[field];
  }
}

/**
 * The live list as upstream's ordering step sees it after merging a list of maps: Go deletes
 * elements by shifting them left inside the live list's array and then appends new elements
 * into the freed slots, so those slots hold the appended elements, which changes where
 * server-only elements go. Upstream's own test expectations depend on this.
 */
function liveListAsGoSeesIt(original: unknown[], patch: JsonMap[], mergeKey: string): unknown[] {
  const slots = [...original];
  const logical = [...original];
  let replaced = false;
  for (const item of patch) {
    if (!Object.hasOwn(item, DIRECTIVE)) continue;
    if (item[DIRECTIVE] === REPLACE) replaced = true;
    if (item[DIRECTIVE] !== DELETE) continue;
    for (let i = findByKey(logical, mergeKey, item[mergeKey]); i >= 0; i = findByKey(logical, mergeKey, item[mergeKey])) {
      for (let j = i; j < logical.length - 1; j++) slots[j] = slots[j + 1];
      logical.splice(i, 1);
    }
  }
  if (replaced) return slots;
  for (const item of patch) {
    if (Object.hasOwn(item, DIRECTIVE) || findByKey(logical, mergeKey, item[mergeKey]) >= 0) continue;
    if (logical.length < slots.length) slots[logical.length] = item;
    logical.push(item);
  }
  return slots;
}

/** Merges a patch map into the live map (both owned by the caller); returns the result. */
export function mergeMap(original: JsonMap, patch: JsonMap, schema: PatchSchema): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch[DIRECTIVE], patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);

  for (const [patchKey, pv] of Object.entries(patch)) {
    let k = patchKey;
    let deleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = directiveTarget(patchKey, DELETE_FROM_PRIMITIVE_LIST);
      deleteList = true;
    }
    if (pv === null) {
      delete original[k];
      continue;
    }
    if (!Object.hasOwn(original, k) || goKind(original[k]) !== goKind(pv)) {
      if (!deleteList) {
        discardNulls(pv);
        setWithoutDirectives(original, k, pv);
      }
      continue;
    }
    const ov = original[k];
    if (isObject(ov) && isObject(pv)) {
      const { schema: sub, meta } = lookupForMap(schema, k);
      const strategy = mainStrategy(meta.strategies);
      setOwn(original, k, strategy === REPLACE ? pv : mergeMap(ov, pv, sub));
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      const { schema: items, meta } = lookupForList(schema, k);
      const strategy = mainStrategy(meta.strategies);
      setOwn(original, k, mergeListField(ov, pv, items, strategy, meta.mergeKey, deleteList));
    } else {
      setWithoutDirectives(original, k, pv);
    }
  }
  return original;
}

/** A list field: merged under strategy merge (or as a deletion list), replaced otherwise. */
function mergeListField(
  original: unknown[], patch: unknown[], items: PatchSchema, strategy: string, mergeKey: string, deleteList: boolean,
): unknown[] {
  if (strategy === MERGE || deleteList) return mergeList(original, patch, items, mergeKey, deleteList);
  return patch;
}

function mergeList(original: unknown[], patch: unknown[], items: PatchSchema, mergeKey: string, deleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let live = original;
  let patchItems = patch;
  let merged: unknown[];
  if (kind === 'scalar') {
    if (deleteList) {
      const gone = new Set(patch);
      return original.filter(v => !gone.has(v));
    }
    merged = dedupScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new SmpError(`cannot merge lists without merge key for ${kindName(items)}`);
    ({ live, patchItems } = applyListDirectives(original, patch as JsonMap[], mergeKey));
    merged = mergeByKey(live, patchItems as JsonMap[], mergeKey, items);
  }
  const { inList, rest } = mergeKey ? partitionMaps(merged, patchItems, mergeKey) : partitionScalars(merged, patchItems);
  return normalizeElementOrder(inList, rest, patchItems, live, mergeKey, kind);
}

/** upstream's deduplicateScalars: a later duplicate is overwritten by the last element. */
function dedupScalars(input: unknown[]): unknown[] {
  const s = [...input];
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (s[i] === s[j]) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}

/**
 * Handles list elements carrying `$patch`: `delete` removes live elements with that key,
 * `replace` makes the other patch elements the whole list.
 */
function applyListDirectives(original: unknown[], patch: JsonMap[], mergeKey: string): { live: unknown[]; patchItems: unknown[] } {
  const plain: JsonMap[] = [];
  let live = original;
  let replace = false;
  for (const item of patch) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === DELETE) {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const value = item[mergeKey];
      for (let i = findByKey(live, mergeKey, value); i >= 0; i = findByKey(live, mergeKey, value)) {
        live = [...live.slice(0, i), ...live.slice(i + 1)];
      }
    } else if (directive === REPLACE) {
      replace = true;
    } else if (directive === MERGE) {
      throw new SmpError('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  return replace ? { live: plain, patchItems: [] } : { live, patchItems: plain };
}

/** Merges each patch element into the live element with the same key, or appends it. */
function mergeByKey(live: unknown[], patch: JsonMap[], mergeKey: string, items: PatchSchema): unknown[] {
  const out = [...live];
  for (const item of patch) {
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const i = findByKey(out, mergeKey, item[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonMap, item, items);
    else out.push(item);
  }
  return out;
}

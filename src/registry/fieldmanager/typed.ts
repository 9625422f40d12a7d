// Schema-aware walks over plain JSON objects, as structured-merge-diff's typed package does:
// the field set a value sets, the comparison of two values, the merge of an applied
// configuration into a live object, and removal of a set of fields.
import { errors } from '../../api/errors.js';
import { isObject, type JsonValue } from '../../api/types.js';
import { deepEqual } from '../meta.js';
import { pathString, peKey, type Path, type PathElement } from './path.js';
import { FieldSet } from './set.js';
import { UNTYPED, type ListType, type MapType, type TypeNode } from './schema.js';

type Value = JsonValue | undefined;

const UNTYPED_MAP: MapType = Object.freeze({
  kind: 'map' as const,
  atomic: false,
  field: () => undefined,
  element: UNTYPED,
  fieldDefault: () => undefined,
  zero: () => ({}),
});
const UNTYPED_LIST: ListType = Object.freeze({ kind: 'list' as const, relationship: 'atomic' as const, keys: [], element: UNTYPED });

/** An untyped node takes its shape from the value: objects are granular maps, lists atomic. */
function effective(t: TypeNode, ...values: Value[]): TypeNode {
  if (t.kind !== 'untyped') return t;
  for (const v of values) {
    if (isObject(v)) return UNTYPED_MAP;
    if (Array.isArray(v)) return UNTYPED_LIST;
  }
  return { kind: 'scalar' };
}

function fieldType(t: MapType, name: string): TypeNode {
  return t.field(name) ?? t.element;
}

function asMap(v: Value): Record<string, JsonValue> | undefined {
  return isObject(v) ? (v as Record<string, JsonValue>) : undefined;
}

function asList(v: Value): JsonValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The path element naming one list item: its map keys, its value (sets) or its index. */
export function listItemElement(t: ListType, item: JsonValue, i: number, path: Path): PathElement {
  if (t.relationship !== 'atomic') {
    if (t.keys.length > 0) {
      if (!isObject(item)) throw errors.badRequest(`${pathString(path)}: element ${i}: associative list with keys may only have map elements`);
      const el = t.element.kind === 'map' ? t.element : undefined;
      const key: Array<[string, JsonValue]> = [];
      for (const name of [...t.keys].sort(cmpStr)) {
        const v = (item as Record<string, JsonValue>)[name] ?? el?.fieldDefault(name);
        if (v === undefined) {
          throw errors.badRequest(`${pathString(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`);
        }
        key.push([name, v]);
      }
      return { key };
    }
    if (item === null || typeof item !== 'object') return { value: item };
  }
  return { index: i };
}

/** The set of fields a value sets (SMD's TypedValue.ToFieldSet). */
export function toFieldSet(v: JsonValue, t: TypeNode): FieldSet {
  const set = new FieldSet();
  fieldsOf(v, t, [], set);
  return set;
}

function fieldsOf(v: JsonValue, type: TypeNode, path: PathElement[], set: FieldSet): void {
  const t = effective(type, v);
  if (t.kind === 'scalar' || t.kind === 'untyped') {
    set.insert(path);
    return;
  }
  if (t.kind === 'list') {
    if (t.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    const list = asList(v);
    if (!list) return;
    const pes = list.map((item, i) => listItemElement(t, item, i, path));
    const counts = new Map<string, number>();
    for (const pe of pes) counts.set(peKey(pe), (counts.get(peKey(pe)) ?? 0) + 1);
    list.forEach((item, i) => {
      const pe = pes[i]!;
      const child = [...path, pe];
      if (counts.get(peKey(pe))! > 1) {
        set.insert(child);
        return;
      }
      fieldsOf(item, t.element, child, set);
      set.insert(child);
    });
    return;
  }
  if (t.atomic) {
    set.insert(path);
    return;
  }
  const m = asMap(v);
  if (!m) return;
  for (const [k, val] of Object.entries(m)) {
    if (val === undefined) continue;
    const child = [...path, { field: k }];
    fieldsOf(val, fieldType(t, k), child, set);
    if (val === null || (isObject(val) && Object.keys(val).length === 0) || t.field(k) === undefined) set.insert(child);
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from lhs to rhs (SMD's TypedValue.Compare). */
export function compare(lhs: JsonValue, rhs: JsonValue, t: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareNode(lhs, rhs, t, [], c);
  return c;
}

function compareLeaf(l: Value, r: Value, path: Path, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!deepEqual(l, r)) c.modified.insert(path);
}

function compareNode(l: Value, r: Value, type: TypeNode, path: PathElement[], c: Comparison): void {
  const t = effective(type, l, r);
  if (t.kind === 'scalar' || t.kind === 'untyped') return compareLeaf(l, r, path, c);
  if (t.kind === 'list') {
    const ll = asList(l);
    const rl = asList(r);
    if (t.relationship === 'atomic' || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return compareLeaf(l, r, path, c);
    compareListItems(t, ll ?? [], rl ?? [], path, c);
  } else {
    const lm = asMap(l);
    const rm = asMap(r);
    if (t.atomic || ((!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0))) return compareLeaf(l, r, path, c);
    const keys = new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})]);
    for (const k of keys) {
      const lv = lm?.[k];
      const rv = rm?.[k];
      if (lv === undefined && rv === undefined) continue;
      compareNode(lv, rv, fieldType(t, k), [...path, { field: k }], c);
    }
  }
  if (path.length > 0) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  }
}

function indexItems(t: ListType, list: JsonValue[], path: Path): Map<string, { pe: PathElement; items: JsonValue[] }> {
  const out = new Map<string, { pe: PathElement; items: JsonValue[] }>();
  list.forEach((item, i) => {
    const pe = listItemElement(t, item, i, path);
    const k = peKey(pe);
    const e = out.get(k);
    if (e) e.items.push(item);
    else out.set(k, { pe, items: [item] });
  });
  return out;
}

function compareListItems(t: ListType, l: JsonValue[], r: JsonValue[], path: PathElement[], c: Comparison): void {
  const lv = indexItems(t, l, path);
  const rv = indexItems(t, r, path);
  const all = new Map<string, PathElement>();
  for (const [k, e] of lv) all.set(k, e.pe);
  for (const [k, e] of rv) if (!all.has(k)) all.set(k, e.pe);
  for (const [k, pe] of all) {
    const ls = lv.get(k)?.items ?? [];
    const rs = rv.get(k)?.items ?? [];
    const child = [...path, pe];
    if (ls.length <= 1 && rs.length <= 1) compareNode(ls[0], rs[0], t.element, child, c);
    else if (ls.length >= 2 && rs.length >= 2) {
      if (!deepEqual(ls, rs)) c.modified.insert(child);
    } else if (ls.length >= 2) {
      if (rs.length > 0) compareNode(undefined, rs[0], t.element, child, c);
      c.removed.insert(child);
    } else {
      if (ls.length > 0) compareNode(ls[0], undefined, t.element, child, c);
      c.added.insert(child);
    }
  }
}

/** Merges an applied configuration into the live object (SMD's TypedValue.Merge). */
export function merge(lhs: JsonValue, rhs: JsonValue, t: TypeNode): JsonValue {
  return mergeNode(lhs, rhs, t, []) ?? {};
}

function mergeNode(l: Value, r: Value, type: TypeNode, path: PathElement[]): Value {
  if (r === undefined) return l;
  if (l === undefined) return r;
  const t = effective(type, l, r);
  if (t.kind === 'scalar' || t.kind === 'untyped') return r;
  if (t.kind === 'list') {
    const ll = asList(l);
    const rl = asList(r);
    if (t.relationship === 'atomic' || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) return r;
    const out = mergeListItems(t, ll ?? [], rl ?? [], path);
    return out.length > 0 ? out : undefined;
  }
  const lm = asMap(l);
  const rm = asMap(r);
  if (t.atomic || ((!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0))) return r;
  const out: Record<string, JsonValue> = {};
  for (const k of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
    const v = mergeNode(lm?.[k], rm?.[k], fieldType(t, k), [...path, { field: k }]);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Merges list items keeping the live order, with items the config adds placed after the
 * shared item that precedes them in the config (SMD's visitListItems ordering).
 */
function mergeListItems(t: ListType, l: JsonValue[], r: JsonValue[], path: PathElement[]): JsonValue[] {
  const rPes = r.map((item, i) => listItemElement(t, item, i, path));
  const rSeen = new Map<string, JsonValue>();
  for (let i = 0; i < r.length; i++) {
    const k = peKey(rPes[i]!);
    if (rSeen.has(k)) throw errors.badRequest(`${pathString(path)}: duplicate entries for key ${pathString([rPes[i]!])}`);
    rSeen.set(k, r[i]!);
  }
  const lPes = l.map((item, i) => listItemElement(t, item, i, path));
  const lSeen = new Map<string, JsonValue | null>();
  for (let i = 0; i < l.length; i++) {
    const k = peKey(lPes[i]!);
    lSeen.set(k, lSeen.has(k) ? null : l[i]!);
  }
  const shared = rPes.map(peKey).filter(k => lSeen.has(k));
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: JsonValue[] = [];
  const push = (pe: PathElement, lv: Value, rv: Value) => {
    const v = mergeNode(lv ?? undefined, rv, t.element, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const lk = peKey(lPes[li]!);
      if (lk === peKey(rPes[ri]!)) {
        merged.add(lk);
        push(lPes[li]!, lSeen.get(lk), rSeen.get(lk));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rSeen.has(lk) && nextShared !== undefined && nextShared !== lk) {
        li++;
        continue;
      }
    }
    if (li < l.length) {
      const lk = peKey(lPes[li]!);
      if (!rSeen.has(lk)) {
        push(lPes[li]!, l[li]!, undefined);
        li++;
        continue;
      } else if (merged.has(lk)) {
        li++;
      }
    }
    if (ri < r.length) {
      const rk = peKey(rPes[ri]!);
      merged.add(rk);
      push(rPes[ri]!, lSeen.get(rk) ?? undefined, rSeen.get(rk));
      ri++;
      if (nextShared === rk) nextShared = shared.shift();
    }
  }
  return out;
}

/** The value without the fields in `toRemove` (SMD's RemoveItems). */
export function removeItems(v: JsonValue, t: TypeNode, toRemove: FieldSet): JsonValue {
  return removeNode(v, t, toRemove, []) ?? {};
}

function removeNode(v: JsonValue, type: TypeNode, toRemove: FieldSet, path: PathElement[]): JsonValue | undefined {
  const t = effective(type, v);
  if (t.kind === 'scalar' || t.kind === 'untyped') return v;
  if (t.kind === 'list') {
    const list = asList(v);
    if (!list) return undefined;
    if (list.length === 0 || t.relationship === 'atomic') return undefined;
    const out: JsonValue[] = [];
    list.forEach((item, i) => {
      const pe = listItemElement(t, item, i, path);
      if (toRemove.members.has(peKey(pe))) return;
      const sub = toRemove.withPrefix(pe);
      out.push(sub.empty() ? item : removeNode(item, t.element, sub, [...path, pe]) ?? null);
    });
    return out.length > 0 ? out : undefined;
  }
  const m = asMap(v);
  if (!m || Object.keys(m).length === 0 || t.atomic) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const [k, val] of Object.entries(m)) {
    const pe = { field: k };
    if (toRemove.members.has(peKey(pe))) continue;
    const sub = toRemove.withPrefix(pe);
    if (sub.empty()) out[k] = val;
    else {
      const r = removeNode(val, fieldType(t, k), sub, [...path, pe]);
      if (r !== undefined) out[k] = r;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds declared struct fields that have owned children as members themselves (SMD's EnsureNamedFieldsAreMembers). */
export function ensureNamedFieldsAreMembers(s: FieldSet, t: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of s.members) out.members.set(k, pe);
  for (const [k, c] of s.children) {
    let childType: TypeNode = UNTYPED;
    if ('field' in c.pe) {
      if (t.kind === 'map') {
        const f = t.field(c.pe.field);
        if (f) out.members.set(k, c.pe);
        childType = f ?? t.element;
      }
    } else if (t.kind === 'list') {
      childType = t.element;
    }
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childType) });
  }
  return out;
}

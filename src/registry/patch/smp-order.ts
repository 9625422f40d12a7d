// Element order of merged lists, as upstream's strategic merge patch decides it
// (normalizeElementOrder and friends): patch items in patch (or $setElementOrder) order,
// server-only items in live order, the two interleaved by their places in the live list.
// Sorting reproduces Go's sort.SliceStable step by step, because upstream's comparator is
// not a strict order when an item is missing from the order list.
import { isObject } from '../../api/types.js';
import { badArgType, noMergeKey, SmpError } from './smp-errors.js';

/** Whether list elements are maps (merged by key) or scalars. */
export type ElementKind = 'map' | 'scalar';

const DIRECTIVE = '$patch';

/** First position of each item in a list: by merge key value for maps, by value for scalars. */
class Positions {
  private readonly first = new Map<unknown, number>();

  constructor(list: readonly unknown[], private readonly mergeKey: string, private readonly kind: ElementKind) {
    list.forEach((item, i) => {
      const k = this.keyOf(item);
      if (!this.first.has(k)) this.first.set(k, i);
    });
  }

  keyOf(item: unknown): unknown {
    if (this.kind !== 'map') return item;
    return isObject(item) && Object.hasOwn(item, this.mergeKey) ? item[this.mergeKey] : null;
  }

  of(item: unknown): number {
    return this.first.get(this.keyOf(item)) ?? -1;
  }
}

/** Go's sort.SliceStable (insertion sort on blocks of 20, then SymMerge), in place. */
function goStableSort<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const lessAt = (i: number, j: number): boolean => less(data[i] as T, data[j] as T);
  const swap = (i: number, j: number): void => {
    const t = data[i] as T;
    data[i] = data[j] as T;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
    }
  };
  const swapRange = (a: number, b: number, n: number): void => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number): void => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

/** Every item must be a map holding the merge key. */
export function validateMergeKeys(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw badArgType('map[string]interface {}', item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** Splits items into those kept and those carrying `$patch: delete`. */
export function splitDeleteItems(list: readonly unknown[]): { keep: unknown[]; remove: unknown[] } {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const item of list) {
    if (!isObject(item)) throw badArgType('map[string]interface {}', item);
    if (Object.hasOwn(item, DIRECTIVE) && item[DIRECTIVE] === 'delete') remove.push(item);
    else keep.push(item);
  }
  return { keep, remove };
}

function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = [...toSort];
  let deleted: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeys(mergeKey, items, [...order]);
    ({ keep: items, remove: deleted } = splitDeleteItems(items));
  }
  const pos = new Positions(order, mergeKey, kind);
  goStableSort(items, (x, y) => {
    const ix = pos.of(x);
    if (ix >= 0) {
      const iy = pos.of(y);
      if (iy >= 0) return ix < iy;
    }
    return true;
  });
  return [...items, ...deleted];
}

/** Interleaves server-only items into patch items, by their places in the live list. */
function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const pos = new Positions(serverOrder, mergeKey, kind);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = pos.of(left[i]);
      const ri = pos.of(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Orders a merged list: patch items by patchOrder, server-only items by serverOrder, interleaved. */
export function normalizeElementOrder(
  patchItems: unknown[], serverOnly: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[],
  mergeKey: string, kind: ElementKind,
): unknown[] {
  const patchSorted = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

/** Upstream hashes scalars into a Go map; a map or list there makes Go panic. */
function hashable(v: unknown): void {
  if (typeof v === 'object' && v !== null) {
    throw new SmpError(`runtime error: hash of unhashable type ${Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}'}`);
  }
}

/** Splits scalars into those present in `by` and the rest. */
export function partitionScalars(list: readonly unknown[], by: readonly unknown[]): { inList: unknown[]; rest: unknown[] } {
  by.forEach(hashable);
  const present = new Set(by);
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of list) {
    hashable(v);
    (present.has(v) ? inList : rest).push(v);
  }
  return { inList, rest };
}

/** Index of the first map in `list` whose merge key equals `value`; -1 when none. */
export function findByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) throw new SmpError(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, key) && item[key] === value) return i;
  }
  return -1;
}

/** Splits maps into those whose merge key appears in `by` and the rest. */
export function partitionMaps(list: readonly unknown[], by: readonly unknown[], mergeKey: string): { inList: unknown[]; rest: unknown[] } {
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? inList : rest).push(v);
  }
  return { inList, rest };
}

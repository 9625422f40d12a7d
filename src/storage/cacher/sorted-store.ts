// The current objects of one watch cache, ordered by key as etcd orders them. Each revision is
// held in one form: the stored JSON from a list until a reader asks for it, then (as every entry
// made from a watch event) the frozen decoded object every read that asks for it shares; a private
// copy is decoded from that object's cached JSON bytes.
import type { KubeObject } from '../../api/types.js';
import type { RangeKV } from '../paged-list.js';
import { jsonOf, share } from '../shared.js';
import { decodeObject } from '../value.js';

export class StoredEntry {
  private raw: string | undefined;
  private object: KubeObject | undefined;

  /**
   * Either raw (the object as encodeObject() stores it) or object (its decoded form, frozen here)
   * is given; modRevision: its mod revision (decimal).
   */
  constructor(
    readonly key: string,
    readonly modRevision: string,
    from: { raw: string } | { object: KubeObject },
  ) {
    if ('raw' in from) this.raw = from.raw;
    else this.object = share(from.object);
  }

  /** Bytes that decodeObject() turns into this revision: the stored form, or the shared object's JSON. */
  get value(): string | Uint8Array {
    return this.raw ?? jsonOf(this.object);
  }

  /** The decoded object, frozen and shared by every caller (src/storage/shared.ts). */
  shared(): KubeObject {
    if (!this.object) {
      this.object = share(decodeObject(this.raw!, this.modRevision, this.key));
      this.raw = undefined;
    }
    return this.object;
  }

  /** A private, mutable copy stamped with rev (this revision's by default). */
  decode(rev = this.modRevision): KubeObject {
    return decodeObject(this.value, rev, this.key);
  }
}

/**
 * Keys are compared as JavaScript strings: for the ASCII keys Kubernetes names produce this is etcd's
 * byte order.
 */
export class SortedStore {
  private readonly entries = new Map<string, StoredEntry>();
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  get(key: string): StoredEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: StoredEntry): void {
    if (!this.entries.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.entries.set(key, entry);
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.keys.splice(this.lowerBound(key), 1);
  }

  replace(entries: Iterable<[string, StoredEntry]>): void {
    this.entries.clear();
    for (const [key, entry] of entries) this.entries.set(key, entry);
    this.keys = [...this.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Keys in [start, end) (end undefined: no upper bound), at most limit (0: all), and how many there are in all. */
  range(start: string, end: string | undefined, limit: number): { kvs: RangeKV[]; count: number } {
    const from = this.lowerBound(start);
    const to = end === undefined ? this.keys.length : this.lowerBound(end);
    const count = Math.max(0, to - from);
    const stop = limit > 0 ? Math.min(to, from + limit) : to;
    const kvs: RangeKV[] = [];
    for (let i = from; i < stop; i++) {
      const key = this.keys[i];
      const entry = this.entries.get(key)!;
      // value on demand: most readers take the shared object and never need the bytes.
      kvs.push({ key, get value() { return entry.value; }, modRevision: entry.modRevision, entry });
    }
    return { kvs, count };
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

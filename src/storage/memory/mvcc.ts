// A tiny multi-version key space with etcd's rules: one global revision, bumped by every put and
// delete; reads at a past revision; a change log for watches; compaction that forgets history
// before a revision; keys ordered as UTF-8 bytes.
import { StorageError } from '../errors.js';
import type { RangeResult } from '../paged-list.js';
import { tooLargeResourceVersion } from '../resource-version.js';

interface Version {
  rev: bigint;
  /** null: deleted at rev. */
  value: string | null;
  createRev: bigint;
  lease: number;
}

export interface ChangeRecord {
  rev: bigint;
  key: string;
  kind: 'put' | 'delete';
  /** The new value (put). */
  value: string | null;
  /** The value before this change, if the key existed. */
  prev: string | null;
  created: boolean;
}

export interface Current {
  value: string;
  modRev: bigint;
  lease: number;
}

const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

export class Mvcc {
  /** The latest revision; etcd starts at 1. */
  revision = 1n;
  compactedRevision = 0n;
  private readonly versions = new Map<string, Version[]>();
  /** Every key ever seen, sorted by UTF-8 bytes, with its bytes. */
  private readonly sorted: { key: string; bytes: Buffer }[] = [];
  private log: ChangeRecord[] = [];
  private readonly listeners = new Set<(c: ChangeRecord) => void>();
  private readonly progressListeners = new Set<() => void>();

  current(key: string): Current | undefined {
    const v = this.versions.get(key)?.at(-1);
    return v && v.value !== null ? { value: v.value, modRev: v.rev, lease: v.lease } : undefined;
  }

  put(key: string, value: string, lease = 0): ChangeRecord {
    const prev = this.current(key);
    const rev = ++this.revision;
    const createRev = prev ? this.versions.get(key)!.at(-1)!.createRev : rev;
    this.append(key, { rev, value, createRev, lease });
    return this.record({ rev, key, kind: 'put', value, prev: prev?.value ?? null, created: !prev });
  }

  delete(key: string): ChangeRecord | undefined {
    const prev = this.current(key);
    if (!prev) return undefined;
    const rev = ++this.revision;
    this.append(key, { rev, value: null, createRev: 0n, lease: 0 });
    return this.record({ rev, key, kind: 'delete', value: null, prev: prev.value, created: false });
  }

  /** Keys in [start, end) at revision (0n: latest); end [0] means no upper bound, as in etcd. */
  range(start: string, end: Buffer, limit: number, revision: bigint, errorKey: string): RangeResult {
    if (revision > 0n && revision < this.compactedRevision) throw new StorageError('Expired', errorKey, COMPACTED);
    if (revision > this.revision) throw tooLargeResourceVersion(errorKey, revision, this.revision);
    const at = revision > 0n ? revision : this.revision;
    const startBytes = Buffer.from(start, 'utf8');
    const unbounded = end.length === 1 && end[0] === 0;
    const visible: { key: string; value: string; modRevision: string }[] = [];
    for (let i = this.lowerBound(startBytes); i < this.sorted.length; i++) {
      const { key, bytes } = this.sorted[i];
      if (!unbounded && Buffer.compare(bytes, end) >= 0) break;
      const v = this.versionAt(key, at);
      if (v && v.value !== null) visible.push({ key, value: v.value, modRevision: v.rev.toString() });
    }
    const kvs = limit > 0 ? visible.slice(0, limit) : visible;
    return { kvs, more: kvs.length < visible.length, count: visible.length, revision: this.revision };
  }

  /** Changes from revision `from` (inclusive) on; undefined if some were compacted away. */
  changesFrom(from: bigint): ChangeRecord[] | undefined {
    if (from < this.compactedRevision) return undefined;
    return this.log.filter((c) => c.rev >= from);
  }

  /** Forgets history before revision (the state at revision stays readable), as etcd's Compact. */
  compact(revision: bigint): void {
    if (revision <= this.compactedRevision) throw new StorageError('Expired', '', COMPACTED);
    if (revision > this.revision) throw tooLargeResourceVersion('', revision, this.revision);
    this.compactedRevision = revision;
    for (const [key, list] of this.versions) {
      let keepFrom = 0;
      for (let i = 0; i < list.length; i++) if (list[i].rev <= revision) keepFrom = i;
      const kept = list.slice(keepFrom);
      if (kept.length === 1 && kept[0].value === null && kept[0].rev <= revision) this.versions.set(key, []);
      else this.versions.set(key, kept);
    }
    this.log = this.log.filter((c) => c.rev >= revision);
  }

  /** Listeners told when a progress notification is requested (they send a bookmark). */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  requestProgress(): void {
    for (const l of this.progressListeners) l();
  }

  subscribe(listener: (c: ChangeRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private versionAt(key: string, at: bigint): Version | undefined {
    const list = this.versions.get(key) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i].rev <= at) return list[i];
    return undefined;
  }

  private append(key: string, v: Version): void {
    const list = this.versions.get(key);
    if (list) {
      list.push(v);
      return;
    }
    this.versions.set(key, [v]);
    const bytes = Buffer.from(key, 'utf8');
    this.sorted.splice(this.lowerBound(bytes), 0, { key, bytes });
  }

  private lowerBound(bytes: Buffer): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.sorted[mid].bytes, bytes) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private record(c: ChangeRecord): ChangeRecord {
    this.log.push(c);
    for (const l of this.listeners) l(c);
    return c;
  }
}

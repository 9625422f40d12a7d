// list and count: upstream's GetList (../paged-list.ts) over ranges of the log at a revision.
import { StorageError } from '../errors.js';
import type { ListOptions, ListResult } from '../interface.js';
import { pagedList, type RangeFn } from '../paged-list.js';
import { prefixRangeEnd, tooLargeResourceVersion } from '../resource-version.js';
import { upperBound, type Log } from './log.js';

/** etcd's error text, so the layers above treat both backends alike. */
export const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

export function list(log: Log, prefix: string, opts: ListOptions): Promise<ListResult> {
  const range: RangeFn = async (start, end, limit, revision) => {
    if (revision > 0n && revision < BigInt(log.compactRevision)) throw new StorageError('Expired', prefix, COMPACTED);
    if (revision > BigInt(log.revision)) throw tooLargeResourceVersion(prefix, revision, BigInt(log.revision));
    const at = revision > 0n ? Number(revision) : log.revision;
    const bound = upperBound(end);
    const rows = log.range(start, bound, at, limit);
    const count = limit > 0 ? log.count(start, bound, at) : rows.length;
    return {
      kvs: rows.map((r) => ({ key: r.name, value: r.value ?? Buffer.alloc(0), modRevision: String(r.id) })),
      more: count > rows.length,
      count,
      revision: BigInt(log.revision),
    };
  };
  return pagedList(range, prefix, opts);
}

export function count(log: Log, prefix: string): number {
  const keyPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return log.count(keyPrefix, upperBound(prefixRangeEnd(keyPrefix)), log.revision);
}

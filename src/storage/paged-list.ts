// The list algorithm of upstream's etcd3 store.GetList, over any backend that can range over keys
// at a revision: resourceVersion/resourceVersionMatch semantics, limit + continue, predicate
// filtering in growing batches, remainingItemCount, and the compaction errors.
import type { KubeObject } from '../api/types.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { StorageError, isStorageError } from './errors.js';
import type { ListOptions, ListResult } from './interface.js';
import { parseResourceVersion, prefixRangeEnd, tooLargeResourceVersion } from './resource-version.js';
import { decodeObject } from './value.js';

export interface RangeKV {
  key: string;
  value: string | Uint8Array;
  modRevision: string;
  /** A cache's entry: with ListOptions.shared, its shared decoded object is used instead of decoding value. */
  entry?: { shared(): KubeObject };
}

export interface RangeResult {
  kvs: RangeKV[];
  /** More keys remain in [start, end) beyond the limit. */
  more: boolean;
  /** Keys in [start, end) at the revision, ignoring the limit. */
  count: number;
  /** The store's current revision (the response header's). */
  revision: bigint;
}

/**
 * Keys in [start, end) (end compared as UTF-8 bytes) at revision (0n: latest), at most limit (0: all).
 * Must throw StorageError 'Expired' if the revision was compacted and 'TooLargeResourceVersion' if it
 * is in the future.
 */
export type RangeFn = (start: string, end: Buffer, limit: number, revision: bigint) => Promise<RangeResult>;

/** Upstream grows the batch up to this when a predicate filters items out. */
const MAX_BATCH = 10000;

const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
  'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
  'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
  'modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export async function pagedList(range: RangeFn, prefix: string, opts: ListOptions): Promise<ListResult> {
  const keyPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
  const paging = limit > 0;
  const rvString = opts.resourceVersion ?? '';
  const fromRV = rvString === '' ? undefined : parseResourceVersion(rvString, keyPrefix);

  let start = keyPrefix;
  let withRev = 0n;
  let continueKey: string | undefined;
  if (opts.continue) {
    const decoded = decodeContinue(opts.continue, keyPrefix);
    if (rvString !== '' && rvString !== '0') {
      throw new StorageError('InvalidArgument', keyPrefix, 'specifying resource version is not allowed when using continue');
    }
    continueKey = decoded.fromKey;
    start = decoded.fromKey;
    // rv > 0: the snapshot of the first page; rv -1: the latest revision (inconsistent continuation).
    if (decoded.rv > 0n) withRev = decoded.rv;
  } else if (fromRV !== undefined) {
    switch (opts.resourceVersionMatch ?? '') {
      case 'NotOlderThan':
        break;
      case 'Exact':
        withRev = fromRV;
        break;
      case '':
        if (paging && fromRV > 0n) withRev = fromRV;
        break;
      default:
        throw new StorageError('InvalidArgument', keyPrefix, `unknown ResourceVersionMatch value: ${String(opts.resourceVersionMatch)}`);
    }
  }

  const end = prefixRangeEnd(keyPrefix);
  const items: KubeObject[] = [];
  let batch = limit;
  let lastKey = '';
  let hasMore = false;
  let resp: RangeResult;
  for (;;) {
    try {
      resp = await range(start, end, paging ? batch : 0, withRev);
    } catch (e) {
      throw interpretListError(e, keyPrefix, continueKey);
    }
    if (fromRV !== undefined && fromRV > resp.revision) throw tooLargeResourceVersion(keyPrefix, fromRV, resp.revision);
    hasMore = resp.more;
    if (resp.kvs.length === 0 && resp.more) throw new Error('no results were found, but etcd indicated there were more values remaining');

    for (const kv of resp.kvs) {
      if (paging && items.length >= limit) {
        hasMore = true;
        break;
      }
      lastKey = kv.key;
      const obj = opts.shared && kv.entry ? kv.entry.shared() : decodeObject(kv.value, kv.modRevision, kv.key);
      if (!opts.predicate || opts.predicate(obj)) items.push(obj);
    }

    if (!hasMore || !paging || items.length >= limit) break;
    // A predicate dropped items: fetch more, in bigger batches, from the same snapshot.
    batch = Math.min(batch * 2, Math.max(MAX_BATCH, limit));
    start = `${lastKey}\x00`;
    if (withRev === 0n) withRev = resp.revision;
  }
  if (withRev === 0n) withRev = resp.revision;

  const result: ListResult = { items, resourceVersion: withRev.toString() };
  if (hasMore) {
    result.continue = encodeContinue(`${lastKey}\x00`, keyPrefix, withRev);
    // The count includes objects the predicate would drop, so it is only given without one.
    if (!opts.predicate) result.remainingItemCount = resp.count - limit;
  }
  return result;
}

function interpretListError(e: unknown, keyPrefix: string, continueKey: string | undefined): unknown {
  if (!isStorageError(e, 'Expired')) return e;
  if (continueKey === undefined) return new StorageError('Expired', keyPrefix, EXPIRED_LIST);
  return new StorageError('Expired', keyPrefix, INCONSISTENT_CONTINUE, {
    continueToken: encodeContinue(continueKey, keyPrefix, -1n),
  });
}

// list: upstream's GetList over etcd ranges (see ../paged-list.ts for the algorithm).
import type { ListOptions, ListResult } from '../interface.js';
import { StorageError } from '../errors.js';
import { pagedList, type RangeFn } from '../paged-list.js';
import { tooLargeResourceVersion } from '../resource-version.js';
import { bytes, isCompactedError, isFutureRevisionError, revisionOf, type EtcdContext } from './client.js';

export async function currentRevision(ctx: EtcdContext, key: string): Promise<bigint> {
  const resp = await ctx.call('get', key, (o) => ctx.client.kv.range({ key: bytes(key), count_only: true }, o));
  return revisionOf(resp.header);
}

export function list(ctx: EtcdContext, prefix: string, opts: ListOptions): Promise<ListResult> {
  const range: RangeFn = async (start, end, limit, revision) => {
    try {
      const resp = await ctx.call('list', prefix, (o) =>
        ctx.client.kv.range({ key: bytes(start), range_end: end, limit, revision: revision.toString() }, o),
      );
      return {
        kvs: resp.kvs.map((kv) => {
          const key = kv.key.toString('utf8');
          return { key, value: ctx.fromStored(key, kv.value), modRevision: kv.mod_revision };
        }),
        more: resp.more,
        count: Number(resp.count),
        revision: revisionOf(resp.header),
      };
    } catch (e) {
      if (isCompactedError(e)) throw new StorageError('Expired', prefix, (e as Error).message);
      if (isFutureRevisionError(e)) throw tooLargeResourceVersion(prefix, revision, await currentRevision(ctx, prefix));
      throw e;
    }
  };
  return pagedList(range, prefix, opts);
}

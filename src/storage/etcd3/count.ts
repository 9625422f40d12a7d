// count: how many keys are under a prefix (a count-only range).
import { prefixRangeEnd } from '../resource-version.js';
import { bytes, type EtcdContext } from './client.js';

export async function count(ctx: EtcdContext, prefix: string): Promise<number> {
  const keyPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const resp = await ctx.call('listWithCount', keyPrefix, (o) =>
    ctx.client.kv.range({ key: bytes(keyPrefix), range_end: prefixRangeEnd(keyPrefix), count_only: true }, o),
  );
  return Number(resp.count);
}

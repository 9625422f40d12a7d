// LIST: one page of a collection, streamed item by item.
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { writeList } from '../respond.js';
import { includeObjectOf, listParamsOf } from './params.js';

export async function listHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadataList']);
  const params = listParamsOf(ctx.query);
  // Shared: the watch cache's objects as served, with their encodings cached; only written here.
  const page = await ctx.store.list(ctx.ri.namespace, params, { shared: true });
  writeList(ctx.res, neg, ctx.info, page.items, page.resourceVersion, page.continue, page.remainingItemCount, { includeObject: includeObjectOf(ctx.query) });
}

// GET of one object (and of its status subresource).
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { includeObjectOf } from './params.js';

export async function getHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  // Shared: the watch cache's object as served, with its encodings cached; only written here.
  const obj = await ctx.store.get(ctx.ri.namespace, ctx.ri.name, { shared: true });
  writeObject(ctx.res, neg, ctx.info, 200, obj, { includeObject: includeObjectOf(ctx.query) });
}

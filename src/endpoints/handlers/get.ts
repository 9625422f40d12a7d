// GET of one object (and of its status subresource).
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { includeObjectOf } from './params.js';
import { escapeFieldValue } from '../../registry/selectors/fields.js';

export async function getHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const rv = ctx.query.get('resourceVersion') ?? '';
  // Upstream serves a GET at a resourceVersion from the watch cache once it has caught up, and
  // answers 504 "Too large resource version" for one the store has not reached; a list of this
  // name at that version waits and fails the same way.
  if (rv !== '' && rv !== '0') await ctx.store.list(ctx.ri.namespace, { resourceVersion: rv, fieldSelector: `metadata.name=${escapeFieldValue(ctx.ri.name)}` });
  // Shared: the watch cache's object as served, with its encodings cached; only written here.
  const obj = await ctx.store.get(ctx.ri.namespace, ctx.ri.name, { shared: true });
  writeObject(ctx.res, neg, ctx.info, 200, obj, { includeObject: includeObjectOf(ctx.query) });
}

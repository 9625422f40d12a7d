// DELETE of one object, and of a collection (deletecollection).
import type { HandlerContext } from './context.js';
import { negotiate, requestBodyType } from '../negotiate.js';
import { writeList, writeObject } from '../respond.js';
import { parseBody, readRawBody } from '../body.js';
import { includeObjectOf, listParamsOf } from './params.js';
import { deleteParamsOf } from './delete-options.js';

async function deleteOptionsBody(ctx: HandlerContext): Promise<unknown> {
  const raw = await readRawBody(ctx.req);
  if (raw.length === 0 || raw.toString('utf8').trim() === '') return undefined;
  // DeleteOptions arrive as JSON, YAML or (from client-go, e.g. Helm) protobuf.
  return parseBody(raw, requestBodyType(ctx.req, false));
}

export async function deleteHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const params = deleteParamsOf(ctx.query, await deleteOptionsBody(ctx));
  const { object, deleted } = await ctx.store.delete(ctx.ri.namespace, ctx.ri.name, params);
  if (deleted && !ctx.store.strategy.returnDeletedObject) {
    writeObject(ctx.res, { ...neg, view: 'object' }, ctx.info, 200, ctx.store.deletedStatus(object), { includeObject: 'Object' });
    return;
  }
  writeObject(ctx.res, neg, ctx.info, 200, object, { includeObject: includeObjectOf(ctx.query) });
}

export async function deleteCollectionHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadataList']);
  const params = deleteParamsOf(ctx.query, await deleteOptionsBody(ctx));
  const list = listParamsOf(ctx.query);
  const items = await ctx.store.deleteCollection(ctx.ri.namespace, list, params);
  writeList(ctx.res, neg, ctx.info, items, '', undefined, undefined, { includeObject: 'Object' });
}

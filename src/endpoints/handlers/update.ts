// PUT of one object or of its status subresource.
import { errors } from '../../api/errors.js';
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readObjectBody } from './decode-body.js';
import { dryRunOf, includeObjectOf } from './params.js';
import { managerOf, recordWrite } from '../../registry/fieldmanager/field-manager.js';
import type { KubeObject } from '../../api/types.js';

export async function updateHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const dryRun = dryRunOf(ctx.query);
  const obj = await readObjectBody(ctx);
  const meta = obj.metadata;
  if (meta.name !== undefined && meta.name !== ctx.ri.name) {
    throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${ctx.ri.name})`);
  }
  if (ctx.info.namespaced && meta.namespace && meta.namespace !== ctx.ri.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const manager = managerOf(ctx.query, ctx.req.get('user-agent') ?? '', 'UpdateOptions');
  const recordUpdate = (live: KubeObject | null, next: KubeObject) => recordWrite(ctx.info, ctx.ri.subresource, manager, live, next);
  const { object, created } = await ctx.store.update(ctx.ri.namespace, ctx.ri.name, ctx.ri.subresource, () => obj, { dryRun, recordWrite: recordUpdate });
  writeObject(ctx.res, neg, ctx.info, created ? 201 : 200, object, { includeObject: includeObjectOf(ctx.query) });
}

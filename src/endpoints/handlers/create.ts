// POST to a collection: create one object.
import { errors } from '../../api/errors.js';
import type { HandlerContext } from './context.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readObjectBody } from './decode-body.js';
import { dryRunOf, includeObjectOf } from './params.js';
import { managerOf, recordWrite } from '../../registry/fieldmanager/field-manager.js';

export async function createHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const dryRun = dryRunOf(ctx.query, 'CreateOptions');
  const obj = await readObjectBody(ctx);
  const meta = obj.metadata;
  if (ctx.info.namespaced) {
    if (meta.namespace && meta.namespace !== ctx.ri.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }
  if (!meta.name && !meta.generateName) {
    throw errors.invalid(ctx.info.group, ctx.info.kind, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  const manager = managerOf(ctx.query, ctx.req.get('user-agent') ?? '', 'CreateOptions');
  const created = await ctx.store.create(ctx.ri.namespace, obj, { dryRun, recordWrite: (live, next) => recordWrite(ctx.info, '', manager, live, next) });
  writeObject(ctx.res, neg, ctx.info, 201, created, { includeObject: includeObjectOf(ctx.query) });
}

// PATCH: read the current object, apply the patch, decode the result and write it with
// compare-and-swap (retried on a lost race by the store).
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerContext } from './context.js';
import { negotiate, requestBodyType } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { parseBody, readRawBody } from '../body.js';
import { decodeTyped } from './decode-body.js';
import { dryRunOf, includeObjectOf } from './params.js';
import { applyJsonPatch } from '../../registry/patch/json-patch.js';
import { applyMergePatch } from '../../registry/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../registry/patch/strategic-merge-patch.js';

export async function patchHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const dryRun = dryRunOf(ctx.query);
  const type = requestBodyType(ctx.req, true);
  if (type === 'apply-patch') {
    throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
  const patch = parseBody(await readRawBody(ctx.req), 'json');
  const apply = (current: KubeObject): unknown => {
    switch (type) {
      case 'json-patch': return applyJsonPatch(current, patch);
      case 'merge-patch': return applyMergePatch(current, patch);
      case 'strategic-merge-patch': return applyStrategicMergePatch(current, patch, ctx.info);
    }
  };
  const { object, created } = await ctx.store.update(ctx.ri.namespace, ctx.ri.name, ctx.ri.subresource, current => {
    if (!current) throw errors.notFound(ctx.store.subject(ctx.ri.name));
    const patched = decodeTyped(ctx, apply(current));
    // A patch may not rename or move an object.
    if (patched.metadata.name !== undefined && patched.metadata.name !== ctx.ri.name) {
      throw errors.badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${ctx.ri.name})`);
    }
    return patched;
  }, { dryRun });
  writeObject(ctx.res, neg, ctx.info, created ? 201 : 200, object, { includeObject: includeObjectOf(ctx.query) });
}

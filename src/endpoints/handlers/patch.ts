// PATCH: read the current object, apply the patch, decode the result and write it with
// compare-and-swap (retried on a lost race by the store). Server-side apply
// (application/apply-patch+yaml) merges the configuration through the field manager, which
// also records every other write in metadata.managedFields.
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { HandlerContext } from './context.js';
import { negotiate, requestPatchType } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readRawBody } from '../body.js';
import { decodeTyped, readApplyBody } from './decode-body.js';
import { dryRunOf, fieldValidationOf, includeObjectOf } from './params.js';
import { applyPatchStrictness, decodePatched, goPatchMap } from './patch-strict.js';
import { readPatchBody } from './patch-body.js';
import { applyJsonPatch } from '../../registry/patch/json-patch.js';
import { applyMergePatch } from '../../registry/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../registry/patch/strategic-merge-patch.js';
import { applyConfiguration, forceOf, managerOf, recordWrite, validatePatchOptions } from '../../registry/fieldmanager/field-manager.js';

export async function patchHandler(ctx: HandlerContext): Promise<void> {
  const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadata']);
  const dryRun = dryRunOf(ctx.query, 'PatchOptions');
  const type = requestPatchType(ctx.req);
  // Custom resources have no patch strategies: upstream offers them the other three types only.
  if (ctx.info.custom && type === 'strategic-merge-patch') throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  const isApply = type === 'apply-patch';
  validatePatchOptions(ctx.query, isApply);
  const manager = managerOf(ctx.query, ctx.req.get('user-agent') ?? '', 'PatchOptions');
  const { subresource } = ctx.ri;
  const raw = await readRawBody(ctx.req);
  const force = isApply ? forceOf(ctx.query) : false;
  const mode = fieldValidationOf(ctx.query);
  const { patch, strictErrors } = type === 'apply-patch' ? { patch: readApplyBody(raw), strictErrors: [] } : readPatchBody(raw, type, mode);
  // upstream applies and decodes each type on its own path; apply decodes the merged object as a create/update body would be.
  const patchedObject = (current: KubeObject | null): KubeObject => {
    switch (type) {
      case 'apply-patch': {
        const patched = decodeTyped(ctx, applyConfiguration({ info: ctx.info, subresource, live: current, config: patch, manager, force }));
        applyPatchStrictness(ctx.res, patch, mode);
        return patched;
      }
      case 'json-patch': {
        const merged = applyJsonPatch(current!, patch);
        return decodePatched(ctx, merged, mode, strictErrors, () => JSON.stringify(merged));
      }
      case 'merge-patch': {
        const merged = applyMergePatch(current!, patch);
        return decodePatched(ctx, merged, mode, strictErrors, () => JSON.stringify(merged));
      }
      case 'strategic-merge-patch': {
        const merged = applyStrategicMergePatch(current!, patch, ctx.info);
        return decodePatched(ctx, merged, mode, strictErrors, () => goPatchMap(patch));
      }
    }
  };
  const { object, created } = await ctx.store.update(ctx.ri.namespace, ctx.ri.name, subresource, current => {
    // Only apply creates a missing object.
    if (!current && !isApply) throw errors.notFound(ctx.store.subject(ctx.ri.name));
    const patched = patchedObject(current);
    // upstream's checkName: a patch may not rename, unname or move an object.
    const patchedName = patched.metadata?.name ?? '';
    if (patchedName !== ctx.ri.name) {
      throw errors.badRequest(`the name of the object (${patchedName}) does not match the name on the URL (${ctx.ri.name})`);
    }
    const patchedNamespace = patched.metadata?.namespace ?? '';
    if (ctx.ri.namespace && patchedNamespace && patchedNamespace !== ctx.ri.namespace) {
      throw errors.badRequest(`the namespace of the object (${patchedNamespace}) does not match the namespace on the request (${ctx.ri.namespace})`);
    }
    return patched;
  }, {
    dryRun,
    ...(isApply ? { forceAllowCreate: subresource === '' } : { recordWrite: (live, next) => recordWrite(ctx.info, subresource, manager, live, next) }),
  });
  writeObject(ctx.res, neg, ctx.info, created ? 201 : 200, object, { includeObject: includeObjectOf(ctx.query) });
}

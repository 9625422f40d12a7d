// The scale subresource (autoscaling/v1 Scale) of deployments, replicasets, statefulsets and
// replicationcontrollers: a view of spec.replicas / status.replicas and the label selector; for
// custom resources, of the CRD's replica and selector paths.
import { errors } from '../../api/errors.js';
import { isObject, type KubeObject } from '../../api/types.js';
import { fromLabelSelectorObject } from '../../registry/selectors/labels.js';
import { applyJsonPatch } from '../../registry/patch/json-patch.js';
import { readPatchBody } from './patch-body.js';
import { applyMergePatch } from '../../registry/patch/merge-patch.js';
import type { HandlerContext } from './context.js';
import { negotiate, requestBodyType, requestPatchType } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { parseBody, readRawBody } from '../body.js';
import { dryRunOf, fieldValidationOf } from './params.js';
import { customScaleOf, scaleMetadata, setCustomReplicas } from '../../apiextensions/scale.js';

interface ScaleSpec { replicas?: number }

/** status.selector as upstream serializes it: a label selector string. */
function selectorString(obj: KubeObject): string {
  const sel = ((obj['spec'] ?? {}) as { selector?: unknown }).selector;
  if (!isObject(sel)) return '';
  // ReplicationControllers use a plain map; the apps kinds a metav1.LabelSelector.
  if (obj.kind === 'ReplicationController') {
    return Object.keys(sel).sort().map(k => `${k}=${String(sel[k])}`).join(',');
  }
  return fromLabelSelectorObject(sel as never).toString();
}

/** The Scale view of an object of ctx's resource. */
function viewOf(ctx: HandlerContext, obj: KubeObject): KubeObject {
  const custom = ctx.info.custom?.scale;
  return custom ? customScaleOf(obj, custom) : scaleOf(obj);
}

export function scaleOf(obj: KubeObject): KubeObject {
  const meta = scaleMetadata(obj);
  const spec = (obj['spec'] ?? {}) as ScaleSpec;
  const status = (obj['status'] ?? {}) as { replicas?: number };
  const out: KubeObject = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: meta, spec: {}, status: { replicas: status.replicas ?? 0 } };
  if (spec.replicas !== undefined) (out['spec'] as ScaleSpec).replicas = spec.replicas;
  const selector = selectorString(obj);
  if (selector) (out['status'] as Record<string, unknown>)['selector'] = selector;
  return out;
}

function replicasOf(ctx: HandlerContext, scale: unknown): { replicas: number; resourceVersion?: string } {
  if (!isObject(scale)) throw errors.badRequest('the body must be an autoscaling/v1 Scale object');
  const kind = scale['kind'];
  if (kind !== undefined && kind !== 'Scale') throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: kind ${JSON.stringify(kind)} is not Scale`);
  const spec = isObject(scale['spec']) ? scale['spec'] : {};
  const replicas = spec['replicas'] ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw errors.badRequest('Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32');
  }
  if (replicas < 0) {
    throw errors.invalid('autoscaling', 'Scale', ctx.ri.name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
  }
  const meta = isObject(scale['metadata']) ? scale['metadata'] : {};
  const rv = typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] !== '' ? meta['resourceVersion'] : undefined;
  return rv === undefined ? { replicas } : { replicas, resourceVersion: rv };
}

async function writeReplicas(ctx: HandlerContext, desired: (current: KubeObject) => unknown): Promise<void> {
  const neg = negotiate(ctx.req, []);
  const { object } = await ctx.store.update(ctx.ri.namespace, ctx.ri.name, '', current => {
    if (!current) throw errors.notFound(ctx.store.subject(ctx.ri.name));
    const { replicas, resourceVersion } = replicasOf(ctx, desired(current));
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      throw errors.conflict(ctx.store.subject(ctx.ri.name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next = structuredClone(current);
    const custom = ctx.info.custom?.scale;
    if (custom) setCustomReplicas(next, custom, replicas);
    else next['spec'] = { ...((next['spec'] ?? {}) as object), replicas };
    delete next.metadata.resourceVersion;
    return next;
  }, { dryRun: dryRunOf(ctx.query) });
  writeObject(ctx.res, neg, ctx.info, 200, viewOf(ctx, object), { includeObject: 'Object' });
}

export async function scaleHandler(ctx: HandlerContext): Promise<void> {
  switch (ctx.ri.verb) {
    case 'get': {
      const neg = negotiate(ctx.req, []);
      writeObject(ctx.res, neg, ctx.info, 200, viewOf(ctx, await ctx.store.get(ctx.ri.namespace, ctx.ri.name)), { includeObject: 'Object' });
      return;
    }
    case 'update': {
      const type = requestBodyType(ctx.req, false);
      const body = parseBody(await readRawBody(ctx.req), type);
      await writeReplicas(ctx, () => body);
      return;
    }
    case 'patch': {
      const type = requestPatchType(ctx.req);
      if (type === 'apply-patch') throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
      const { patch } = readPatchBody(await readRawBody(ctx.req), type, fieldValidationOf(ctx.query));
      // Scale has no lists: a strategic merge patch behaves as a merge patch.
      await writeReplicas(ctx, current => type === 'json-patch' ? applyJsonPatch(viewOf(ctx, current), patch) : applyMergePatch(viewOf(ctx, current), patch));
      return;
    }
    default:
      throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  }
}

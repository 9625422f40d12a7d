// pods/binding (what the scheduler calls) and pods/eviction (policy/v1 Eviction, honouring
// PodDisruptionBudgets), as upstream's pod registry serves them.
import { ApiError, errors } from '../../api/errors.js';
import { isObject, type KubeObject } from '../../api/types.js';
import { fromLabelSelectorObject } from '../../registry/selectors/labels.js';
import { nowTimestamp } from '../../registry/meta.js';
import type { Stores } from '../../server/stores.js';
import type { HandlerContext } from './context.js';
import { dryRunOf } from './params.js';
import { readKindBody } from './virtual.js';

type Fields = Record<string, unknown>;

function created(ctx: HandlerContext): void {
  ctx.res.status(201).type('application/json').send(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }));
}

async function bindingHandler(ctx: HandlerContext): Promise<void> {
  const binding = await readKindBody(ctx.req, '', 'v1', 'Binding');
  const meta = (isObject(binding['metadata']) ? binding['metadata'] : {}) as Fields;
  if (meta['name'] !== undefined && meta['name'] !== ctx.ri.name) throw errors.badRequest('name in URL does not match name in Binding object');
  const target = (isObject(binding['target']) ? binding['target'] : {}) as Fields;
  const node = typeof target['name'] === 'string' ? target['name'] : '';
  if (target['kind'] !== undefined && target['kind'] !== '' && target['kind'] !== 'Node') {
    throw errors.invalid('', 'Binding', ctx.ri.name, [{ reason: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: ${JSON.stringify(target['kind'])}: supported values: "Node", ""` }]);
  }
  if (!node) throw errors.invalid('', 'Binding', ctx.ri.name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  await ctx.store.update(ctx.ri.namespace, ctx.ri.name, 'binding', pod => {
    if (!pod) throw errors.notFound(ctx.store.subject(ctx.ri.name));
    const spec = (pod['spec'] ?? {}) as Fields;
    if (pod.metadata.deletionTimestamp) throw errors.conflict(ctx.store.subject(ctx.ri.name), `pod ${ctx.ri.name} is being deleted, cannot be assigned to a host`);
    if (spec['nodeName']) throw errors.conflict(ctx.store.subject(ctx.ri.name), `pod ${ctx.ri.name} is already assigned to node "${String(spec['nodeName'])}"`);
    spec['nodeName'] = node;
    pod['spec'] = spec;
    const annotations = isObject(meta['annotations']) ? meta['annotations'] as Record<string, string> : undefined;
    if (annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
    return pod;
  }, { dryRun: dryRunOf(ctx.query) });
  // The PodScheduled condition lives in status, which the main resource may not change.
  await ctx.store.update(ctx.ri.namespace, ctx.ri.name, 'status', pod => {
    if (!pod) throw errors.notFound(ctx.store.subject(ctx.ri.name));
    const status = (pod['status'] ?? {}) as Fields;
    const conditions = ((status['conditions'] ?? []) as Fields[]).filter(c => c['type'] !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
    status['conditions'] = conditions;
    pod['status'] = status;
    return pod;
  }, { dryRun: dryRunOf(ctx.query) });
  created(ctx);
}

function tooManyRequests(message: string, cause: string): ApiError {
  const e = new ApiError(429, 'TooManyRequests', message, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
  return e;
}

function evictionHandler(stores: Stores) {
  return async (ctx: HandlerContext): Promise<void> => {
    const eviction = await readKindBody(ctx.req, 'policy', 'v1', 'Eviction');
    const meta = (isObject(eviction['metadata']) ? eviction['metadata'] : {}) as Fields;
    if (meta['name'] !== undefined && meta['name'] !== ctx.ri.name) throw errors.badRequest('name in URL does not match name in Eviction object');
    const dryRun = dryRunOf(ctx.query, 'CreateOptions');
    const pod = await ctx.store.get(ctx.ri.namespace, ctx.ri.name);
    const phase = ((pod['status'] ?? {}) as Fields)['phase'];
    // Finished or already-terminating pods do not count against any budget.
    if (phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp) {
      const pdbs = stores.builtin('policy', 'poddisruptionbudgets');
      const { items } = await pdbs.list(ctx.ri.namespace, {});
      const matching = items.filter(pdb => {
        const sel = ((pdb['spec'] ?? {}) as Fields)['selector'];
        if (!isObject(sel)) return false;
        const s = fromLabelSelectorObject(sel as never);
        return !s.isEmpty() && s.matches(pod.metadata.labels);
      });
      if (matching.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      if (matching.length === 1) await consumeDisruption(matching[0]!, pod, pdbs, dryRun);
    }
    // The Eviction's deleteOptions apply to the pod's deletion (kubectl drain --grace-period).
    const opts = isObject(eviction['deleteOptions']) ? eviction['deleteOptions'] : {};
    const grace = typeof opts['gracePeriodSeconds'] === 'number' ? opts['gracePeriodSeconds'] : undefined;
    await ctx.store.delete(ctx.ri.namespace, ctx.ri.name, { dryRun, ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}) });
    created(ctx);
  };
}

async function consumeDisruption(pdb: KubeObject, pod: KubeObject, pdbs: ReturnType<Stores['builtin']>, dryRun: boolean): Promise<void> {
  const name = pdb.metadata.name ?? '';
  await pdbs.update(pdb.metadata.namespace ?? '', name, 'status', cur => {
    if (!cur) throw errors.notFound(pdbs.subject(name));
    const status = (cur['status'] ?? {}) as Fields;
    const allowed = typeof status['disruptionsAllowed'] === 'number' ? status['disruptionsAllowed'] : 0;
    const observed = typeof status['observedGeneration'] === 'number' ? status['observedGeneration'] : 0;
    if (observed < (cur.metadata.generation ?? 0)) {
      throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", `The disruption budget ${name} is still being processed by the server.`);
    }
    if (allowed <= 0) {
      const want = status['desiredHealthy'] ?? 0;
      const have = status['currentHealthy'] ?? 0;
      throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", `The disruption budget ${name} needs ${String(want)} healthy pods and has ${String(have)} currently`);
    }
    status['disruptionsAllowed'] = allowed - 1;
    status['disruptedPods'] = { ...((status['disruptedPods'] ?? {}) as Fields), [pod.metadata.name ?? '']: nowTimestamp() };
    cur['status'] = status;
    return cur;
  }, { dryRun });
}

export function podSubresourceHandlers(stores: Stores): Record<string, (ctx: HandlerContext) => Promise<void>> {
  return { '/pods/binding': bindingHandler, '/pods/eviction': evictionHandler(stores) };
}

// Upstream's LimitRanger plugin, for the namespace's LimitRanges: a new pod's containers get the
// Container defaults for requests and limits they do not set (recorded in the
// kubernetes.io/limit-ranger annotation), then every container must stay within the Container
// min, max and maxLimitRequestRatio; a new PVC's storage request must stay within the
// PersistentVolumeClaim min and max.
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { compareQuantity, parseQuantity } from '../api/decode/quantity.js';
import type { AdmissionPlugin } from './plugin.js';

export type LimitRangeLister = (namespace: string) => Promise<KubeObject[]>;

type ResourceList = Record<string, string>;
interface LimitItem { type?: string; min?: ResourceList; max?: ResourceList; default?: ResourceList; defaultRequest?: ResourceList; maxLimitRequestRatio?: ResourceList }
interface Resources { requests?: ResourceList; limits?: ResourceList }
interface Container { name?: string; resources?: Resources }

const itemsOf = (ranges: KubeObject[], type: string) =>
  ranges.flatMap(r => (((r['spec'] ?? {}) as { limits?: LimitItem[] }).limits ?? []).filter(l => l.type === type));

/** a < b; a quantity that does not parse compares as neither (validation reports it afterwards). */
function less(a: string, b: string): boolean {
  try {
    return compareQuantity(parseQuantity(a), parseQuantity(b)) < 0;
  } catch {
    return false;
  }
}

function minConstraint(type: string, resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests[resource];
  const lim = limits[resource];
  if (req === undefined) return `minimum ${resource} usage per ${type} is ${enforced}.  No request is specified`;
  if (less(req, enforced)) return `minimum ${resource} usage per ${type} is ${enforced}, but request is ${req}`;
  if (lim !== undefined && less(lim, enforced)) return `minimum ${resource} usage per ${type} is ${enforced}, but limit is ${lim}`;
  return undefined;
}

function maxConstraint(type: string, resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests[resource];
  const lim = limits[resource];
  if (lim === undefined) return `maximum ${resource} usage per ${type} is ${enforced}. No limit is specified`;
  if (less(enforced, lim)) return `maximum ${resource} usage per ${type} is ${enforced}, but limit is ${lim}`;
  if (req !== undefined && less(enforced, req)) return `maximum ${resource} usage per ${type} is ${enforced}, but request is ${req}`;
  return undefined;
}

/** A quantity as a number; NaN when it does not parse. */
function numberOf(q: string | undefined): number {
  if (q === undefined) return NaN;
  try {
    const p = parseQuantity(q);
    return Number(p.mantissa) / 10 ** p.scale;
  } catch {
    return NaN;
  }
}

function ratioConstraint(type: string, resource: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = numberOf(requests[resource]);
  const lim = numberOf(limits[resource]);
  const prefix = `${resource} max limit to request ratio per ${type} is ${enforced}`;
  if (!(req > 0)) return `${prefix}, but no request is specified or request is 0`;
  if (!(lim > 0)) return `${prefix}, but no limit is specified or limit is 0`;
  const ratio = lim / req;
  return ratio > numberOf(enforced) ? `${prefix}, but provided ratio is ${ratio.toFixed(6)}` : undefined;
}

function setDefaults(pod: KubeObject, items: LimitItem[]): void {
  const defaults: Resources = { requests: {}, limits: {} };
  for (const item of items) {
    Object.assign(defaults.requests!, item.defaultRequest ?? {});
    Object.assign(defaults.limits!, item.default ?? {});
  }
  const spec = (pod['spec'] ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const notes: string[] = [];
  const merge = (c: Container, what: string) => {
    const resources = (c.resources ??= {});
    const setRequests = Object.keys(defaults.requests!).filter(k => resources.requests?.[k] === undefined).sort();
    const setLimits = Object.keys(defaults.limits!).filter(k => resources.limits?.[k] === undefined).sort();
    if (setLimits.length > 0) resources.limits = { ...(resources.limits ?? {}), ...Object.fromEntries(setLimits.map(k => [k, defaults.limits![k]!])) };
    if (setRequests.length > 0) resources.requests = { ...(resources.requests ?? {}), ...Object.fromEntries(setRequests.map(k => [k, defaults.requests![k]!])) };
    if (setRequests.length > 0) notes.push(`${setRequests.join(', ')} request for ${what} ${c.name ?? ''}`);
    if (setLimits.length > 0) notes.push(`${setLimits.join(', ')} limit for ${what} ${c.name ?? ''}`);
  };
  for (const c of spec.containers ?? []) merge(c, 'container');
  for (const c of spec.initContainers ?? []) merge(c, 'init container');
  if (notes.length > 0) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
}

function check(items: LimitItem[], type: string, requests: ResourceList, limits: ResourceList, maxOnRequests = false): string[] {
  const out: string[] = [];
  for (const item of items) {
    for (const [k, v] of Object.entries(item.min ?? {})) {
      const e = minConstraint(type, k, v, requests, maxOnRequests ? {} : limits);
      if (e) out.push(e);
    }
    for (const [k, v] of Object.entries(item.max ?? {})) {
      const e = maxOnRequests
        ? requests[k] === undefined ? `maximum ${k} usage per ${type} is ${v}.  No request is specified` : less(v, requests[k]!) ? `maximum ${k} usage per ${type} is ${v}, but request is ${requests[k]}` : undefined
        : maxConstraint(type, k, v, requests, limits);
      if (e) out.push(e);
    }
    for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) {
      const e = maxOnRequests ? undefined : ratioConstraint(type, k, v, requests, limits);
      if (e) out.push(e);
    }
  }
  return out;
}

export function limitRanger(list: LimitRangeLister): AdmissionPlugin {
  const refuse = (obj: KubeObject, resource: string, problems: string[]) => errors.forbidden(
    `${resource} ${JSON.stringify(obj.metadata.name ?? '')} is forbidden: ${problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`}`,
    { group: '', resource, name: obj.metadata.name ?? '' });
  return {
    name: 'LimitRanger',
    async admit(op, info, obj, _old, opts) {
      if (op !== 'create' || info.group !== '' || info.resource !== 'pods' || opts.subresource) return;
      const items = itemsOf(await list(obj.metadata.namespace ?? ''), 'Container');
      if (items.length > 0) setDefaults(obj, items);
    },
    async validate(op, info, obj, _old, opts) {
      if (op !== 'create' || info.group !== '' || opts.subresource) return;
      if (info.resource === 'pods') {
        const items = itemsOf(await list(obj.metadata.namespace ?? ''), 'Container');
        const spec = (obj['spec'] ?? {}) as { containers?: Container[]; initContainers?: Container[] };
        const problems = [...(spec.containers ?? []), ...(spec.initContainers ?? [])]
          .flatMap(c => check(items, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}));
        if (problems.length > 0) throw refuse(obj, 'pods', problems);
      } else if (info.resource === 'persistentvolumeclaims') {
        const items = itemsOf(await list(obj.metadata.namespace ?? ''), 'PersistentVolumeClaim');
        const resources = (((obj['spec'] ?? {}) as { resources?: Resources }).resources ?? {});
        const problems = check(items, 'PersistentVolumeClaim', resources.requests ?? {}, {}, true);
        if (problems.length > 0) throw refuse(obj, 'persistentvolumeclaims', problems);
      }
    },
  };
}

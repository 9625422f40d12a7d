// One request against the namespace's quotas (upstream's CheckRequest): refuse it if a matching
// quota has no usage yet, a constraint fails, a limited-by-default resource or scope has no
// covering quota, or the new usage would pass a hard limit; otherwise the quotas as they would be
// with this request charged.
import { ApiError, errors } from '../../api/errors.js';
import type { Attributes, QuotaEvaluator, ResourceQuota, ScopeRequirement } from './evaluator.js';
import { scopeSelectorsOf } from './evaluator.js';
import {
  add, isNegative, lessThanOrEqual, listToJson, mask, names, parseList, prettyPrint, prettyPrintNames, removeZeros, subtractNonNegative,
  type ResourceList,
} from './resources.js';

/** A resource whose consumption needs a covering quota (ResourceQuotaConfiguration.limitedResources). */
export interface LimitedResource {
  apiGroup: string;
  resource: string;
  matchContains: string[];
  matchScopes: ScopeRequirement[];
}

/** admission.NewForbidden: "<resource> "<name>" is forbidden: <why>". */
export function forbidden(a: Attributes, why: string): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const qualified = a.group ? `${resource}.${a.group}` : resource;
  const name = a.name || (a.object.metadata.name ?? '');
  const message = name ? `${qualified} ${JSON.stringify(name)} is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return errors.forbidden(message, { group: a.group, resource, ...(name ? { name } : {}) });
}

/** An error that is not an API status: upstream answers 500 with no reason. */
const unknownError = (message: string) => new ApiError(500, '', message);

/** Go's %v of a []ScopedResourceSelectorRequirement. */
const printScopes = (scopes: ScopeRequirement[]) => `[${scopes.map(s => `{${s.scopeName} ${s.operator} [${(s.values ?? []).join(' ')}]}`).join(' ')}]`;

/** The consumed (positive) resources whose names contain a matchContains entry. */
function limitedByDefault(usage: ResourceList, limited: LimitedResource[]): string[] {
  return limited.flatMap(l => Object.entries(usage)
    .filter(([name, q]) => q.mantissa > 0n && l.matchContains.some(m => name.includes(m)))
    .map(([name]) => name));
}

const hardOf = (q: ResourceQuota) => parseList(q.status?.hard);
const usedOf = (q: ResourceQuota) => parseList(q.status?.used);

/** Every restricted hard resource has a used value (the quota controller has counted it). */
const hasUsageStats = (q: ResourceQuota, restricted: string[]) => {
  const used = q.status?.used ?? {};
  return Object.keys(q.status?.hard ?? {}).every(r => !restricted.includes(r) || r in used);
};

/** Throws the refusal; returns quotas unchanged when the request charges nothing. */
export function checkRequest(quotas: ResourceQuota[], a: Attributes, evaluator: QuotaEvaluator, limited: LimitedResource[]): ResourceQuota[] {
  if (!evaluator.handles(a)) return quotas;
  const obj = a.object;
  const limitedScopes = limited.flatMap(l => evaluator.matchingScopes(obj, l.matchScopes));
  const limitedHere = limited.filter(l => l.apiGroup === a.group && l.resource === a.resource);
  const limitedNames = new Set(limitedHere.length > 0 ? limitedByDefault(evaluator.usage(obj), limitedHere) : []);

  const interesting: number[] = [];
  const restrictedNames = new Set<string>();
  const restrictedScopes: ScopeRequirement[] = [];
  quotas.forEach((quota, i) => {
    restrictedScopes.push(...evaluator.matchingScopes(obj, scopeSelectorsOf(quota)));
    if (!evaluator.matches(quota, obj)) return;
    const restricted = evaluator.matchingResources(names(hardOf(quota)));
    const failed = evaluator.constraints(restricted, obj);
    const name = quota.metadata.name ?? '';
    if (failed !== undefined) throw forbidden(a, `failed quota: ${name}: ${failed}`);
    if (!hasUsageStats(quota, restricted)) throw forbidden(a, `status unknown for quota: ${name}, resources: ${prettyPrintNames(restricted)}`);
    interesting.push(i);
    for (const r of restricted) restrictedNames.add(r);
  });

  let delta = evaluator.usage(obj);
  const negative = isNegative(delta);
  if (negative.length > 0) throw forbidden(a, `quota usage is negative for resource(s): ${prettyPrintNames(negative)}`);
  if (a.operation === 'update') {
    if (!a.oldObject) throw forbidden(a, 'unable to get previous usage since prior version of object was not found');
    // Without a resourceVersion the old object may be a create-on-update: charge it all.
    if (a.oldObject.metadata.resourceVersion) delta = subtractNonNegative(delta, evaluator.usage(a.oldObject));
  }
  delta = removeZeros(delta);
  if (names(delta).length === 0) return quotas;

  const uncovered = [...limitedNames].filter(r => !restrictedNames.has(r)).sort();
  if (uncovered.length > 0) throw forbidden(a, `insufficient quota to consume: ${uncovered.join(',')}`);
  const uncoveredScopes = evaluator.uncoveredQuotaScopes(limitedScopes, restrictedScopes);
  if (uncoveredScopes.length > 0) throw unknownError(`insufficient quota to match these scopes: ${printScopes(uncoveredScopes)}`);
  if (interesting.length === 0) return quotas;

  const out = quotas.map(q => structuredClone(q));
  for (const i of interesting) {
    const quota = out[i]!;
    const hard = hardOf(quota);
    const used = usedOf(quota);
    const requested = mask(delta, names(hard));
    const next = add(used, requested);
    const { allowed, exceeded } = lessThanOrEqual(mask(next, names(requested)), hard);
    if (!allowed) {
      throw forbidden(a, `exceeded quota: ${quota.metadata.name ?? ''}, requested: ${prettyPrint(mask(requested, exceeded))}, ` +
        `used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`);
    }
    quota.status = { ...(quota.status ?? {}), used: listToJson(next) };
  }
  return out;
}

// The quota evaluator contract (upstream's quota.Evaluator) and what every evaluator shares:
// quota matching by status.hard and scopes, and the generic object-count evaluator that charges
// count/<resource>[.<group>] (plus a legacy alias) for each create.
import type { KubeObject } from '../../api/types.js';
import { count, intersection, type ResourceList } from './resources.js';

export type Operation = 'create' | 'update' | 'delete';

/** What admission knows of one request (the part of admission.Attributes quota reads). */
export interface Attributes {
  operation: Operation;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  object: KubeObject;
  oldObject: KubeObject | null;
  dryRun: boolean;
}

/** corev1.ScopedResourceSelectorRequirement */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

/** The parts of a ResourceQuota that quota evaluation reads and writes. */
export interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[]; scopeSelector?: { matchExpressions?: ScopeRequirement[] } };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export interface QuotaEvaluator {
  group: string;
  resource: string;
  /** Whether the request can change usage tracked by quota. */
  handles(a: Attributes): boolean;
  /** Whether the quota tracks this object (a hard resource it knows, every scope matched). */
  matches(quota: ResourceQuota, obj: KubeObject): boolean;
  /** The names among input this evaluator measures. */
  matchingResources(input: string[]): string[];
  /** The selectors among scopes the object matches. */
  matchingScopes(obj: KubeObject, scopes: ScopeRequirement[]): ScopeRequirement[];
  /** The limited scopes that no matched quota scope covers. */
  uncoveredQuotaScopes(limited: ScopeRequirement[], matched: ScopeRequirement[]): ScopeRequirement[];
  /** An error text when the object lacks what the required resources need, else undefined. */
  constraints(required: string[], obj: KubeObject): string | undefined;
  usage(obj: KubeObject): ResourceList;
}

/** A scope's test against one object; evaluators without scopes match none. */
export type ScopeMatcher = (scope: ScopeRequirement, obj: KubeObject) => boolean;
export const matchesNoScope: ScopeMatcher = () => false;

/** spec.scopes as Exists selectors, then spec.scopeSelector's expressions. */
export function scopeSelectorsOf(quota: ResourceQuota): ScopeRequirement[] {
  return [
    ...(quota.spec?.scopes ?? []).map(scopeName => ({ scopeName, operator: 'Exists' })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
}

/** generic.Matches: the quota limits something this evaluator measures and every scope matches. */
export function genericMatches(quota: ResourceQuota, obj: KubeObject, matching: (input: string[]) => string[], scopeMatches: ScopeMatcher): boolean {
  const tracked = matching(Object.keys(quota.status?.hard ?? {})).length > 0;
  return tracked && scopeSelectorsOf(quota).every(s => scopeMatches(s, obj));
}

/** Limited scopes covered by no matched quota scope of the same name (pods' rule). */
export function uncoveredByName(limited: ScopeRequirement[], matched: ScopeRequirement[]): ScopeRequirement[] {
  return limited.filter(l => !matched.some(m => m.scopeName === l.scopeName));
}

/** count/<resource> for the core group, count/<resource>.<group> otherwise. */
export const objectCountName = (group: string, resource: string): string => (group ? `count/${resource}.${group}` : `count/${resource}`);

/** An evaluator without scopes or constraints: only what it measures and when differs. */
export function unscopedEvaluator(e: Pick<QuotaEvaluator, 'group' | 'resource' | 'handles' | 'matchingResources' | 'usage'>): QuotaEvaluator {
  return {
    ...e,
    matches: (quota, obj) => genericMatches(quota, obj, e.matchingResources, matchesNoScope),
    matchingScopes: () => [],
    uncoveredQuotaScopes: () => [],
    constraints: () => undefined,
  };
}

export function objectCountEvaluator(group: string, resource: string, alias?: string): QuotaEvaluator {
  const resourceNames = [objectCountName(group, resource), ...(alias ? [alias] : [])];
  return unscopedEvaluator({
    group,
    resource,
    handles: a => a.subresource === '' && a.operation === 'create',
    matchingResources: input => intersection(input, resourceNames),
    usage: () => Object.fromEntries(resourceNames.map(n => [n, count(1)])),
  });
}

// Upstream's pod quota evaluator (pkg/quota/v1/evaluator/core/pods.go): compute requests and
// limits of cpu, memory, ephemeral-storage, hugepages-* and extended resources, the pods count,
// count/pods; the Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass and
// CrossNamespacePodAffinity scopes; and the old rule that a quota on cpu or memory needs every
// container to state them.
import type { KubeObject } from '../../api/types.js';
import { genericMatches, objectCountName, uncoveredByName, type QuotaEvaluator, type ScopeRequirement } from './evaluator.js';
import { isBestEffort, isTerminating, podLimits, podRequests, podSpec, usesCrossNamespacePodAffinity, type Container } from './pod-resources.js';
import { add, count, intersection, parseList, type ResourceList } from './resources.js';

const POD_COUNT = objectCountName('', 'pods');

const POD_RESOURCES = [
  POD_COUNT, 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
];

const HUGEPAGES = 'hugepages-';
const REQUESTS = 'requests.';

// Upstream calls requiring these a mistake it will not repeat for other resources.
const MUST_SPECIFY = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** No domain, or a kubernetes.io one. */
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');

const QUALIFIED = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/** helper.IsExtendedResourceName: a domain-qualified, non-native name that can take "requests.". */
function isExtendedResourceName(name: string): boolean {
  if (isNative(name) || name.startsWith(REQUESTS)) return false;
  const quota = REQUESTS + name;
  const slash = quota.lastIndexOf('/');
  return QUALIFIED.test(quota) && quota.length - slash - 1 <= 63 && slash <= 253;
}

/** podComputeUsageHelper: the quota names one set of requests and limits charges. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: count(1) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (requests[r]) out[r] = out[`requests.${r}`] = requests[r];
    if (limits[r]) out[`limits.${r}`] = limits[r];
  }
  for (const [r, q] of Object.entries(requests)) {
    if (r.startsWith(HUGEPAGES)) out[r] = out[REQUESTS + r] = q;
    if (isExtendedResourceName(r)) out[REQUESTS + r] = q;
  }
  return out;
}

/** A pod in a terminal phase, or past its deletion grace period, is no longer charged. */
function chargesCompute(pod: KubeObject, now: Date): boolean {
  const phase = ((pod['status'] ?? {}) as { phase?: string }).phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata;
  if (deletionTimestamp && typeof deletionGracePeriodSeconds === 'number') {
    return now.getTime() <= Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000;
  }
  return true;
}

export function podUsage(pod: KubeObject, now: Date = new Date()): ResourceList {
  // count/pods tracks every stored pod; "pods" only those still running or able to.
  const usage: ResourceList = { [POD_COUNT]: count(1) };
  if (!chargesCompute(pod, now)) return usage;
  return add(usage, computeUsage(podRequests(pod), podLimits(pod)));
}

/** A label-selector requirement on the single key PriorityClass. */
function priorityClassMatches(selector: ScopeRequirement, pod: KubeObject): boolean {
  const name = podSpec(pod).priorityClassName ?? '';
  const values = selector.values ?? [];
  switch (selector.operator) {
    case 'In': return name !== '' && values.includes(name);
    case 'NotIn': return name === '' || !values.includes(name);
    case 'Exists': return name !== '';
    case 'DoesNotExist': return name === '';
    default: return false;
  }
}

export function podMatchesScope(selector: ScopeRequirement, pod: KubeObject): boolean {
  switch (selector.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'PriorityClass': return priorityClassMatches(selector, pod);
    case 'CrossNamespacePodAffinity': return usesCrossNamespacePodAffinity(pod);
    default: return false;
  }
}

function missingFor(c: Container, required: Set<string>, missing: Map<string, Set<string>>): void {
  const has = new Set(Object.keys(computeUsage(parseList(c.resources?.requests), parseList(c.resources?.limits))));
  for (const r of required) {
    if (has.has(r)) continue;
    if (!missing.has(r)) missing.set(r, new Set());
    missing.get(r)!.add(c.name ?? '');
  }
}

export function podEvaluator(now: () => Date = () => new Date()): QuotaEvaluator {
  const matchingResources = (input: string[]) => [
    ...intersection(input, POD_RESOURCES),
    ...input.filter(r => r.startsWith(HUGEPAGES) || r.startsWith(REQUESTS + HUGEPAGES)),
    ...input.filter(r => !isNative(r) && r.startsWith(REQUESTS)),
  ];
  return {
    group: '',
    resource: 'pods',
    // pods/resize changes requests in place; every other subresource leaves usage alone.
    handles: a => (a.subresource === '' && a.operation === 'create') || (a.subresource === 'resize' && a.operation === 'update'),
    matches: (quota, obj) => genericMatches(quota, obj, matchingResources, podMatchesScope),
    matchingResources,
    matchingScopes: (obj, scopes) => scopes.filter(s => podMatchesScope(s, obj)),
    uncoveredQuotaScopes: uncoveredByName,
    constraints(required, pod) {
      const requiredSet = new Set(required.filter(r => MUST_SPECIFY.has(r)));
      const missing = new Map<string, Set<string>>();
      const spec = podSpec(pod);
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) missingFor(c, requiredSet, missing);
      if (missing.size === 0) return undefined;
      const parts = [...missing.keys()].sort().map(r => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
      return `must specify ${parts.join('; ')}`;
    },
    usage: pod => podUsage(pod, now()),
  };
}

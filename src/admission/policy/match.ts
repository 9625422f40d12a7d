// Whether a policy's matchConstraints or a binding's matchResources select a request (upstream's
// policy/matching): namespace and object selectors, exclusions first, then the resource rules
// with their optional resourceNames; with matchPolicy: Equivalent a rule naming another version
// of the same resource selects the request too, which the policy then sees at that version.
import type { ResourceInfo } from '../../api/resource-info.js';
import type { EquivalentResources } from '../equivalent-resources.js';
import { matchingResource, namespaceSelected, objectSelected, ruleMatches, type RequestAttributes } from '../webhook/match.js';
import type { MatchResources, NamedRule } from './types.js';

const named = (name: string) => (r: NamedRule, a: RequestAttributes) =>
  ruleMatches(r, a) && (!r.resourceNames?.length || r.resourceNames.includes(name));

/** The entry the request is matched as (info, or an equivalent one), undefined when not selected. */
export function resourcesMatch(
  mr: MatchResources, a: RequestAttributes, info: ResourceInfo, namespaceLabels: Record<string, string> | undefined, equivalents: EquivalentResources,
): ResourceInfo | undefined {
  if (!namespaceSelected(mr.namespaceSelector, a, namespaceLabels)) return undefined;
  if (!objectSelected(mr.objectSelector, a)) return undefined;
  const name = (a.object ?? a.oldObject)?.metadata.name ?? '';
  const others = mr.matchPolicy === 'Equivalent' ? () => equivalents.for(info, a.subresource) : undefined;
  if (matchingResource(mr.excludeResourceRules ?? [], a, info, others, named(name))) return undefined;
  if (!mr.resourceRules?.length) return info;
  return matchingResource(mr.resourceRules, a, info, others, named(name));
}

// Whether a policy's matchConstraints or a binding's matchResources select a request (upstream's
// policy/matching): namespace and object selectors, exclusions first, then the resource rules
// with their optional resourceNames. Equivalent matching is Exact here: every built-in resource
// is served at one version, so no other version's rule can apply.
import { namespaceSelected, objectSelected, ruleMatches, type RequestAttributes } from '../webhook/match.js';
import type { MatchResources, NamedRule } from './types.js';

function rulesMatch(rules: readonly NamedRule[] | undefined, a: RequestAttributes, name: string): boolean {
  return (rules ?? []).some(r => ruleMatches(r, a) && (!r.resourceNames?.length || r.resourceNames.includes(name)));
}

export function resourcesMatch(mr: MatchResources, a: RequestAttributes, namespaceLabels: Record<string, string> | undefined): boolean {
  if (!namespaceSelected(mr.namespaceSelector, a, namespaceLabels)) return false;
  if (!objectSelected(mr.objectSelector, a)) return false;
  const name = (a.object ?? a.oldObject)?.metadata.name ?? '';
  if (rulesMatch(mr.excludeResourceRules, a, name)) return false;
  return !mr.resourceRules?.length || rulesMatch(mr.resourceRules, a, name);
}

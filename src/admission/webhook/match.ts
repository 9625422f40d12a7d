// Which webhooks a request goes to, as upstream's webhook predicates decide: rules (operations,
// API groups and versions, resources with subresources, scope), with matchPolicy: Equivalent also
// through an equivalent resource, the namespace selector and the object selector.
import type { ResourceInfo } from '../../api/resource-info.js';
import type { KubeObject } from '../../api/types.js';
import { fromLabelSelectorObject, type LabelSelectorObject } from '../../registry/selectors/labels.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface RequestAttributes {
  operation: AdmissionOperation;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** The object's namespace; '' for cluster-scoped objects. */
  namespace: string;
  object: KubeObject | null;
  oldObject: KubeObject | null;
}

export interface Rule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

const has = (list: string[] | undefined, v: string) => (list ?? []).some(x => x === '*' || x === v);

function resourceMatches(patterns: string[] | undefined, resource: string, subresource: string): boolean {
  return (patterns ?? []).some(p => {
    if (p === '*/*') return true;
    const slash = p.indexOf('/');
    if (slash < 0) return subresource === '' && (p === '*' || p === resource);
    const [res, sub] = [p.slice(0, slash), p.slice(slash + 1)];
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

function scopeMatches(scope: string | undefined, a: RequestAttributes): boolean {
  // A Namespace is cluster-scoped even though its requests name a namespace.
  const clusterScoped = a.resource === 'namespaces' && a.group === '' ? true : a.namespace === '';
  if (scope === 'Namespaced') return !clusterScoped;
  if (scope === 'Cluster') return clusterScoped;
  return true;
}

export function ruleMatches(rule: Rule, a: RequestAttributes): boolean {
  return has(rule.operations, a.operation) && has(rule.apiGroups, a.group) && has(rule.apiVersions, a.version)
    && resourceMatches(rule.resources, a.resource, a.subresource) && scopeMatches(rule.scope, a);
}

/**
 * The entry a request is seen as by a list of rules: info itself when a rule selects the request
 * (`exact` decides, e.g. with resourceNames), else, given the equivalent resources (Equivalent),
 * the first one a rule selects, rules in order; undefined when nothing matches. As upstream, an
 * equivalent resource is matched by the plain rule, without resourceNames.
 */
export function matchingResource<R extends Rule>(
  rules: readonly R[], a: RequestAttributes, info: ResourceInfo,
  equivalents: (() => readonly ResourceInfo[]) | undefined, exact: (r: R, a: RequestAttributes) => boolean = ruleMatches,
): ResourceInfo | undefined {
  if (rules.some(r => exact(r, a))) return info;
  if (!equivalents) return undefined;
  const others = equivalents().filter(e => e.group !== info.group || e.version !== info.version || e.resource !== info.resource);
  for (const r of rules) {
    const found = others.find(e => ruleMatches(r, { ...a, group: e.group, version: e.version, resource: e.resource }));
    if (found) return found;
  }
  return undefined;
}

/** An absent selector selects everything here (the webhook default), unlike a list's selector. */
function selects(selector: LabelSelectorObject | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return fromLabelSelectorObject(selector).matches(labels ?? {});
}

/**
 * The namespace selector: a Namespace request is matched on the object's own labels; other
 * cluster-scoped objects always match; namespaced ones on their namespace's labels.
 */
export function namespaceSelected(selector: LabelSelectorObject | undefined, a: RequestAttributes, namespaceLabels: Record<string, string> | undefined): boolean {
  if (!selector || fromLabelSelectorObject(selector).isEmpty()) return true;
  if (a.group === '' && a.resource === 'namespaces' && a.subresource === '') {
    return selects(selector, (a.object ?? a.oldObject)?.metadata.labels);
  }
  if (a.namespace === '') return true;
  return selects(selector, namespaceLabels);
}

/** The object selector matches the new object's labels or the old one's. */
export function objectSelected(selector: LabelSelectorObject | undefined, a: RequestAttributes): boolean {
  if (!selector) return true;
  return [a.object, a.oldObject].some(o => o !== null && selects(selector, o.metadata.labels));
}

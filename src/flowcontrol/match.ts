// Classification (upstream's pkg/util/flowcontrol/rule.go): a request matches a FlowSchema when
// one of its rules matches both the user and the request; schemas are tried in matching order.
import type { UserInfo } from '../authn/user.js';
import type { RequestInfo } from '../filters/request-info.js';
import type { FlowSchema, NonResourcePolicyRule, PolicyRulesWithSubjects, ResourcePolicyRule, Subject } from './types.js';

export interface RequestDigest {
  info: RequestInfo;
  user: UserInfo;
}

/** A list matches when it is exactly the wildcard or names x. */
function contains(x: string, values: string[] | undefined, wildcard: string): boolean {
  const v = values ?? [];
  return (v.length === 1 && v[0] === wildcard) || v.includes(x);
}

const saPrefix = 'system:serviceaccount:';

function matchesSubject(user: UserInfo, s: Subject): boolean {
  switch (s.kind) {
    case 'User':
      return s.user !== undefined && (s.user.name === '*' || s.user.name === user.name);
    case 'Group':
      return s.group !== undefined && (s.group.name === '*' || user.groups.includes(s.group.name));
    case 'ServiceAccount': {
      if (!s.serviceAccount) return false;
      const { namespace, name } = s.serviceAccount;
      if (name === '*') return user.name.startsWith(`${saPrefix}${namespace}:`);
      return user.name === `${saPrefix}${namespace}:${name}`;
    }
    default:
      return false;
  }
}

function matchesResourceRule(info: RequestInfo, r: ResourcePolicyRule): boolean {
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  if (!contains(info.verb, r.verbs, '*') || !contains(resource, r.resources, '*') || !contains(info.apiGroup, r.apiGroups, '*')) return false;
  if (info.namespace === '') return r.clusterScope === true;
  return contains(info.namespace, r.namespaces, '*');
}

function matchesNonResourceURL(urls: string[], p: string): boolean {
  return urls.some(rule => {
    if (rule === '*' || rule === p) return true;
    let prefix = rule.endsWith('*') ? rule.slice(0, -1) : rule;
    if (!prefix.endsWith('/')) prefix += '/';
    return p.startsWith(prefix);
  });
}

function matchesNonResourceRule(info: RequestInfo, r: NonResourcePolicyRule): boolean {
  return contains(info.verb, r.verbs, '*') && matchesNonResourceURL(r.nonResourceURLs, info.path);
}

function matchesPolicyRule(d: RequestDigest, rule: PolicyRulesWithSubjects): boolean {
  if (!rule.subjects.some(s => matchesSubject(d.user, s))) return false;
  return d.info.isResourceRequest
    ? (rule.resourceRules ?? []).some(r => matchesResourceRule(d.info, r))
    : (rule.nonResourceRules ?? []).some(r => matchesNonResourceRule(d.info, r));
}

export function matchesFlowSchema(d: RequestDigest, fs: FlowSchema): boolean {
  return (fs.spec.rules ?? []).some(r => matchesPolicyRule(d, r));
}

/** Upstream's FlowSchemaSequence order: lower matchingPrecedence first, then name. */
export function compareFlowSchemas(a: FlowSchema, b: FlowSchema): number {
  const pa = a.spec.matchingPrecedence;
  const pb = b.spec.matchingPrecedence;
  if (pa !== pb) return pa - pb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** computeFlowDistinguisher: the user name (ByUser), the namespace (ByNamespace), or nothing. */
export function flowDistinguisher(d: RequestDigest, fs: FlowSchema): string {
  const method = fs.spec.distinguisherMethod?.type;
  if (method === 'ByUser') return d.user.name;
  if (method === 'ByNamespace') return d.info.namespace;
  return '';
}

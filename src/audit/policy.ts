// The audit.k8s.io/v1 Policy (--audit-policy-file) and upstream's policy checker
// (apiserver/pkg/audit/policy): the first rule that matches a request decides its level,
// the stages left out and whether managedFields are dropped; no match means level None.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

export const auditLevels = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof auditLevels)[number];

export const auditStages = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof auditStages)[number];

export interface GroupResources {
  group: string;
  resources: string[];
  resourceNames: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: AuditStage[];
  /** Unset means the policy's own omitManagedFields applies. */
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages: AuditStage[];
  omitManagedFields: boolean;
}

/** What the checker looks at: upstream's authorizer.Attributes, reduced to the fields it reads. */
export interface PolicyAttributes {
  /** Undefined before authentication succeeded (failed-authentication auditing). */
  user?: { name: string; groups: readonly string[] };
  verb: string;
  isResourceRequest: boolean;
  path: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface RequestAuditConfig {
  level: AuditLevel;
  omitStages: AuditStage[];
  omitManagedFields: boolean;
}

export function levelAtLeast(level: AuditLevel, min: AuditLevel): boolean {
  return auditLevels.indexOf(level) >= auditLevels.indexOf(min);
}

export function evaluatePolicy(policy: AuditPolicy, attrs: PolicyAttributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, attrs)) {
      return {
        level: rule.level,
        omitStages: [...new Set([...policy.omitStages, ...rule.omitStages])],
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields,
      };
    }
  }
  return { level: 'None', omitStages: [...policy.omitStages], omitManagedFields: policy.omitManagedFields };
}

function ruleMatches(r: PolicyRule, attrs: PolicyAttributes): boolean {
  const user = attrs.user;
  if (r.users.length > 0 && (!user || !r.users.includes(user.name))) return false;
  if (r.userGroups.length > 0 && (!user || !user.groups.some(g => r.userGroups.includes(g)))) return false;
  if (r.verbs.length > 0 && !r.verbs.includes(attrs.verb)) return false;
  if (r.namespaces.length > 0 || r.resources.length > 0) return ruleMatchesResource(r, attrs);
  if (r.nonResourceURLs.length > 0) return !attrs.isResourceRequest && r.nonResourceURLs.some(spec => pathMatches(attrs.path, spec));
  return true;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  // Go's TrimRight drops every trailing '*'.
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function ruleMatchesResource(r: PolicyRule, attrs: PolicyAttributes): boolean {
  if (!attrs.isResourceRequest) return false;
  // Cluster-scoped requests have the namespace "", which a rule can list.
  if (r.namespaces.length > 0 && !r.namespaces.includes(attrs.namespace)) return false;
  if (r.resources.length === 0) return true;
  const { resource, subresource, name } = attrs;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const gr of r.resources) {
    if (gr.group !== attrs.apiGroup) continue;
    if (gr.resources.length === 0) return true;
    if (gr.resourceNames.length > 0 && !gr.resourceNames.includes(name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (subresource && res.startsWith('*/') && res.slice(2) === subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === resource) return true;
    }
  }
  return false;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, field: string, errs: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some(s => typeof s !== 'string')) {
    errs.push(`${field}: Invalid value: must be a list of strings`);
    return [];
  }
  return v as string[];
}

function stagesOf(v: unknown, field: string, errs: string[]): AuditStage[] {
  const list = stringList(v, field, errs);
  list.forEach((s, i) => {
    if (!(auditStages as readonly string[]).includes(s)) errs.push(`${field}[${i}]: Unsupported value: "${s}": supported values: "${auditStages.join('", "')}"`);
  });
  return list as AuditStage[];
}

function nonResourceURLsOf(v: unknown, field: string, errs: string[]): string[] {
  const urls = stringList(v, field, errs);
  urls.forEach((url, i) => {
    const f = `${field}[${i}]`;
    if (url === '') errs.push(`${f}: Invalid value: "": non-resource URL rules may not be empty`);
    else if (url !== '*' && !url.startsWith('/')) errs.push(`${f}: Invalid value: "${url}": non-resource URL rules must begin with a '/' character`);
    else if (url.includes('*') && url.indexOf('*') !== url.length - 1) errs.push(`${f}: Invalid value: "${url}": non-resource URL wildcards ('*') must be the final character of the rule`);
  });
  return urls;
}

function resourcesOf(v: unknown, field: string, errs: string[]): GroupResources[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(`${field}: Invalid value: must be a list`);
    return [];
  }
  return v.map((item: unknown, i) => {
    const f = `${field}[${i}]`;
    const gr = isRecord(item) ? item : {};
    const group = typeof gr['group'] === 'string' ? gr['group'] : '';
    const resources = stringList(gr['resources'], `${f}.resources`, errs);
    const resourceNames = stringList(gr['resourceNames'], `${f}.resourceNames`, errs);
    if (resourceNames.length > 0) {
      if (resources.length === 0) errs.push(`${f}.resourceNames: Invalid value: ${JSON.stringify(resourceNames)}: using resourceNames requires at least one resource`);
      resources.forEach((res, j) => {
        if (res === '*' || res.startsWith('*/')) errs.push(`${f}.resources[${j}]: Invalid value: "${res}": using resourceNames requires non-wildcard resources`);
      });
    }
    return { group, resources, resourceNames };
  });
}

function ruleOf(v: unknown, i: number, errs: string[]): PolicyRule {
  const f = `rules[${i}]`;
  const r = isRecord(v) ? v : {};
  const level = r['level'];
  if (typeof level !== 'string' || level === '') errs.push(`${f}.level: Required value: level must be specified`);
  else if (!(auditLevels as readonly string[]).includes(level)) errs.push(`${f}.level: Unsupported value: "${level}": supported values: "${auditLevels.join('", "')}"`);
  const rule: PolicyRule = {
    level: level as AuditLevel,
    users: stringList(r['users'], `${f}.users`, errs),
    userGroups: stringList(r['userGroups'], `${f}.userGroups`, errs),
    verbs: stringList(r['verbs'], `${f}.verbs`, errs),
    resources: resourcesOf(r['resources'], `${f}.resources`, errs),
    namespaces: stringList(r['namespaces'], `${f}.namespaces`, errs),
    nonResourceURLs: nonResourceURLsOf(r['nonResourceURLs'], `${f}.nonResourceURLs`, errs),
    omitStages: stagesOf(r['omitStages'], `${f}.omitStages`, errs),
  };
  if (rule.nonResourceURLs.length > 0 && (rule.resources.length > 0 || rule.namespaces.length > 0)) {
    errs.push(`${f}.nonResourceURLs: Invalid value: ${JSON.stringify(rule.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs`);
  }
  if (typeof r['omitManagedFields'] === 'boolean') rule.omitManagedFields = r['omitManagedFields'];
  return rule;
}

/** Parses and validates a Policy document (YAML or JSON), with upstream's error wording where it has one. */
export function parsePolicy(text: string, source = 'policy'): AuditPolicy {
  const docs = parseAllDocuments(text).filter(d => d.contents !== null);
  const doc = docs[0];
  if (!doc) throw new Error(`failed decoding file "${source}": empty policy`);
  if (doc.errors.length > 0) throw new Error(`failed decoding file "${source}": ${doc.errors[0]!.message}`);
  const data: unknown = doc.toJS();
  if (!isRecord(data)) throw new Error(`failed decoding file "${source}": not a Policy object`);
  if (data['apiVersion'] !== 'audit.k8s.io/v1' || data['kind'] !== 'Policy') {
    throw new Error(`failed decoding: no kind "${String(data['kind'])}" is registered for version "${String(data['apiVersion'])}" in file "${source}"`);
  }
  const errs: string[] = [];
  const rawRules = Array.isArray(data['rules']) ? data['rules'] : [];
  const policy: AuditPolicy = {
    rules: rawRules.map((r: unknown, i) => ruleOf(r, i, errs)),
    omitStages: stagesOf(data['omitStages'], 'omitStages', errs),
    omitManagedFields: data['omitManagedFields'] === true,
  };
  if (errs.length > 0) throw new Error(`invalid audit policy in "${source}": [${errs.join(', ')}]`);
  if (policy.rules.length === 0) throw new Error(`loaded illegal policy with 0 rules from file ${source}`);
  return policy;
}

export async function loadPolicyFile(path: string): Promise<AuditPolicy> {
  return parsePolicy(await readFile(path, 'utf8'), path);
}

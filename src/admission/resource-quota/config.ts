// The ResourceQuota plugin's configuration: apiserver.config.k8s.io/v1 ResourceQuotaConfiguration
// (or the older resourcequota.admission.k8s.io/v1alpha1 and v1beta1 Configuration), decoded
// strictly, whose limitedResources must each name a resource.
import type { LimitedResource } from './check-request.js';
import type { ScopeRequirement } from './evaluator.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const KINDS: Record<string, string> = {
  'apiserver.config.k8s.io/v1': 'ResourceQuotaConfiguration',
  'resourcequota.admission.k8s.io/v1alpha1': 'Configuration',
  'resourcequota.admission.k8s.io/v1beta1': 'Configuration',
};

const unknownField = (field: string) => new Error(`strict decoding error: unknown field "${field}"`);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function scopes(v: unknown): ScopeRequirement[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map(s => ({
    scopeName: typeof s['scopeName'] === 'string' ? s['scopeName'] : '',
    operator: typeof s['operator'] === 'string' ? s['operator'] : '',
    ...(Array.isArray(s['values']) ? { values: strings(s['values']) } : {}),
  }));
}

/** The limited resources of a decoded configuration; none when there is no configuration. */
export function parseResourceQuotaConfiguration(doc: unknown): LimitedResource[] {
  if (doc === undefined || doc === null) return [];
  if (!isObj(doc) || typeof doc['kind'] !== 'string' || doc['kind'] === '') throw new Error(`Object 'Kind' is missing in '${JSON.stringify(doc)}'`);
  const gv = typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : '';
  if (KINDS[gv] !== doc['kind']) throw new Error(`no kind "${doc['kind']}" is registered for version "${gv}" in scheme "pkg/runtime/scheme.go:100"`);
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'limitedResources'].includes(k)) throw unknownField(k);
  const items = Array.isArray(doc['limitedResources']) ? doc['limitedResources'] : [];
  const problems: string[] = [];
  const limited = items.map((item, i): LimitedResource => {
    const r = isObj(item) ? item : {};
    for (const k of Object.keys(r)) if (!['apiGroup', 'resource', 'matchContains', 'matchScopes'].includes(k)) throw unknownField(`limitedResources[${i}].${k}`);
    const resource = typeof r['resource'] === 'string' ? r['resource'] : '';
    if (resource === '') problems.push(`limitedResources[${i}].resource: Required value`);
    return {
      apiGroup: typeof r['apiGroup'] === 'string' ? r['apiGroup'] : '',
      resource,
      matchContains: strings(r['matchContains']),
      matchScopes: scopes(r['matchScopes']),
    };
  });
  // utilerrors.Aggregate: one error alone, several bracketed.
  if (problems.length > 0) throw new Error(problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`);
  return limited;
}

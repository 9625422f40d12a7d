// Upstream's APIService validation and defaulting (kube-aggregator apiregistration/validation and
// v1 defaults): the name must be <version>.<group>, priorities in range, Local APIServices carry
// no TLS settings, and only the core v1 may have an empty group.
import type { KubeObject } from '../api/types.js';
import { type Causes, fe, path } from '../api/validation/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/metadata.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsPathSegment } from '../api/validation/names.js';
import { asAPIService, type APIService } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function validateSpec(s: APIService): Causes {
  const spec = s.spec;
  const group = str(spec.group);
  const version = str(spec.version);
  const out: Causes = [];
  if (group === '' && version !== 'v1') out.push(fe.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const msg of isDNS1123Subdomain(group)) out.push(fe.invalid('spec.group', group, msg));
  for (const msg of isDNS1035Label(version)) out.push(fe.invalid('spec.version', version, msg));
  const gpm = num(spec.groupPriorityMinimum);
  if (gpm <= 0 || gpm > 20000) out.push(fe.invalid('spec.groupPriorityMinimum', gpm, 'must be positive and less than 20000'));
  const vp = num(spec.versionPriority);
  if (vp <= 0 || vp > 1000) out.push(fe.invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const caBytes = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').length : 0;
  const skip = spec.insecureSkipTLSVerify === true;
  if (!spec.service) {
    if (caBytes > 0) out.push(fe.invalid('spec.caBundle', `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (skip) out.push(fe.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return out;
  }
  if (str(spec.service.namespace) === '') out.push(fe.required(path.child('spec.service', 'namespace')));
  if (str(spec.service.name) === '') out.push(fe.required(path.child('spec.service', 'name')));
  if (skip && caBytes > 0) out.push(fe.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return out;
}

/** ValidateAPIService (create). */
export function validateAPIService(o: KubeObject): Causes {
  const s = asAPIService(o);
  const required = `${str(s.spec.version)}.${str(s.spec.group)}`;
  const nameFn = (name: string, prefix: boolean): string[] => {
    const minimal = nameIsPathSegment(name, prefix);
    if (minimal.length > 0) return minimal;
    return name === required ? [] : [`must be \`spec.version+"."+spec.group\`: ${JSON.stringify(required)}`];
  };
  return [...validateObjectMeta(o.metadata, { namespaced: false, nameFn, kubeFinalizers: false }), ...validateSpec(s)];
}

/** ValidateAPIServiceUpdate: the metadata update rules, then the whole create validation again (as upstream, duplicates included). */
export function validateAPIServiceUpdate(o: KubeObject, old: KubeObject): Causes {
  return [...validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', false), ...validateAPIService(o)];
}

const conditionStatuses = ['True', 'False', 'Unknown'];

/** ValidateAPIServiceStatusUpdate: metadata rules and each condition's status. */
export function validateAPIServiceStatusUpdate(o: KubeObject, old: KubeObject): Causes {
  const out = validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', false);
  const conditions = (asAPIService(o).status?.conditions ?? []);
  conditions.forEach((c, i) => {
    if (!conditionStatuses.includes(c.status)) out.push(fe.notSupported(`status.conditions[${i}].status`, c.status, conditionStatuses));
  });
  return out;
}

/** SetDefaults_ServiceReference: the port defaults to 443. */
export function defaultAPIService(o: KubeObject): void {
  const spec = o['spec'];
  if (typeof spec !== 'object' || spec === null) return;
  const service = (spec as { service?: { port?: number } | null }).service;
  if (service && service.port === undefined) service.port = 443;
}

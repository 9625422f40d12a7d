// The PodSecurity plugin's settings (pod-security-admission admission/api): a
// PodSecurityConfiguration giving default levels and versions for namespaces without labels, and
// the users, namespaces and runtime classes exempt from every check. Unset defaults are
// privileged:latest; a missing configuration means all defaults and no exemptions.
import { fe, goValue } from '../../api/validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/validation/names.js';
import type { StatusCause } from '../../api/types.js';
import { parseLevel, parseVersion, type Policy } from './api.js';

const GROUP = 'pod-security.admission.config.k8s.io';
const VERSIONS = ['v1', 'v1beta1', 'v1alpha1'].map(v => `${GROUP}/${v}`);

export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(x => (typeof x === 'string' ? x : String(x))) : []);
const setting = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);

function validateNames(field: string, values: string[], check: (v: string) => string[], errs: StatusCause[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    const at = `${field}[${i}]`;
    const msgs = check(v);
    if (msgs.length > 0) errs.push(fe.invalid(at, v, msgs.join(', ')));
    else if (seen.has(v)) errs.push(fe.duplicate(at, v));
    else seen.add(v);
  });
}

/** Parses and validates a PodSecurityConfiguration; throws with upstream-style field errors. */
export function parsePodSecurityConfig(raw: unknown): PodSecurityConfig {
  if (raw === undefined || raw === null) raw = { apiVersion: VERSIONS[0], kind: 'PodSecurityConfiguration' };
  if (!isRecord(raw) || raw['kind'] !== 'PodSecurityConfiguration' || !VERSIONS.includes(String(raw['apiVersion']))) {
    const r = isRecord(raw) ? raw : {};
    throw new Error(`no kind ${goValue(String(r['kind'] ?? ''))} is registered for version ${goValue(String(r['apiVersion'] ?? ''))}`);
  }
  const d = isRecord(raw['defaults']) ? raw['defaults'] : {};
  const x = isRecord(raw['exemptions']) ? raw['exemptions'] : {};
  const errs: StatusCause[] = [];
  const level = (key: string) => {
    const v = setting(d[key], 'privileged');
    const r = parseLevel(v);
    if (r.error) errs.push(fe.invalid(`defaults.${key}`, v, r.error));
    return r.level;
  };
  const version = (key: string) => {
    const v = setting(d[key], 'latest');
    const r = parseVersion(v);
    if (r.error) errs.push(fe.invalid(`defaults.${key}`, v, r.error));
    return r.version;
  };
  // Upstream validates in this order: enforce, warn, audit.
  const enforce = { level: level('enforce'), version: version('enforce-version') };
  const warn = { level: level('warn'), version: version('warn-version') };
  const audit = { level: level('audit'), version: version('audit-version') };
  const exemptions = { usernames: strings(x['usernames']), namespaces: strings(x['namespaces']), runtimeClasses: strings(x['runtimeClasses']) };
  validateNames('exemptions.namespaces', exemptions.namespaces, isDNS1123Label, errs);
  validateNames('exemptions.runtimeClasses', exemptions.runtimeClasses, isDNS1123Subdomain, errs);
  validateNames('exemptions.usernames', exemptions.usernames, u => (u === '' ? ['username must not be empty'] : []), errs);
  if (errs.length > 0) {
    const parts = errs.map(e => `${e.field}: ${e.message}`);
    throw new Error(`PodSecurity invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`);
  }
  return { defaults: { enforce, audit, warn }, exemptions };
}

// Pod Security levels, policy versions and the namespace labels that select them
// (k8s.io/pod-security-admission/api): parsing, comparison and the effective policy of a
// namespace given the configured defaults.
import { fe, path } from '../../api/validation/field.js';
import type { StatusCause } from '../../api/types.js';

export type Level = 'privileged' | 'baseline' | 'restricted';

const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** A policy version: v1.<minor>, or latest (newer than every numbered version). */
export type Version = { latest: true } | { latest: false; minor: number };

export interface LevelVersion { level: Level; version: Version }

export interface Policy { enforce: LevelVersion; audit: LevelVersion; warn: LevelVersion }

const PREFIX = 'pod-security.kubernetes.io/';
export const LABELS = {
  enforce: `${PREFIX}enforce`, enforceVersion: `${PREFIX}enforce-version`,
  audit: `${PREFIX}audit`, auditVersion: `${PREFIX}audit-version`,
  warn: `${PREFIX}warn`, warnVersion: `${PREFIX}warn-version`,
} as const;

/** Audit annotation keys, each recorded under the pod-security.kubernetes.io/ prefix. */
export const AUDIT_PREFIX = PREFIX;

export const LATEST: Version = { latest: true };
export const v1 = (minor: number): Version => ({ latest: false, minor });

export function versionString(v: Version): string {
  return v.latest ? 'latest' : `v1.${v.minor}`;
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${versionString(lv.version)}`;
}

/** a is older than b; latest is never older. */
export function older(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  return a.minor < b.minor;
}

export function sameVersion(a: Version, b: Version): boolean {
  return a.latest ? b.latest : !b.latest && a.minor === b.minor;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && sameVersion(a.version, b.version);
}

/** Both privileged, or the same level and version. */
function equivalent(a: LevelVersion, b: LevelVersion): boolean {
  return (a.level === 'privileged' && b.level === 'privileged') || sameLevelVersion(a, b);
}

export function policiesEquivalent(a: Policy, b: Policy): boolean {
  return equivalent(a.enforce, b.enforce) && equivalent(a.audit, b.audit) && equivalent(a.warn, b.warn);
}

export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}

/** The level, or restricted and an error text when it is none of the three. */
export function parseLevel(s: string): { level: Level; error?: string } {
  if ((LEVELS as readonly string[]).includes(s)) return { level: s as Level };
  return { level: 'restricted', error: `must be one of ${LEVELS.join(', ')}` };
}

const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** The version, or latest and an error text when it is neither "latest" nor v1.N. */
export function parseVersion(s: string): { version: Version; error?: string } {
  if (s === 'latest') return { version: LATEST };
  const m = VERSION.exec(s);
  const minor = m ? Number(m[1]) : NaN;
  // Go's strconv.Atoi refuses what does not fit an int64.
  if (!Number.isSafeInteger(minor)) return { version: LATEST, error: 'must be "latest" or "v1.x"' };
  return { version: v1(minor) };
}

/** -1 when a is less strict than b, 1 when stricter, 0 when equal. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

/**
 * The policy a namespace's labels select, unset labels taking the defaults. Bad labels give
 * errors (field causes on metadata.labels[...]); enforce then falls back to restricted:latest,
 * audit and warn fail open to privileged. Warn follows an explicit, stricter enforce level.
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: StatusCause[] } {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: StatusCause[] = [];
  if (!labels || Object.keys(labels).length === 0) return { policy: p, errors };
  const note = (label: string, value: string, error: string | undefined) => {
    if (error) errors.push(fe.invalid(path.key('metadata.labels', label), value, error));
    return error === undefined;
  };
  let hasEnforceLevel = false;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  if (has(LABELS.enforce)) {
    const r = parseLevel(labels[LABELS.enforce]!);
    p.enforce.level = r.level;
    hasEnforceLevel = note(LABELS.enforce, labels[LABELS.enforce]!, r.error);
  }
  if (has(LABELS.enforceVersion)) {
    const r = parseVersion(labels[LABELS.enforceVersion]!);
    p.enforce.version = r.version;
    note(LABELS.enforceVersion, labels[LABELS.enforceVersion]!, r.error);
  }
  if (has(LABELS.audit)) {
    const r = parseLevel(labels[LABELS.audit]!);
    p.audit.level = note(LABELS.audit, labels[LABELS.audit]!, r.error) ? r.level : 'privileged';
  }
  if (has(LABELS.auditVersion)) {
    const r = parseVersion(labels[LABELS.auditVersion]!);
    p.audit.version = r.version;
    note(LABELS.auditVersion, labels[LABELS.auditVersion]!, r.error);
  }
  const hasWarnLevel = has(LABELS.warn);
  if (hasWarnLevel) {
    const r = parseLevel(labels[LABELS.warn]!);
    p.warn.level = note(LABELS.warn, labels[LABELS.warn]!, r.error) ? r.level : 'privileged';
  }
  const hasWarnVersion = has(LABELS.warnVersion);
  if (hasWarnVersion) {
    const r = parseVersion(labels[LABELS.warnVersion]!);
    p.warn.version = r.version;
    note(LABELS.warnVersion, labels[LABELS.warnVersion]!, r.error);
  }
  if (!hasWarnLevel && hasEnforceLevel && compareLevels(p.enforce.level, p.warn.level) > 0) {
    p.warn.level = p.enforce.level;
    if (!hasWarnVersion) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}

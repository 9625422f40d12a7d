// Which checks apply at a level and policy version, and their combined verdict
// (policy/registry.go, checks.go): each check contributes its newest variant not newer than the
// version; restricted includes the baseline checks its own checks do not replace; checks run
// baseline first, each level in check-ID order, so messages list reasons in upstream's order.
import { older, type LevelVersion } from '../api.js';
import { hostChecks } from './host.js';
import { privilegeChecks } from './privilege.js';
import { profileChecks } from './profiles.js';
import { volumeChecks } from './volumes.js';
import type { Check, CheckPodFn, CheckResult, PodMetadata, PodSpec, VersionedCheck } from './types.js';

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const DEFAULT_CHECKS: readonly Check[] = [...hostChecks, ...privilegeChecks, ...profileChecks, ...volumeChecks].sort(byId);

function effective(check: Check, lv: LevelVersion): VersionedCheck | undefined {
  return check.versions.filter(v => !older(lv.version, v.minimumVersion)).at(-1);
}

function checksFor(lv: LevelVersion): CheckPodFn[] {
  if (lv.level === 'privileged') return [];
  const baseline = DEFAULT_CHECKS.filter(c => c.level === 'baseline').map(c => ({ id: c.id, v: effective(c, lv) }));
  if (lv.level === 'baseline') return baseline.flatMap(c => (c.v ? [c.v.checkPod] : []));
  const restricted = DEFAULT_CHECKS.filter(c => c.level === 'restricted').map(c => effective(c, lv));
  const replaced = new Set(restricted.flatMap(v => v?.overrides ?? []));
  return [
    ...baseline.flatMap(c => (c.v && !replaced.has(c.id) ? [c.v.checkPod] : [])),
    ...restricted.flatMap(v => (v ? [v.checkPod] : [])),
  ];
}

export interface AggregateResult {
  allowed: boolean;
  /** The reasons alone, comma-separated (what namespace-label warnings show). */
  reason: string;
  /** Each reason with its detail in parentheses, comma-separated. */
  detail: string;
}

export function aggregate(results: CheckResult[]): AggregateResult {
  const bad = results.filter(r => !r.allowed).map(r => ({ reason: r.reason || 'unknown forbidden reason', detail: r.detail ?? '' }));
  return {
    allowed: bad.length === 0,
    reason: bad.map(b => b.reason).join(', '),
    detail: bad.map(b => (b.detail ? `${b.reason} (${b.detail})` : b.reason)).join(', '),
  };
}

/** Runs every check of the level and version on a pod's metadata and spec. */
export function evaluatePod(lv: LevelVersion, meta: PodMetadata, spec: PodSpec): AggregateResult {
  return aggregate(checksFor(lv).map(check => check(meta, spec)));
}

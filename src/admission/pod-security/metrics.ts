// PodSecurity's counters (pod-security-admission metrics/metrics.go): evaluations by decision,
// level, version and mode; exemptions; errors. Requests are labelled pod or controller.
import { metrics } from '../../observability/metrics.js';
import { older, v1, versionString, type LevelVersion } from './api.js';

/** The policy versions this server knows; newer ones are counted as "future". */
const SERVER_VERSION = v1(32);

export interface RequestLabels { request_operation: string; resource: 'pod' | 'controller'; subresource: string }

export type Mode = 'enforce' | 'audit' | 'warn';

export function recordEvaluation(decision: 'allow' | 'deny', lv: LevelVersion, mode: Mode, req: RequestLabels): void {
  // Privileged is the same at every version.
  const version = lv.version.latest || lv.level === 'privileged' ? 'latest' : older(SERVER_VERSION, lv.version) ? 'future' : versionString(lv.version);
  metrics.podSecurityEvaluations.inc({ decision, policy_level: lv.level, policy_version: version, mode, ...req });
}

export function recordExemption(req: RequestLabels): void {
  metrics.podSecurityExemptions.inc({ ...req });
}

export function recordError(fatal: boolean, req: RequestLabels): void {
  metrics.podSecurityErrors.inc({ fatal: String(fatal), ...req });
}

// One Pod Security decision (admission/admission.go EvaluatePod, response.go): the namespace's
// enforce, audit and warn policies run on a pod or pod template, each level:version evaluated
// once; what comes out is whether the request may go on, its warnings and its audit annotations
// (keys without the pod-security.kubernetes.io/ prefix, which the plugin adds).
import { errors, type ApiError } from '../../api/errors.js';
import type { StatusCause } from '../../api/types.js';
import { levelVersionString, type LevelVersion, type Policy } from './api.js';
import type { PodSecurityConfig } from './config.js';
import { evaluatePod, type AggregateResult } from './policy/evaluator.js';
import { recordError, recordEvaluation, recordExemption, type RequestLabels } from './metrics.js';
import type { PodMetadata, PodSpec } from './policy/types.js';

export interface Decision {
  /** Set when the request is refused. */
  error?: ApiError;
  warnings: string[];
  annotations: Record<string, string>;
}

export const allow = (annotations: Record<string, string> = {}, warnings: string[] = []): Decision => ({ warnings, annotations });

export const exempt = (why: 'namespace' | 'user' | 'runtimeClass'): Decision => allow({ exempt: why });

/** utilerrors.Aggregate's text of field errors. */
export function aggregateText(causes: StatusCause[]): string {
  const parts = causes.map(c => `${c.field}: ${c.message}`);
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}

export interface PodTarget {
  /** The resource, named in the error when enforce refuses it. */
  resource: string;
  name: string;
  meta: PodMetadata;
  spec: PodSpec;
}

/** Enforce applies to pods only; audit and warn to pods and pod controllers alike. */
export function evaluate(cfg: PodSecurityConfig, policy: Policy, policyErrors: StatusCause[], target: PodTarget, enforce: boolean, req: RequestLabels): Decision {
  const rc = target.spec.runtimeClassName;
  if (rc && cfg.exemptions.runtimeClasses.includes(rc)) {
    recordExemption(req);
    return exempt('runtimeClass');
  }
  const annotations: Record<string, string> = {};
  if (policyErrors.length > 0) {
    annotations['error'] = `Failed to parse policy: ${aggregateText(policyErrors)}`;
    recordError(false, req);
  }
  const results = new Map<string, AggregateResult>();
  const run = (lv: LevelVersion) => {
    const key = levelVersionString(lv);
    let r = results.get(key);
    if (!r) results.set(key, (r = evaluatePod(lv, target.meta, target.spec)));
    return r;
  };
  const decision: Decision = { warnings: [], annotations };
  if (enforce) {
    annotations['enforce-policy'] = levelVersionString(policy.enforce);
    const r = run(policy.enforce);
    recordEvaluation(r.allowed ? 'allow' : 'deny', policy.enforce, 'enforce', req);
    if (!r.allowed) {
      decision.error = errors.forbidden(
        `${target.resource} ${JSON.stringify(target.name)} is forbidden: violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${r.detail}`,
        { group: '', resource: target.resource, name: target.name });
    }
  }
  const audit = run(policy.audit);
  if (!audit.allowed) {
    annotations['audit-violations'] = `would violate PodSecurity ${JSON.stringify(levelVersionString(policy.audit))}: ${audit.detail}`;
    recordEvaluation('deny', policy.audit, 'audit', req);
  }
  // A refused request gets no warnings on top of its error.
  if (!decision.error) {
    const warn = run(policy.warn);
    if (!warn.allowed) {
      decision.warnings.push(`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${warn.detail}`);
      recordEvaluation('deny', policy.warn, 'warn', req);
    }
  }
  return decision;
}

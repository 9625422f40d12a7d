// PodSecurity on namespaces (admission/admission.go ValidateNamespace, EvaluatePodsInNamespace):
// bad pod-security labels are refused (on update only when they changed); a stricter enforce
// policy is tried on the namespace's existing pods (at most 3000, for at most a second) and what
// they break comes back as warnings; exempt namespaces get a warning that their labels are moot.
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import {
  LABELS, compareLevels, fullyPrivileged, levelVersionString, policiesEquivalent, policyToEvaluate, sameLevelVersion, sameVersion,
  type LevelVersion, type Policy,
} from './api.js';
import type { PodSecurityConfig } from './config.js';
import { allow, type Decision } from './evaluate.js';
import { evaluatePod } from './policy/evaluator.js';
import type { PodMetadata, PodSpec } from './policy/types.js';

export const MAX_PODS_TO_CHECK = 3000;
export const POD_CHECK_TIMEOUT_MS = 1000;

export type PodLister = (namespace: string) => Promise<KubeObject[]>;

/** Upstream's check budget; tests shrink it. */
export interface PodCheckLimits { maxPods: number; timeoutMs: number }

const specOf = (pod: KubeObject) => (pod['spec'] ?? {}) as PodSpec;

function exemptNamespaceWarning(name: string, policy: Policy, defaults: Policy, labels: Record<string, string>): string | undefined {
  if (fullyPrivileged(policy) || policiesEquivalent(policy, defaults)) return undefined;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  // Only the non-privileged modes the labels set.
  const modes: Array<[string, LevelVersion, string, string]> = [
    ['enforce', policy.enforce, LABELS.enforce, LABELS.enforceVersion],
    ['audit', policy.audit, LABELS.audit, LABELS.auditVersion],
    ['warn', policy.warn, LABELS.warn, LABELS.warnVersion],
  ];
  const shown = modes
    .filter(([, lv, level, version]) => lv.level !== 'privileged' && (has(level) || has(version)))
    .map(([mode, lv]) => `${mode}=${levelVersionString(lv)}`);
  return `namespace ${JSON.stringify(name)} is exempt from Pod Security, and the policy (${shown.join(', ')}) will be ignored`;
}

/** Exempt runtime classes skipped; one pod per controller first, the rest of its pods last. */
function prioritize(pods: KubeObject[], exemptRuntimeClasses: string[]): KubeObject[] {
  const first: KubeObject[] = [];
  const duplicates: KubeObject[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const rc = specOf(pod).runtimeClassName;
    if (rc && exemptRuntimeClasses.includes(rc)) continue;
    const controller = pod.metadata.ownerReferences?.find(r => r.controller === true);
    if (!controller) first.push(pod);
    else if (seen.has(controller.uid)) duplicates.push(pod);
    else {
      seen.add(controller.uid);
      first.push(pod);
    }
  }
  return [...first, ...duplicates];
}

async function listWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('context deadline exceeded')), ms); });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The warnings for a namespace whose new enforce policy some existing pods would break. */
export async function evaluatePodsInNamespace(cfg: PodSecurityConfig, list: PodLister, namespace: string, enforce: LevelVersion, limits: PodCheckLimits): Promise<string[]> {
  const deadline = Date.now() + limits.timeoutMs;
  let pods: KubeObject[];
  try {
    pods = prioritize(await listWithin(list(namespace), limits.timeoutMs), cfg.exemptions.runtimeClasses);
  } catch {
    return ['failed to list pods while checking new PodSecurity enforce level'];
  }
  const total = pods.length;
  const toCheck = pods.slice(0, limits.maxPods);
  let checked = toCheck.length;
  // Each distinct list of reasons, with the lexically first pod showing it and how many do.
  const byReason = new Map<string, { pod: string; count: number }>();
  for (const [i, pod] of toCheck.entries()) {
    const r = evaluatePod(enforce, pod.metadata as PodMetadata, specOf(pod));
    if (!r.allowed) {
      const name = pod.metadata.name ?? '';
      const seen = byReason.get(r.reason);
      if (!seen) byReason.set(r.reason, { pod: name, count: 1 });
      else {
        if (name < seen.pod) seen.pod = name;
        seen.count++;
      }
    }
    if (Date.now() > deadline) {
      checked = i + 1;
      break;
    }
  }
  const warnings: string[] = [];
  if (checked < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`);
  if (byReason.size > 0) warnings.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`);
  const perPod = [...byReason].map(([reason, { pod, count }]) => {
    const others = count - 1;
    const who = others === 0 ? pod : `${pod} (and ${others} other ${others === 1 ? 'pod' : 'pods'})`;
    return `${who}: ${reason}`;
  });
  return [...warnings, ...perPod.sort()];
}

const sameCauses = (a: unknown[], b: unknown[]) => JSON.stringify(a) === JSON.stringify(b);

export async function validateNamespace(
  cfg: PodSecurityConfig, list: PodLister, limits: PodCheckLimits,
  op: 'create' | 'update', ns: KubeObject, old: KubeObject | null,
): Promise<Decision> {
  const name = ns.metadata.name ?? '';
  const labels = ns.metadata.labels ?? {};
  const next = policyToEvaluate(labels, cfg.defaults);
  const invalid = () => errors.invalid('', 'Namespace', name, next.errors);
  const exemptWarning = () => {
    if (!cfg.exemptions.namespaces.includes(name)) return undefined;
    const w = exemptNamespaceWarning(name, next.policy, cfg.defaults, labels);
    return allow({}, w ? [w] : []);
  };
  if (op === 'create') {
    if (next.errors.length > 0) return { error: invalid(), warnings: [], annotations: {} };
    // Upstream looks exemptions up by the request's namespace, which a create of a namespace
    // does not have: so no exempt-namespace warning here.
    return allow();
  }
  const prev = policyToEvaluate(old?.metadata.labels ?? {}, cfg.defaults);
  if (next.errors.length > 0 && (prev.errors.length === 0 || !sameCauses(next.errors, prev.errors))) {
    return { error: invalid(), warnings: [], annotations: {} };
  }
  const enforce = next.policy.enforce;
  const before = prev.policy.enforce;
  // Nothing to try: enforce unchanged, now privileged, or relaxed at the same version.
  if (sameLevelVersion(enforce, before) || enforce.level === 'privileged') return allow();
  if (sameVersion(enforce.version, before.version) && compareLevels(enforce.level, before.level) < 1) return allow();
  const exempted = exemptWarning();
  if (exempted) return exempted;
  return allow({}, await evaluatePodsInNamespace(cfg, list, name, enforce, limits));
}

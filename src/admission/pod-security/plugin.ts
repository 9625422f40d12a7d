// The PodSecurity admission plugin (plugin/pkg/admission/security/podsecurity and
// pod-security-admission's admission.go): validates creates and updates of namespaces, pods
// (and their subresources that can change the spec, such as ephemeralcontainers) and the pod
// controllers' templates. Pods may be refused; controllers only get warnings and audit
// annotations. Annotations land on the request's audit event as pod-security.kubernetes.io/<key>.
import { addRequestAuditAnnotation } from '../../api/audit-annotations.js';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { addWarning } from '../../api/warnings.js';
import { requestUser } from '../../authz/request-user.js';
import type { AdmissionPlugin } from '../plugin.js';
import { AUDIT_PREFIX, fullyPrivileged, levelVersionString, LATEST, policyToEvaluate } from './api.js';
import type { PodSecurityConfig } from './config.js';
import { allow, evaluate, exempt, type Decision } from './evaluate.js';
import { recordError, recordEvaluation, recordExemption, type RequestLabels } from './metrics.js';
import { MAX_PODS_TO_CHECK, POD_CHECK_TIMEOUT_MS, validateNamespace, type PodCheckLimits, type PodLister } from './namespace.js';
import type { Container, PodMetadata, PodSpec } from './policy/types.js';

export type NamespaceGetter = (name: string) => Promise<KubeObject | null>;

export interface PodSecurityDeps {
  config: PodSecurityConfig;
  /** The namespace informer, falling back to a live read. */
  getNamespace: NamespaceGetter;
  listPods: PodLister;
  limits?: PodCheckLimits;
}

// Pod subresources that cannot change what the checks look at.
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

type Template = { metadata?: PodMetadata; spec?: PodSpec } | null | undefined;

/** Where each pod controller keeps its pod template; undefined when the object has none. */
const TEMPLATES: Record<string, (o: KubeObject) => Template> = {
  '/replicationcontrollers': o => (o['spec'] as { template?: Template } | undefined)?.template,
  '/podtemplates': o => (o['template'] as Template) ?? {},
  'apps/replicasets': o => (o['spec'] as { template?: Template } | undefined)?.template ?? {},
  'apps/deployments': o => (o['spec'] as { template?: Template } | undefined)?.template ?? {},
  'apps/statefulsets': o => (o['spec'] as { template?: Template } | undefined)?.template ?? {},
  'apps/daemonsets': o => (o['spec'] as { template?: Template } | undefined)?.template ?? {},
  'batch/jobs': o => (o['spec'] as { template?: Template } | undefined)?.template ?? {},
  'batch/cronjobs': o => (o['spec'] as { jobTemplate?: { spec?: { template?: Template } } } | undefined)?.jobTemplate?.spec?.template ?? {},
};

const specOf = (o: KubeObject) => (o['spec'] ?? {}) as PodSpec;

/** Only image changes matter among what a pod update may change; added ephemeral containers do. */
export function isSignificantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const spec = specOf(pod);
  const was = specOf(old);
  const changed = (a: Container[], b: Container[]) => a.length !== b.length || a.some((c, i) => c.image !== b[i]!.image);
  if (changed(spec.containers ?? [], was.containers ?? []) || changed(spec.initContainers ?? [], was.initContainers ?? [])) return true;
  const before = new Map((was.ephemeralContainers ?? []).map(c => [c.name, c]));
  return (spec.ephemeralContainers ?? []).some(c => {
    const o = before.get(c.name);
    return !o || o.image !== c.image;
  });
}

export function podSecurity(deps: PodSecurityDeps): AdmissionPlugin {
  const cfg = deps.config;
  const limits = deps.limits ?? { maxPods: MAX_PODS_TO_CHECK, timeoutMs: POD_CHECK_TIMEOUT_MS };
  const exemptUser = () => {
    const user = requestUser()?.name ?? '';
    return user !== '' && cfg.exemptions.usernames.includes(user);
  };

  /** The namespace, or why it could not be read. */
  async function lookupNamespace(name: string): Promise<KubeObject | string> {
    try {
      return (await deps.getNamespace(name)) ?? `namespaces ${JSON.stringify(name)} not found`;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  const exemption = (namespace: string, req: RequestLabels): Decision | undefined => {
    const why = cfg.exemptions.namespaces.includes(namespace) ? 'namespace' : exemptUser() ? 'user' : undefined;
    if (!why) return undefined;
    recordExemption(req);
    return exempt(why);
  };

  async function validatePod(namespace: string, pod: KubeObject, old: KubeObject | null, req: RequestLabels): Promise<Decision> {
    if (IGNORED_POD_SUBRESOURCES.has(req.subresource)) return allow();
    const exempted = exemption(namespace, req);
    if (exempted) return exempted;
    const ns = await lookupNamespace(namespace);
    if (typeof ns === 'string') {
      recordError(true, req);
      const message = `failed to lookup namespace ${JSON.stringify(namespace)}`;
      return { error: errors.internal(message), warnings: [], annotations: { error: `Internal error occurred: ${message}: ${ns}` } };
    }
    const { policy, errors: policyErrors } = policyToEvaluate(ns.metadata.labels, cfg.defaults);
    if (policyErrors.length === 0 && fullyPrivileged(policy)) {
      recordEvaluation('allow', policy.enforce, 'enforce', req);
      return allow({ 'enforce-policy': levelVersionString({ level: 'privileged', version: LATEST }) });
    }
    if (old && !isSignificantPodUpdate(pod, old)) return allow();
    return evaluate(cfg, policy, policyErrors, { resource: 'pods', name: pod.metadata.name ?? '', meta: pod.metadata as PodMetadata, spec: specOf(pod) }, true, req);
  }

  async function validateController(resource: string, namespace: string, obj: KubeObject, template: (o: KubeObject) => Template, req: RequestLabels): Promise<Decision> {
    const exempted = exemption(namespace, req);
    if (exempted) return exempted;
    const ns = await lookupNamespace(namespace);
    // A controller is never refused, not even when its namespace cannot be read.
    if (typeof ns === 'string') {
      recordError(true, req);
      return allow({ error: `failed to lookup namespace ${JSON.stringify(namespace)}: ${ns}` });
    }
    const { policy, errors: policyErrors } = policyToEvaluate(ns.metadata.labels, cfg.defaults);
    if (policyErrors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return allow();
    const t = template(obj);
    if (!t) return allow();
    return evaluate(cfg, policy, policyErrors, { resource, name: obj.metadata.name ?? '', meta: t.metadata ?? {}, spec: t.spec ?? {} }, false, req);
  }

  return {
    name: 'PodSecurity',
    async validate(op, info, obj, old, opts) {
      if (op === 'delete') return;
      const subresource = opts.subresource ?? '';
      const namespace = obj.metadata.namespace ?? '';
      let decision: Decision;
      if (info.group === '' && info.resource === 'namespaces') {
        if (subresource) return;
        decision = await validateNamespace(cfg, deps.listPods, limits, op, obj, old);
      } else if (info.group === '' && info.resource === 'pods') {
        decision = await validatePod(namespace, obj, op === 'update' ? old : null, { request_operation: op, resource: 'pod', subresource });
      } else {
        const template = TEMPLATES[`${info.group}/${info.resource}`];
        if (!template || subresource) return;
        decision = await validateController(info.resource, namespace, obj, template, { request_operation: op, resource: 'controller', subresource });
      }
      for (const w of decision.warnings) addWarning(w);
      for (const [k, v] of Object.entries(decision.annotations)) addRequestAuditAnnotation(AUDIT_PREFIX + k, v);
      if (decision.error) throw decision.error;
    },
  };
}

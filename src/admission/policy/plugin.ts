// Upstream's ValidatingAdmissionPolicy plugin (policy/validating dispatcher): every policy whose
// matchConstraints select the request is evaluated for each of its bindings that selects it too,
// once per param. Denials by Deny bindings refuse the request with the first one's message and
// reason; Warn adds a Warning header, Audit an audit annotation. Configuration problems (unknown
// paramKind, missing params, a failed conversion) follow the policy's failurePolicy. A policy
// matched through an equivalent resource sees the objects and request.kind at its rule's version.
import type { ResourceInfo } from '../../api/resource-info.js';
import { ApiError, type StatusReason } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { addWarning } from '../../api/warnings.js';
import { addRequestAuditAnnotation } from '../../api/audit-annotations.js';
import type { AuthorizeFn } from '../../authz/union.js';
import type { EquivalentResources } from '../equivalent-resources.js';
import type { AdmissionPlugin } from '../plugin.js';
import { admissionRequest, attributesOf } from '../request.js';
import { attributesAt } from '../versioned.js';
import { forbidden } from '../webhook/match-conditions.js';
import { compilePolicy, type CompiledPolicy } from './compiled-policy.js';
import { requestInputs } from './inputs.js';
import { resourcesMatch } from './match.js';
import { ConfigError, collectParams, gvkString, type ParamResolver } from './params.js';
import type { Binding, Policy } from './types.js';
import { validate, type Decision } from './validator.js';

export interface PolicySources {
  policies(): readonly KubeObject[];
  bindings(): readonly KubeObject[];
  getNamespace(name: string): Promise<KubeObject | null | undefined>;
  params: ParamResolver;
  authorize: AuthorizeFn;
  equivalents: EquivalentResources;
}

interface Denial {
  policy: string;
  binding?: string;
  decision: Decision;
}

const CODES: Partial<Record<string, number>> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };
const MAX_AUDIT_VALUE = 10 * 1024;
const compiledPolicies = new WeakMap<object, CompiledPolicy>();

function compiledOf(p: Policy): CompiledPolicy {
  let c = compiledPolicies.get(p);
  if (!c) {
    c = compilePolicy(p.spec ?? {});
    compiledPolicies.set(p, c);
  }
  return c;
}

const byName = (x: KubeObject, y: KubeObject) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? '');

/** CreateNamespaceObject: the Namespace with only the metadata CEL may see. */
function namespaceObject(ns: KubeObject): unknown {
  const m = ns.metadata;
  const keep = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
    'deletionGracePeriodSeconds', 'labels', 'annotations', 'finalizers'] as const;
  const metadata = Object.fromEntries(keep.filter(k => m[k] !== undefined).map(k => [k, m[k]]));
  return { metadata, spec: ns['spec'] ?? {}, status: ns['status'] ?? {} };
}

function denialError(info: ResourceInfo, name: string, d: Denial): ApiError {
  const message = d.binding !== undefined
    ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.decision.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.decision.message}`;
  const base = forbidden(info, name, message);
  const reason = (d.decision.reason || 'Invalid') as StatusReason;
  return new ApiError(CODES[reason] ?? 422, reason, base.message, { ...base.details, causes: [{ message }] });
}

export function validatingAdmissionPolicy(sources: PolicySources): AdmissionPlugin {
  return {
    name: 'ValidatingAdmissionPolicy',
    async validate(op, info, obj, old, opts) {
      const policies = [...sources.policies()].sort(byName) as Policy[];
      if (policies.length === 0) return;
      const a = attributesOf(op, info, obj, old, opts);
      const req = requestInputs(op, info, a, opts.dryRun, sources.authorize);
      // extractResourceName: a create without a name yet is named by its generateName.
      const errName = req.name || (a.object?.metadata.generateName ?? '') || 'Unknown';
      const ns = a.namespace ? await sources.getNamespace(a.namespace) : undefined;
      const nsLabels = ns?.metadata.labels;
      // A Namespace's own requests carry no namespaceObject, as upstream special-cases them.
      const namespace = ns && !(info.group === '' && info.resource === 'namespaces') ? namespaceObject(ns) : null;
      const bindings = [...sources.bindings()].sort(byName) as Binding[];
      const denials: Denial[] = [];
      const configError = (p: Policy, message: string, binding?: Binding) => {
        if (p.spec?.failurePolicy === 'Ignore') return;
        const prefix = binding ? 'failed to configure binding' : 'failed to configure policy';
        denials.push({ policy: p.metadata.name ?? '', ...(binding ? { binding: binding.metadata.name ?? '' } : {}), decision: { action: 'deny', evaluation: 'error', message: `${prefix}: ${message}` } });
      };
      for (const p of policies) {
        const spec = p.spec ?? {};
        const policyName = p.metadata.name ?? '';
        const matched = spec.matchConstraints && resourcesMatch(spec.matchConstraints, a, info, nsLabels, sources.equivalents);
        if (!matched) continue;
        let inputs = req.inputs;
        if (matched !== info) {
          try {
            const va = await attributesAt(a, info, matched);
            inputs = { ...inputs, object: va.object, oldObject: va.oldObject, request: admissionRequest('', op, info, va, opts.dryRun, matched) };
          } catch (e) {
            configError(p, `failed to convert object version: ${(e as Error).message}`);
            continue;
          }
        }
        const paramStore = spec.paramKind ? sources.params(spec.paramKind.apiVersion ?? '', spec.paramKind.kind ?? '') : undefined;
        if (spec.paramKind && !paramStore) {
          configError(p, `failed to find resource referenced by paramKind: '${gvkString(spec.paramKind)}'`);
          continue;
        }
        const compiled = compiledOf(p);
        const annotations = new Map<string, string[]>();
        for (const b of bindings) {
          const bs = b.spec ?? {};
          if (bs.policyName !== policyName) continue;
          if (bs.matchResources && !resourcesMatch(bs.matchResources, a, info, nsLabels, sources.equivalents)) continue;
          let params;
          try {
            params = await collectParams(spec.paramKind, paramStore, bs.paramRef, a.namespace);
          } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            configError(p, e.message, b);
            continue;
          }
          const bindingName = b.metadata.name ?? '';
          const actions = bs.validationActions ?? [];
          for (const param of params) {
            const r = await validate(compiled, spec.failurePolicy ?? 'Fail', { ...inputs, params: param, namespaceObject: namespace }, req.session);
            r.decisions.forEach((d, i) => {
              if (d.action !== 'deny') return;
              for (const action of actions) {
                if (action === 'Deny') denials.push({ policy: policyName, binding: bindingName, decision: d });
                else if (action === 'Warn') addWarning(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${d.message}`);
                else if (action === 'Audit') {
                  addRequestAuditAnnotation('validation.policy.admission.k8s.io/validation_failure', JSON.stringify([
                    { message: d.message, policy: policyName, binding: bindingName, expressionIndex: i, validationActions: actions },
                  ]));
                }
              }
            });
            for (const aa of r.auditAnnotations) {
              if (aa.action === 'publish') {
                const values = annotations.get(aa.key) ?? [];
                const value = aa.value.slice(0, MAX_AUDIT_VALUE);
                if (!values.includes(value)) annotations.set(aa.key, [...values, value]);
              } else if (aa.action === 'error') {
                denials.push({ policy: policyName, binding: bindingName, decision: { action: 'deny', evaluation: 'error', message: aa.error } });
              }
            }
          }
        }
        for (const [key, values] of annotations) addRequestAuditAnnotation(`${policyName}/${key}`, values.join(', '));
      }
      if (denials.length > 0) throw denialError(info, errName, denials[0]!);
    },
  };
}

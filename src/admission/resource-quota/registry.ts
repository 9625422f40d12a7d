// The evaluators quota admission knows (pkg/quota/v1/install and evaluator/core/registry.go):
// pods, services and PVCs measure more than a count; configmaps, resourcequotas,
// replicationcontrollers and secrets count under their legacy names too; any other resource gets
// a count/<resource>[.<group>] evaluator the first time it is seen. Virtual resources and events
// are never quota'd.
import { objectCountEvaluator, type QuotaEvaluator } from './evaluator.js';
import { persistentVolumeClaimEvaluator } from './persistent-volume-claims.js';
import { podEvaluator } from './pods.js';
import { serviceEvaluator } from './services.js';

const LEGACY_COUNT_ALIASES: Record<string, string> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
  secrets: 'secrets',
};

const IGNORED = new Set([
  '/bindings', '/componentstatuses', '/events', 'events.k8s.io/events',
  'authentication.k8s.io/tokenreviews', 'authentication.k8s.io/selfsubjectreviews',
  'authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/localsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews',
]);

const keyOf = (group: string, resource: string) => `${group}/${resource}`;

export class EvaluatorRegistry {
  private readonly evaluators = new Map<string, QuotaEvaluator>();

  constructor(now: () => Date = () => new Date()) {
    const fixed = [
      podEvaluator(now), serviceEvaluator(), persistentVolumeClaimEvaluator(),
      ...Object.entries(LEGACY_COUNT_ALIASES).map(([resource, alias]) => objectCountEvaluator('', resource, alias)),
    ];
    for (const e of fixed) this.evaluators.set(keyOf(e.group, e.resource), e);
  }

  /** The evaluator for a resource, made on first use for an unknown one; undefined when ignored. */
  evaluatorFor(group: string, resource: string): QuotaEvaluator | undefined {
    const key = keyOf(group, resource);
    if (IGNORED.has(key)) return undefined;
    let e = this.evaluators.get(key);
    if (!e) {
      e = objectCountEvaluator(group, resource);
      this.evaluators.set(key, e);
    }
    return e;
  }
}

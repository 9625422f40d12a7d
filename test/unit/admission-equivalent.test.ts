// matchPolicy: Equivalent: which served resources are one resource, how rules match through them,
// and a policy that sees a request in its rule's version (autoscaling/v2 HPA seen as v1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError, type ApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { EquivalentResources } from '../../src/admission/equivalent-resources.js';
import { resourcesMatch } from '../../src/admission/policy/match.js';
import { validatingAdmissionPolicy } from '../../src/admission/policy/plugin.js';
import { attributesOf } from '../../src/admission/request.js';
import { matchingResource, type RequestAttributes } from '../../src/admission/webhook/match.js';

const catalog = builtinCatalog();
const equivalents = new EquivalentResources(catalog);
const hpaV1 = catalog.lookup('autoscaling', 'v1', 'horizontalpodautoscalers')!;
const hpaV2 = catalog.lookup('autoscaling', 'v2', 'horizontalpodautoscalers')!;
const coreEvents = catalog.lookup('', 'v1', 'events')!;
const deployments = catalog.lookup('apps', 'v1', 'deployments')!;
const gvr = (r: { group: string; version: string; resource: string }) => `${r.group}/${r.version}/${r.resource}`;

const hpa = (name: string): KubeObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 90 } } }],
  },
});
const attrs = (obj: KubeObject): RequestAttributes => attributesOf('create', hpaV2, obj, null, { dryRun: false });
const v1Rule = { operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] };

test('resources stored in one place are equivalent; the subresource must exist on each', () => {
  assert.deepEqual(equivalents.for(hpaV1, '').map(gvr).sort(), ['autoscaling/v1/horizontalpodautoscalers', 'autoscaling/v2/horizontalpodautoscalers']);
  assert.deepEqual(equivalents.for(coreEvents, '').map(gvr).sort(), ['/v1/events', 'events.k8s.io/v1/events']);
  assert.deepEqual(equivalents.for(deployments, '').map(gvr), ['apps/v1/deployments']);
  assert.deepEqual(equivalents.for(hpaV2, 'status').map(gvr).sort(), ['autoscaling/v1/horizontalpodautoscalers', 'autoscaling/v2/horizontalpodautoscalers']);
  assert.deepEqual(equivalents.for(deployments, 'nosuch'), []);
});

test('a rule naming only another version matches through the equivalent resource, never under Exact', () => {
  const a = attrs(hpa('h'));
  const others = () => equivalents.for(hpaV2, '');
  assert.equal(matchingResource([v1Rule], a, hpaV2, others), hpaV1);
  assert.equal(matchingResource([v1Rule], a, hpaV2, undefined), undefined);
  assert.equal(matchingResource([{ ...v1Rule, apiVersions: ['v2'] }, v1Rule], a, hpaV2, others), hpaV2, 'an exact match wins over earlier equivalent ones');
  assert.equal(matchingResource([{ ...v1Rule, apiGroups: ['apps'] }], a, hpaV2, others), undefined);
});

test('policy matching: exclusions and resourceNames through equivalents, as upstream', () => {
  const a = attrs(hpa('h'));
  const mr = (over: Record<string, unknown>) => ({ namespaceSelector: {}, objectSelector: {}, matchPolicy: 'Equivalent' as const, resourceRules: [v1Rule], ...over });
  assert.equal(resourcesMatch(mr({}), a, hpaV2, undefined, equivalents), hpaV1);
  assert.equal(resourcesMatch(mr({ matchPolicy: 'Exact' }), a, hpaV2, undefined, equivalents), undefined);
  assert.equal(resourcesMatch(mr({ excludeResourceRules: [v1Rule] }), a, hpaV2, undefined, equivalents), undefined);
  // Upstream checks resourceNames only on the exact rule; an equivalent match ignores them.
  assert.equal(resourcesMatch(mr({ resourceRules: [{ ...v1Rule, resourceNames: ['other'] }] }), a, hpaV2, undefined, equivalents), hpaV1);
});

test('a policy matched through an equivalent sees the object and request.kind at its version', async () => {
  const policy: KubeObject = {
    metadata: { name: 'cpu' },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [v1Rule] },
      validations: [{
        expression: "object.apiVersion == 'autoscaling/v1' && request.kind.version == 'v1' && request.requestKind.version == 'v2' && request.resource.version == 'v1' && object.spec.targetCPUUtilizationPercentage <= 80",
        messageExpression: "'cpu ' + string(object.spec.targetCPUUtilizationPercentage) + ' seen as ' + request.kind.version",
      }],
    },
  };
  const binding: KubeObject = { metadata: { name: 'b' }, spec: { policyName: 'cpu', validationActions: ['Deny'] } };
  const plugin = validatingAdmissionPolicy({
    policies: () => [policy], bindings: () => [binding], getNamespace: async name => ({ metadata: { name } }),
    params: () => undefined, authorize: async () => ({ allowed: true, reason: '' }), equivalents,
  });
  let error: ApiError | undefined;
  try {
    await plugin.validate!('create', hpaV2, hpa('h'), null, { dryRun: false });
  } catch (e) {
    if (!isApiError(e)) throw e;
    error = e;
  }
  assert.equal(error?.code, 422);
  assert.match(error!.message, /ValidatingAdmissionPolicy 'cpu' with binding 'b' denied request: cpu 90 seen as v1$/);
  const small = hpa('small');
  (small['spec'] as { metrics: Array<{ resource: { target: { averageUtilization: number } } }> }).metrics[0]!.resource.target.averageUtilization = 50;
  await plugin.validate!('create', hpaV2, small, null, { dryRun: false });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { parseQuantity } from '../../src/api/decode/quantity.js';
import { podEvaluator, podMatchesScope, podUsage } from '../../src/admission/resource-quota/pods.js';
import { serviceUsage } from '../../src/admission/resource-quota/services.js';
import { pvcUsage } from '../../src/admission/resource-quota/persistent-volume-claims.js';
import { EvaluatorRegistry } from '../../src/admission/resource-quota/registry.js';
import { add, listToJson, subtractNonNegative, parseList, prettyPrint } from '../../src/admission/resource-quota/resources.js';

const pod = (spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name: 'p', namespace: 'ns' }, spec, ...extra });
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>, restartPolicy?: string) =>
  ({ name, resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) }, ...(restartPolicy ? { restartPolicy } : {}) });

test('quantity sums keep upstream formats: a zero receiver takes the addend format', () => {
  assert.deepEqual(listToJson(add(parseList({ cpu: '0', memory: '0' }), parseList({ cpu: '500m', memory: '64Mi' }))), { cpu: '500m', memory: '64Mi' });
  assert.deepEqual(listToJson(add(parseList({ cpu: '500m', memory: '64Mi' }), parseList({ cpu: '1', memory: '100M' }))), { cpu: '1500m', memory: '167108864' });
  assert.deepEqual(listToJson(subtractNonNegative(parseList({ pods: '1', cpu: '1' }), parseList({ cpu: '2', memory: '1Gi' }))), { pods: '1', cpu: '0', memory: '0' });
  assert.equal(prettyPrint(parseList({ 'requests.cpu': '2', pods: '1' })), 'pods=1,requests.cpu=2');
});

test('pod usage: containers summed, init containers as the larger step, sidecars counted throughout, overhead added', () => {
  const usage = listToJson(podUsage(pod({
    containers: [c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' }), c('b', { cpu: '200m', 'example.com/gpu': '1', 'hugepages-2Mi': '4Mi' })],
    initContainers: [c('side', { cpu: '50m' }, undefined, 'Always'), c('init', { cpu: '1', memory: '10Mi' })],
    overhead: { cpu: '10m' },
  })));
  // requests: containers 300m + sidecar 50m = 350m; init step 1 + 50m = 1050m wins; + 10m overhead.
  assert.deepEqual(usage, {
    'count/pods': '1', pods: '1',
    cpu: '1060m', 'requests.cpu': '1060m', 'limits.cpu': '210m',
    memory: '64Mi', 'requests.memory': '64Mi',
    'hugepages-2Mi': '4Mi', 'requests.hugepages-2Mi': '4Mi', 'requests.example.com/gpu': '1',
  });
});

test('a terminal pod, or one past its deletion grace, is charged only count/pods', () => {
  assert.deepEqual(listToJson(podUsage(pod({ containers: [c('a', { cpu: '1' })] }, { status: { phase: 'Succeeded' } }))), { 'count/pods': '1' });
  const deleting = pod({ containers: [c('a', { cpu: '1' })] });
  deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  deleting.metadata.deletionGracePeriodSeconds = 30;
  assert.deepEqual(Object.keys(podUsage(deleting, new Date('2024-01-01T00:01:00Z'))), ['count/pods']);
  assert.equal(podUsage(deleting, new Date('2024-01-01T00:00:10Z'))['requests.cpu']?.text, '1');
});

test('pod constraints: quota on cpu or memory needs every container to state it', () => {
  const e = podEvaluator();
  const p = pod({ containers: [c('a', { cpu: '1' }), c('b')], initContainers: [c('i', { memory: '1Gi' }, { memory: '1Gi' })] });
  assert.equal(e.constraints(['limits.cpu', 'requests.memory', 'pods', 'requests.storage'], p),
    'must specify limits.cpu for: a,b,i; requests.memory for: a,b');
  assert.equal(e.constraints(['pods', 'requests.ephemeral-storage'], p), undefined);
});

test('pod matching resources: static names, hugepages and extended requests', () => {
  const e = podEvaluator();
  assert.deepEqual(e.matchingResources(['requests.cpu', 'services', 'hugepages-1Gi', 'requests.hugepages-2Mi', 'requests.example.com/gpu', 'requests.storage', 'count/pods']).sort(),
    ['count/pods', 'hugepages-1Gi', 'requests.cpu', 'requests.example.com/gpu', 'requests.hugepages-2Mi']);
});

test('pod scopes', () => {
  const best = pod({ containers: [c('a')] });
  const burst = pod({ containers: [c('a', { cpu: '1' })], activeDeadlineSeconds: 10, priorityClassName: 'high' });
  const s = (scopeName: string, operator = 'Exists', values?: string[]) => ({ scopeName, operator, ...(values ? { values } : {}) });
  assert.equal(podMatchesScope(s('BestEffort'), best), true);
  assert.equal(podMatchesScope(s('NotBestEffort'), burst), true);
  assert.equal(podMatchesScope(s('BestEffort'), { ...best, status: { qosClass: 'Burstable' } }), false);
  assert.equal(podMatchesScope(s('Terminating'), burst), true);
  assert.equal(podMatchesScope(s('NotTerminating'), best), true);
  assert.equal(podMatchesScope(s('PriorityClass', 'In', ['high', 'low']), burst), true);
  assert.equal(podMatchesScope(s('PriorityClass', 'In', ['high']), best), false);
  assert.equal(podMatchesScope(s('PriorityClass', 'NotIn', ['high']), best), true);
  assert.equal(podMatchesScope(s('PriorityClass', 'NotIn', ['high']), burst), false);
  assert.equal(podMatchesScope(s('PriorityClass', 'Exists'), burst), true);
  assert.equal(podMatchesScope(s('PriorityClass', 'DoesNotExist'), best), true);
  const cross = pod({ containers: [], affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { namespaceSelector: {} } }] } } });
  assert.equal(podMatchesScope(s('CrossNamespacePodAffinity'), cross), true);
  assert.equal(podMatchesScope(s('CrossNamespacePodAffinity'), best), false);
});

test('service usage counts node ports and load balancers by type', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 's' }, spec });
  assert.deepEqual(listToJson(serviceUsage(svc({ type: 'ClusterIP', ports: [{}] }))), { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' });
  assert.equal(serviceUsage(svc({ type: 'NodePort', ports: [{}, {}] }))['services.nodeports']?.text, '2');
  const lb = serviceUsage(svc({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ nodePort: 30001 }, {}] }));
  assert.equal(lb['services.nodeports']?.text, '1');
  assert.equal(lb['services.loadbalancers']?.text, '1');
});

test('PVC usage: storage rounded up to whole bytes, charged to its storage class, allocation beyond the request wins', () => {
  const pvc: KubeObject = { metadata: { name: 'c' }, spec: { storageClassName: 'gold', resources: { requests: { storage: '1500m' } } } };
  assert.deepEqual(listToJson(pvcUsage(pvc)), {
    persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'requests.storage': '2',
    'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/requests.storage': '2',
  });
  const resized = { ...pvc, spec: { resources: { requests: { storage: '1Gi' } } }, status: { allocatedResources: { storage: '2Gi' } } };
  assert.equal(pvcUsage(resized)['requests.storage']?.text, '2Gi');
  assert.equal(parseQuantity('2Gi').text, '2Gi');
});

test('registry: legacy aliases, count/<resource>.<group> for anything else, ignored virtual resources', () => {
  const r = new EvaluatorRegistry();
  assert.deepEqual(Object.keys(r.evaluatorFor('', 'configmaps')!.usage({ metadata: {} })), ['count/configmaps', 'configmaps']);
  assert.deepEqual(Object.keys(r.evaluatorFor('apps', 'deployments')!.usage({ metadata: {} })), ['count/deployments.apps']);
  assert.equal(r.evaluatorFor('', 'events'), undefined);
  assert.equal(r.evaluatorFor('authorization.k8s.io', 'subjectaccessreviews'), undefined);
  const cm = r.evaluatorFor('', 'configmaps')!;
  const base = { group: '', resource: 'configmaps', namespace: 'ns', name: 'x', object: { metadata: {} }, oldObject: null, dryRun: false };
  assert.equal(cm.handles({ ...base, operation: 'create', subresource: '' }), true);
  assert.equal(cm.handles({ ...base, operation: 'update', subresource: '' }), false);
});

// The defaulting admission plugins: tolerations, the not-ready taint, protection finalizers,
// default storage and ingress classes, and pod priority.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { defaultClass, defaultIngressClass, defaultStorageClass } from '../../src/admission/default-class.js';
import { defaultTolerationSeconds } from '../../src/admission/default-toleration-seconds.js';
import { priority } from '../../src/admission/priority.js';
import { storageObjectInUseProtection } from '../../src/admission/storage-object-in-use-protection.js';
import { taintNodesByCondition } from '../../src/admission/taint-nodes-by-condition.js';

const info = (group: string, resource: string) => builtinCatalog().all().find(i => i.group === group && i.resource === resource)!;
const obj = (o: Record<string, unknown>): KubeObject => ({ metadata: { name: 'x', namespace: 'default' }, ...o }) as KubeObject;
const create = { dryRun: false };

test('DefaultTolerationSeconds adds what the pod does not tolerate yet', async () => {
  const plugin = defaultTolerationSeconds(300, 120);
  const pod = obj({ spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } });
  await plugin.admit!('create', info('', 'pods'), pod, null, create);
  assert.deepEqual((pod['spec'] as { tolerations: unknown[] }).tolerations, [
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const tolerant = obj({ spec: { tolerations: [{ operator: 'Exists' }] } });
  await plugin.admit!('create', info('', 'pods'), tolerant, null, create);
  assert.deepEqual((tolerant['spec'] as { tolerations: unknown[] }).tolerations, [{ operator: 'Exists' }], 'a toleration of everything covers both');
});

test('TaintNodesByCondition taints new nodes not-ready:NoSchedule once', async () => {
  const node = obj({ metadata: { name: 'n1' }, spec: {} });
  await taintNodesByCondition.admit!('create', info('', 'nodes'), node, null, create);
  await taintNodesByCondition.admit!('create', info('', 'nodes'), node, null, create);
  assert.deepEqual((node['spec'] as { taints: unknown[] }).taints, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
});

test('StorageObjectInUseProtection adds the protection finalizers on create', async () => {
  const pvc = obj({ spec: {} });
  await storageObjectInUseProtection.admit!('create', info('', 'persistentvolumeclaims'), pvc, null, create);
  assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const pv = obj({ metadata: { name: 'pv', finalizers: ['kubernetes.io/pv-protection'] } });
  await storageObjectInUseProtection.admit!('create', info('', 'persistentvolumes'), pv, null, create);
  assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
});

test('default classes: the newest annotated one; an explicit empty class stays empty', async () => {
  const sc = (name: string, created: string, isDefault: boolean) => ({ metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) } }) as KubeObject;
  const classes = [sc('old', '2026-01-01T00:00:00Z', true), sc('new', '2026-06-01T00:00:00Z', true), sc('plain', '2026-09-01T00:00:00Z', false)];
  assert.equal(defaultClass(classes, ['storageclass.kubernetes.io/is-default-class'])?.metadata.name, 'new');
  const plugin = defaultStorageClass(async () => classes);
  const pvc = obj({ spec: {} });
  await plugin.admit!('create', info('', 'persistentvolumeclaims'), pvc, null, create);
  assert.equal((pvc['spec'] as { storageClassName: string }).storageClassName, 'new');
  const none = obj({ spec: { storageClassName: '' } });
  await plugin.admit!('create', info('', 'persistentvolumeclaims'), none, null, create);
  assert.equal((none['spec'] as { storageClassName: string }).storageClassName, '');

  const ingressPlugin = defaultIngressClass(async () => [({ metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }) as KubeObject]);
  const ing = obj({ spec: {} });
  await ingressPlugin.admit!('create', info('networking.k8s.io', 'ingresses'), ing, null, create);
  assert.equal((ing['spec'] as { ingressClassName: string }).ingressClassName, 'nginx');
  const legacy = obj({ metadata: { name: 'l', annotations: { 'kubernetes.io/ingress.class': 'traefik' } }, spec: {} });
  await ingressPlugin.admit!('create', info('networking.k8s.io', 'ingresses'), legacy, null, create);
  assert.equal((legacy['spec'] as { ingressClassName?: string }).ingressClassName, undefined);
});

test('Priority: from the class, the global default, or 0; unknown classes and mismatches refused', async () => {
  const classes = [
    ({ metadata: { name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }) as KubeObject,
    ({ metadata: { name: 'batch' }, value: 100, preemptionPolicy: 'Never' }) as KubeObject,
  ];
  const plugin = priority(async () => classes);
  const pods = info('', 'pods');
  const plain = obj({ spec: {} });
  await plugin.admit!('create', pods, plain, null, create);
  assert.deepEqual(plain['spec'], { priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  const critical = obj({ spec: { priorityClassName: 'system-node-critical' } });
  await plugin.admit!('create', pods, critical, null, create);
  assert.deepEqual(critical['spec'], { priorityClassName: 'system-node-critical', priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' });
  await assert.rejects(plugin.admit!('create', pods, obj({ spec: { priorityClassName: 'nope' } }), null, create), (e: unknown) => isApiError(e) && e.code === 403 && /no PriorityClass with name nope was found/.test(e.message));
  await assert.rejects(plugin.admit!('create', pods, obj({ spec: { priorityClassName: 'batch', priority: 5 } }), null, create), /the integer value of priority \(5\) must not be provided/);

  const withDefault = priority(async () => [...classes, ({ metadata: { name: 'normal' }, value: 10, globalDefault: true }) as KubeObject]);
  const defaulted = obj({ spec: {} });
  await withDefault.admit!('create', pods, defaulted, null, create);
  assert.deepEqual([(defaulted['spec'] as { priorityClassName: string }).priorityClassName, (defaulted['spec'] as { priority: number }).priority], ['normal', 10]);
  await assert.rejects(withDefault.admit!('create', info('scheduling.k8s.io', 'priorityclasses'), obj({ metadata: { name: 'second' }, value: 1, globalDefault: true }), null, create),
    /PriorityClass normal is already marked as default. Only one default can exist/);

  const updated = obj({ spec: {} });
  await plugin.admit!('update', pods, updated, obj({ spec: { priority: 7, preemptionPolicy: 'Never' } }), create);
  assert.deepEqual(updated['spec'], { priority: 7, preemptionPolicy: 'Never' });
});

test('RuntimeClass: must exist; overhead and scheduling come from it', async () => {
  const { runtimeClass } = await import('../../src/admission/runtime-class.js');
  const rc = ({ metadata: { name: 'gvisor' }, handler: 'runsc', overhead: { podFixed: { cpu: '250m' } }, scheduling: { nodeSelector: { sandbox: 'yes' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] } }) as unknown as KubeObject;
  const plugin = runtimeClass(async name => (name === 'gvisor' ? rc : null));
  const pods = info('', 'pods');
  const pod = obj({ spec: { runtimeClassName: 'gvisor', nodeSelector: { zone: 'a' } } });
  await plugin.admit!('create', pods, pod, null, create);
  assert.deepEqual(pod['spec'], { runtimeClassName: 'gvisor', nodeSelector: { zone: 'a', sandbox: 'yes' }, overhead: { cpu: '250m' }, tolerations: [{ key: 'sandbox', operator: 'Exists' }] });
  await assert.rejects(plugin.admit!('create', pods, obj({ spec: { runtimeClassName: 'kata' } }), null, create), /pod rejected: RuntimeClass "kata" not found/);
  await assert.rejects(plugin.admit!('create', pods, obj({ spec: { runtimeClassName: 'gvisor', nodeSelector: { sandbox: 'no' } } }), null, create),
    /conflict: runtimeClass.scheduling.nodeSelector\[sandbox\] = yes; pod.spec.nodeSelector\[sandbox\] = no/);
  await assert.rejects(plugin.admit!('create', pods, obj({ spec: { runtimeClassName: 'gvisor', overhead: { cpu: '1' } } }), null, create), /Overhead doesn't match/);
});

test('LimitRanger: Container defaults with the annotation, then Container and PVC bounds', async () => {
  const { limitRanger } = await import('../../src/admission/limit-ranger.js');
  const range = ({ metadata: { name: 'limits', namespace: 'default' }, spec: { limits: [
    { type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' }, min: { cpu: '50m' }, max: { cpu: '1' } },
    { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } },
  ] } }) as unknown as KubeObject;
  const plugin = limitRanger(async ns => (ns === 'default' ? [range] : []));
  const pods = info('', 'pods');
  const pod = obj({ spec: { containers: [{ name: 'app', resources: { limits: { memory: '128Mi' } } }], initContainers: [{ name: 'init' }] } });
  await plugin.admit!('create', pods, pod, null, create);
  const spec = pod['spec'] as { containers: { resources: unknown }[]; initContainers: { resources: unknown }[] };
  assert.deepEqual(spec.containers[0]!.resources, { limits: { memory: '128Mi', cpu: '500m' }, requests: { cpu: '100m' } });
  assert.deepEqual(spec.initContainers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
  assert.equal(pod.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu request for container app; cpu limit for container app; cpu request for init container init; cpu, memory limit for init container init');
  await plugin.validate!('create', pods, pod, null, create);

  const greedy = obj({ spec: { containers: [{ name: 'big', resources: { requests: { cpu: '10m' }, limits: { cpu: '2' } } }] } });
  await assert.rejects(plugin.validate!('create', pods, greedy, null, create), (e: unknown) => isApiError(e) && e.code === 403
    && e.message === 'pods "x" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m, maximum cpu usage per Container is 1, but limit is 2]');

  const pvcs = info('', 'persistentvolumeclaims');
  await plugin.validate!('create', pvcs, obj({ spec: { resources: { requests: { storage: '5Gi' } } } }), null, create);
  await assert.rejects(plugin.validate!('create', pvcs, obj({ spec: { resources: { requests: { storage: '20Gi' } } } }), null, create),
    /maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi/);
  await plugin.validate!('create', pods, obj({ metadata: { name: 'elsewhere', namespace: 'other' }, spec: { containers: [{ name: 'c' }] } }), null, create);

  const ratio = limitRanger(async () => [({ metadata: { name: 'r' }, spec: { limits: [{ type: 'Container', maxLimitRequestRatio: { memory: '2' } }] } }) as unknown as KubeObject]);
  await ratio.validate!('create', pods, obj({ spec: { containers: [{ name: 'c', resources: { requests: { memory: '1Gi' }, limits: { memory: '2Gi' } } }] } }), null, create);
  await assert.rejects(ratio.validate!('create', pods, obj({ spec: { containers: [{ name: 'c', resources: { requests: { memory: '1Gi' }, limits: { memory: '3Gi' } } }] } }), null, create),
    /memory max limit to request ratio per Container is 2, but provided ratio is 3.000000/);
  await assert.rejects(ratio.validate!('create', pods, obj({ spec: { containers: [{ name: 'c', resources: { limits: { memory: '3Gi' } } }] } }), null, create),
    /memory max limit to request ratio per Container is 2, but no request is specified or request is 0/);
});

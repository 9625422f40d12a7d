import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, errors } from '../../src/api/errors.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';
import type { QuotaAccessor } from '../../src/admission/resource-quota/controller.js';
import type { ResourceQuota } from '../../src/admission/resource-quota/evaluator.js';
import { resourceQuota } from '../../src/admission/resource-quota/plugin.js';
import { quotaAccessor } from '../../src/admission/resource-quota/quota-access.js';

const info = (resource: string, group = '', namespaced = true) => ({ group, resource, namespaced } as ResourceInfo);
const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>, spec: ResourceQuota['spec'] = {}): ResourceQuota => ({
  metadata: { name, namespace: 'ns', resourceVersion: '1' }, spec: { hard, ...spec }, status: { hard, ...(used ? { used } : {}) },
});
const obj = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: 'ns' }, ...extra });
const pod = (name: string, containers: unknown[], extra: Record<string, unknown> = {}) => obj(name, { spec: { containers, ...extra } });

/** An in-memory accessor whose writes compare-and-swap on resourceVersion. */
function memoryAccessor(initial: ResourceQuota[], interfere?: (q: ResourceQuota, attempt: number) => ResourceQuota | undefined): QuotaAccessor & { stored: Map<string, ResourceQuota>; writes: number } {
  const stored = new Map(initial.map(q => [q.metadata.name!, structuredClone(q)]));
  let attempt = 0;
  const self = {
    stored,
    writes: 0,
    async getQuotas() { return [...stored.values()].map(q => structuredClone(q)); },
    async updateQuotaStatus(q: ResourceQuota) {
      attempt++;
      const bumped = interfere?.(stored.get(q.metadata.name!)!, attempt);
      if (bumped) stored.set(q.metadata.name!, bumped);
      const cur = stored.get(q.metadata.name!)!;
      if (cur.metadata.resourceVersion !== q.metadata.resourceVersion) {
        throw errors.conflict({ group: '', resource: 'resourcequotas', name: q.metadata.name! }, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      self.writes++;
      stored.set(q.metadata.name!, { ...structuredClone(q), metadata: { ...q.metadata, resourceVersion: String(Number(cur.metadata.resourceVersion) + 1) } });
    },
  };
  return self;
}

async function refusal(p: Promise<void>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail('expected a refusal');
}

const create = { dryRun: false };

test('charges each create and refuses the one past the limit with upstream message', async () => {
  const acc = memoryAccessor([quota('q', { pods: '2', configmaps: '1' }, { pods: '1', configmaps: '0' })]);
  const plugin = resourceQuota({ accessor: acc });
  const c1 = pod('a', [{ name: 'c' }]);
  await plugin.validate!('create', info('pods'), c1, null, create);
  assert.deepEqual(acc.stored.get('q')!.status!.used, { pods: '2', configmaps: '0' });
  const e = await refusal(plugin.validate!('create', info('pods'), pod('b', [{ name: 'c' }]), null, create));
  assert.equal(e.code, 403);
  assert.equal(e.message, 'pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  assert.deepEqual(e.toStatus().details, { name: 'b', kind: 'pods' });
  // A configmap is charged to configmaps too; deletes are never refunded by admission.
  await plugin.validate!('create', info('configmaps'), obj('cm'), null, create);
  await plugin.validate!('delete', info('configmaps'), obj('cm'), null, create);
  assert.equal(acc.stored.get('q')!.status!.used!['configmaps'], '1');
});

test('status unknown until the quota controller has recorded usage', async () => {
  const plugin = resourceQuota({ accessor: memoryAccessor([quota('q', { configmaps: '5', 'count/secrets': '1' })]) });
  const e = await refusal(plugin.validate!('create', info('configmaps'), obj('cm'), null, create));
  assert.equal(e.message, 'configmaps "cm" is forbidden: status unknown for quota: q, resources: configmaps');
  // A quota without status.hard does not match anything yet.
  const pending: ResourceQuota = { metadata: { name: 'q', namespace: 'ns', resourceVersion: '1' }, spec: { hard: { configmaps: '1' } } };
  await resourceQuota({ accessor: memoryAccessor([pending]) }).validate!('create', info('configmaps'), obj('cm'), null, create);
});

test('failed quota: cpu and memory must be stated by every container', async () => {
  const plugin = resourceQuota({ accessor: memoryAccessor([quota('q', { 'limits.cpu': '2', 'requests.memory': '1Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' })]) });
  const e = await refusal(plugin.validate!('create', info('pods'), pod('p', [{ name: 'c', resources: { limits: { cpu: '1' } } }, { name: 'd' }]), null, create));
  assert.equal(e.message, 'pods "p" is forbidden: failed quota: q: must specify limits.cpu for: d; requests.memory for: c,d');
});

test('scoped quotas charge only the pods they select', async () => {
  const acc = memoryAccessor([
    quota('best', { pods: '1' }, { pods: '0' }, { scopes: ['BestEffort'] }),
    quota('high', { pods: '5' }, { pods: '0' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }),
  ]);
  const plugin = resourceQuota({ accessor: acc });
  await plugin.validate!('create', info('pods'), pod('a', [{ name: 'c' }], { priorityClassName: 'high' }), null, create);
  await plugin.validate!('create', info('pods'), pod('b', [{ name: 'c', resources: { requests: { cpu: '1' } } }]), null, create);
  assert.equal(acc.stored.get('best')!.status!.used!['pods'], '1');
  assert.equal(acc.stored.get('high')!.status!.used!['pods'], '1');
  const e = await refusal(plugin.validate!('create', info('pods'), pod('c', [{ name: 'c' }]), null, create));
  assert.match(e.message, /exceeded quota: best, requested: pods=1, used: pods=1, limited: pods=1$/);
});

test('updates charge only what grows; dry runs are checked but never charged', async () => {
  const acc = memoryAccessor([quota('q', { 'services.loadbalancers': '1', services: '5' }, { 'services.loadbalancers': '0', services: '1' })]);
  const plugin = resourceQuota({ accessor: acc });
  const old = { ...obj('s', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }), metadata: { name: 's', namespace: 'ns', resourceVersion: '7' } };
  const lb = obj('s', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  await plugin.validate!('update', info('services'), lb, old, { dryRun: true });
  assert.equal(acc.writes, 0);
  await plugin.validate!('update', info('services'), lb, old, create);
  assert.deepEqual(acc.stored.get('q')!.status!.used, { 'services.loadbalancers': '1', services: '1' });
  const e = await refusal(plugin.validate!('create', info('services'), obj('t', { spec: { type: 'LoadBalancer', ports: [] } }), null, { dryRun: true }));
  assert.match(e.message, /^services "t" is forbidden: exceeded quota: q, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1$/);
});

test('a lost compare-and-swap re-reads the quota and checks again', async () => {
  // Another server charges one pod between our read and our write, twice.
  const other = (q: ResourceQuota, attempt: number) => attempt <= 2
    ? { ...q, metadata: { ...q.metadata, resourceVersion: String(Number(q.metadata.resourceVersion) + 10) }, status: { ...q.status, used: { pods: String(Number(q.status!.used!['pods']) + 1) } } }
    : undefined;
  const acc = memoryAccessor([quota('q', { pods: '3' }, { pods: '0' })], other);
  await resourceQuota({ accessor: acc }).validate!('create', info('pods'), pod('a', [{ name: 'c' }]), null, create);
  assert.equal(acc.stored.get('q')!.status!.used!['pods'], '3');
  assert.equal(acc.writes, 1);
  // With no room left after the others' charges, the retry refuses.
  const full = memoryAccessor([quota('q', { pods: '1' }, { pods: '0' })], other);
  const e = await refusal(resourceQuota({ accessor: full }).validate!('create', info('pods'), pod('b', [{ name: 'c' }]), null, create));
  assert.match(e.message, /exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1/);
});

test('conflicts past the retries fail the request with the last conflict', async () => {
  const always = (q: ResourceQuota) => ({ ...q, metadata: { ...q.metadata, resourceVersion: String(Number(q.metadata.resourceVersion) + 1) } });
  const acc = memoryAccessor([quota('q', { pods: '10' }, { pods: '0' })], always);
  const e = await refusal(resourceQuota({ accessor: acc }).validate!('create', info('pods'), pod('a', [{ name: 'c' }]), null, create));
  assert.equal(e.code, 409);
  assert.equal(acc.writes, 0);
});

test('concurrent requests in one namespace are batched into one status write', async () => {
  const acc = memoryAccessor([quota('q', { configmaps: '10' }, { configmaps: '0' })]);
  const plugin = resourceQuota({ accessor: acc });
  await Promise.all(['a', 'b', 'c', 'd'].map(n => plugin.validate!('create', info('configmaps'), obj(n), null, create)));
  assert.equal(acc.stored.get('q')!.status!.used!['configmaps'], '4');
  assert.ok(acc.writes < 4, `writes: ${acc.writes}`);
});

test('limited resources need a covering quota; cluster-scoped objects are never checked', async () => {
  const plugin = resourceQuota({
    accessor: memoryAccessor([]),
    limitedResources: [{ apiGroup: '', resource: 'persistentvolumeclaims', matchContains: ['.storageclass.storage.k8s.io/requests.storage'], matchScopes: [] }],
  });
  const pvc = obj('c', { spec: { storageClassName: 'gold', resources: { requests: { storage: '1Gi' } } } });
  const e = await refusal(plugin.validate!('create', info('persistentvolumeclaims'), pvc, null, create));
  assert.equal(e.message, 'persistentvolumeclaims "c" is forbidden: insufficient quota to consume: gold.storageclass.storage.k8s.io/requests.storage');
  await plugin.validate!('create', info('persistentvolumeclaims'), obj('d', { spec: { resources: { requests: { storage: '1Gi' } } } }), null, create);
  await plugin.validate!('create', info('namespaces', '', false), { metadata: { name: 'ns' } }, null, create);
  const scoped = resourceQuota({
    accessor: memoryAccessor([]),
    limitedResources: [{ apiGroup: '', resource: 'pods', matchContains: [], matchScopes: [{ scopeName: 'PriorityClass', operator: 'In', values: ['cluster-services'] }] }],
  });
  const s = await refusal(scoped.validate!('create', info('pods'), pod('p', [{ name: 'c' }], { priorityClassName: 'cluster-services' }), null, create));
  assert.equal(s.code, 500);
  assert.equal(s.message, 'insufficient quota to match these scopes: [{PriorityClass In [cluster-services]}]');
});

test('quota access: live list while the informer has not synced, and our own newer writes win', async () => {
  let lists = 0;
  let synced = false;
  const informer: ResourceQuota[] = [];
  const acc = quotaAccessor({
    cached: () => informer,
    hasSynced: () => synced,
    list: async () => { lists++; return [quota('q', { pods: '1' }, { pods: '0' })]; },
    updateStatus: async q => ({ ...q, metadata: { ...q.metadata, resourceVersion: '5' } }),
  });
  const [a, b] = await Promise.all([acc.getQuotas('ns'), acc.getQuotas('ns')]);
  assert.equal(lists, 1);
  assert.equal(a[0]!.metadata.name, 'q');
  assert.notEqual(a[0], b[0]);
  await acc.getQuotas('ns');
  assert.equal(lists, 1, 'the live lookup is cached');
  synced = true;
  assert.deepEqual(await acc.getQuotas('ns'), []);
  informer.push(quota('q', { pods: '1' }, { pods: '0' }));
  await acc.updateQuotaStatus({ ...quota('q', { pods: '1' }, { pods: '1' }) });
  assert.equal((await acc.getQuotas('ns'))[0]!.status!.used!['pods'], '1', 'informer at rv 1 lags our write at rv 5');
  informer[0] = { ...informer[0]!, metadata: { ...informer[0]!.metadata, resourceVersion: '6' } };
  assert.equal((await acc.getQuotas('ns'))[0]!.status!.used!['pods'], '0');
});

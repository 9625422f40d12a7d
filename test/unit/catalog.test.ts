// The generated catalog states upstream 1.32's facts, and the Catalog class indexes entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, builtinCatalog } from '../../src/api/catalog.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';

const catalog = builtinCatalog();

function get(group: string, version: string, resource: string): ResourceInfo {
  const r = catalog.lookup(group, version, resource);
  assert.ok(r, `${group}/${version}/${resource} is in the catalog`);
  return r;
}

test('pods: namespaced, short name po, category all, every subresource upstream serves', () => {
  const pods = get('', 'v1', 'pods');
  assert.equal(pods.kind, 'Pod');
  assert.equal(pods.singularName, 'pod');
  assert.equal(pods.namespaced, true);
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(pods.subresources.map(s => s.name), ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status']);
  const eviction = pods.subresources.find(s => s.name === 'eviction');
  assert.deepEqual(eviction, { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
  assert.equal(pods.etcdPath, 'pods');
  assert.equal(pods.definition, 'io.k8s.api.core.v1.Pod');
  assert.equal(pods.storageVersionHash, 'xPOwRZ+Yhw8=');
});

test("etcd key prefixes keep upstream's special cases", () => {
  assert.equal(get('', 'v1', 'nodes').etcdPath, 'minions');
  assert.equal(get('', 'v1', 'services').etcdPath, 'services/specs');
  assert.equal(get('', 'v1', 'endpoints').etcdPath, 'services/endpoints');
  assert.equal(get('', 'v1', 'replicationcontrollers').etcdPath, 'controllers');
  assert.equal(get('networking.k8s.io', 'v1', 'ingresses').etcdPath, 'ingress');
  assert.equal(get('apiregistration.k8s.io', 'v1', 'apiservices').etcdPath, 'apiregistration.k8s.io/apiservices');
  assert.equal(get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions').etcdPath, 'apiextensions.k8s.io/customresourcedefinitions');
  assert.equal(get('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas').etcdPath, 'flowschemas');
  assert.equal(get('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies').etcdPath, 'validatingadmissionpolicies');
});

test('virtual resources are listed with their real verbs and no storage', () => {
  const tr = get('authentication.k8s.io', 'v1', 'tokenreviews');
  assert.deepEqual(tr.verbs, ['create']);
  assert.equal(tr.etcdPath, '');
  assert.equal(tr.storageVersionHash, undefined);
  assert.deepEqual(get('', 'v1', 'componentstatuses').verbs, ['get', 'list']);
  assert.deepEqual(get('', 'v1', 'bindings').verbs, ['create']);
  assert.deepEqual(get('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews').verbs, ['create']);
});

test('flowcontrol.apiserver.k8s.io serves v1 only (GA 1.29; the betas are gone in 1.32)', () => {
  for (const resource of ['flowschemas', 'prioritylevelconfigurations']) {
    const r = get('flowcontrol.apiserver.k8s.io', 'v1', resource);
    assert.equal(r.namespaced, false);
    assert.equal(r.preferred, true);
    assert.equal(r.storageVersion, 'v1');
    assert.deepEqual(r.subresources, [{ name: 'status', kind: r.kind, verbs: ['get', 'patch', 'update'] }]);
    assert.equal(catalog.lookup('flowcontrol.apiserver.k8s.io', 'v1beta3', resource), undefined);
    assert.equal(catalog.lookup('flowcontrol.apiserver.k8s.io', 'v1beta2', resource), undefined);
  }
  // pkg/controlplane/storageversionhashdata: sha256 of "<group>/v1/<Kind>".
  assert.equal(get('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas').storageVersionHash, 'GJVAJZSZBIw=');
  assert.equal(get('flowcontrol.apiserver.k8s.io', 'v1', 'prioritylevelconfigurations').storageVersionHash, 'Kir5PVfvNeI=');
  assert.equal(get('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas').definition, 'io.k8s.api.flowcontrol.v1.FlowSchema');
});

test('ValidatingAdmissionPolicy and its binding are served at admissionregistration.k8s.io/v1', () => {
  const vap = get('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies');
  assert.equal(vap.kind, 'ValidatingAdmissionPolicy');
  assert.deepEqual(vap.categories, ['api-extensions']);
  assert.deepEqual(vap.shortNames, []);
  assert.deepEqual(vap.subresources.map(s => s.name), ['status']);
  assert.equal(vap.storageVersionHash, '6OxvlMmQ6is=');
  const binding = get('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings');
  assert.equal(binding.singularName, 'validatingadmissionpolicybinding');
  assert.deepEqual(binding.subresources, []);
  assert.equal(binding.definition, 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding');
});

test('no alpha or beta version is served', () => {
  const prerelease = catalog.all().filter(r => /alpha|beta/.test(r.version));
  assert.deepEqual(prerelease, []);
});

test('deployments have status and scale; scale is autoscaling/v1 Scale', () => {
  const d = get('apps', 'v1', 'deployments');
  assert.deepEqual(d.subresources, [
    { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
    { name: 'status', kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
  ]);
  assert.deepEqual(d.shortNames, ['deploy']);
});

test('storage versions: HPAs at autoscaling/v2, events.k8s.io Events as core v1, CRDs at v1beta1, EndpointSlices at v1', () => {
  for (const v of ['v1', 'v2']) {
    const hpa = get('autoscaling', v, 'horizontalpodautoscalers');
    assert.equal(hpa.storageVersion, 'v2');
    assert.equal(hpa.storageGroup, undefined);
    assert.equal(hpa.storageVersionHash, 'qwQve8ut294=');
  }
  const events = get('events.k8s.io', 'v1', 'events');
  assert.equal(events.storageGroup, '');
  assert.equal(events.storageVersion, 'v1');
  assert.equal(events.etcdPath, get('', 'v1', 'events').etcdPath);
  assert.equal(get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions').storageVersion, 'v1beta1');
  assert.equal(get('discovery.k8s.io', 'v1', 'endpointslices').storageVersionHash, 'qgS0xkrxYAI=');
});

test('groups: core first, then /apis order; autoscaling prefers v2', () => {
  const groups = catalog.groups();
  assert.deepEqual(groups[0], { name: '', versions: ['v1'], preferredVersion: 'v1' });
  assert.deepEqual(groups.slice(1, 4).map(g => g.name), ['apiregistration.k8s.io', 'apps', 'events.k8s.io']);
  assert.deepEqual(groups.find(g => g.name === 'autoscaling'), { name: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' });
  assert.deepEqual(groups.find(g => g.name === 'flowcontrol.apiserver.k8s.io'), { name: 'flowcontrol.apiserver.k8s.io', versions: ['v1'], preferredVersion: 'v1' });
  assert.equal(groups.length, 20);
  assert.equal(get('autoscaling', 'v1', 'horizontalpodautoscalers').preferred, false);
});

test('resourcesFor and byKind', () => {
  assert.deepEqual(catalog.resourcesFor('apps', 'v1').map(r => r.resource), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  assert.deepEqual(catalog.resourcesFor('apps', 'v1beta1'), []);
  assert.equal(catalog.byKind('', 'v1', 'Node')?.resource, 'nodes');
  assert.equal(catalog.byKind('batch', 'v1', 'CronJob')?.resource, 'cronjobs');
  assert.equal(catalog.byKind('batch', 'v1', 'Pod'), undefined);
});

test('a Catalog built from other entries indexes them and rejects duplicates', () => {
  const widget: ResourceInfo = {
    group: 'example.com', version: 'v1', resource: 'widgets', singularName: 'widget', kind: 'Widget',
    namespaced: true, verbs: ['get', 'list'], shortNames: ['wd'], categories: [], subresources: [],
    etcdPath: 'example.com/widgets', storageVersion: 'v1', definition: 'com.example.v1.Widget', preferred: true,
  };
  const c = new Catalog([...builtinCatalog().all(), widget]);
  assert.equal(c.lookup('example.com', 'v1', 'widgets'), widget);
  assert.equal(c.byKind('example.com', 'v1', 'Widget'), widget);
  assert.deepEqual(c.groups().at(-1), { name: 'example.com', versions: ['v1'], preferredVersion: 'v1' });
  assert.equal(builtinCatalog().lookup('example.com', 'v1', 'widgets'), undefined);
  assert.throws(() => new Catalog([widget, widget]), /duplicate entry/);
});

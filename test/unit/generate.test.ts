// The generator's pure steps (hack/generate/*), on small synthetic documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageVersionHash } from '../../hack/generate/catalog.js';
import { pathServed, promotedPaths, reachableSchemas, withPromotedSchemas } from '../../hack/generate/openapi.js';
import { addPromotedGVKs, promote } from '../../hack/generate/promote.js';
import type { Promotion } from '../../hack/generate/served.js';

const fc: Promotion = { group: 'flowcontrol.apiserver.k8s.io', pkg: 'flowcontrol', from: 'v1beta3', to: 'v1', resources: ['flowschemas'] };

test('promote renames refs, paths, operation IDs, tags and group-version-kinds', () => {
  const item = {
    get: {
      operationId: 'readFlowcontrolApiserverV1beta3FlowSchemaStatus',
      tags: ['flowcontrolApiserver_v1beta3'],
      responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.flowcontrol.v1beta3.FlowSchema' } } },
      'x-kubernetes-group-version-kind': { group: 'flowcontrol.apiserver.k8s.io', kind: 'FlowSchema', version: 'v1beta3' },
    },
  };
  assert.deepEqual(promote({ '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas/{name}/status': item }, fc), {
    '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/{name}/status': {
      get: {
        operationId: 'readFlowcontrolApiserverV1FlowSchemaStatus',
        tags: ['flowcontrolApiserver_v1'],
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.flowcontrol.v1.FlowSchema' } } },
        'x-kubernetes-group-version-kind': { group: 'flowcontrol.apiserver.k8s.io', kind: 'FlowSchema', version: 'v1' },
      },
    },
  });
  // Other groups' versions are left alone.
  assert.deepEqual(promote({ group: 'apps', kind: 'Deployment', version: 'v1beta3' }, fc), { group: 'apps', kind: 'Deployment', version: 'v1beta3' });
});

test('the GA version joins registered-version lists in sorted place', () => {
  const gvks = [
    { group: '', kind: 'DeleteOptions', version: 'v1' },
    { group: 'flowcontrol.apiserver.k8s.io', kind: 'DeleteOptions', version: 'v1beta2' },
    { group: 'flowcontrol.apiserver.k8s.io', kind: 'DeleteOptions', version: 'v1beta3' },
    { group: 'networking.k8s.io', kind: 'DeleteOptions', version: 'v1' },
  ];
  const out = addPromotedGVKs({ 'x-kubernetes-group-version-kind': gvks }, fc) as { 'x-kubernetes-group-version-kind': typeof gvks };
  assert.deepEqual(out['x-kubernetes-group-version-kind'].map(g => `${g.group}/${g.version}`), [
    '/v1', 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3', 'networking.k8s.io/v1',
  ]);
  // A resource's own single-entry list is not touched.
  const own = [{ group: 'flowcontrol.apiserver.k8s.io', kind: 'FlowSchema', version: 'v1beta3' }];
  assert.deepEqual(addPromotedGVKs({ 'x-kubernetes-group-version-kind': own }, fc), { 'x-kubernetes-group-version-kind': own });
});

test('pathServed keeps non-resource paths and served group versions only', () => {
  const served = { groups: new Set(['', 'apps']), groupVersions: new Set(['v1', 'apps/v1']) };
  assert.equal(pathServed('/apis/apps/v1/deployments', served), true);
  assert.equal(pathServed('/apis/apps/v1beta2/deployments', served), false);
  assert.equal(pathServed('/apis/apps/', served), true);
  assert.equal(pathServed('/apis/resource.k8s.io/', served), false);
  assert.equal(pathServed('/api/v1/pods', served), true);
  assert.equal(pathServed('/version/', served), true);
  assert.equal(pathServed('/apis/', served), true);
});

test('promotedPaths takes only the promoted resources, and the version root when the GA version is new', () => {
  const paths = {
    '/apis/flowcontrol.apiserver.k8s.io/v1beta3/': {},
    '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas': {},
    '/apis/flowcontrol.apiserver.k8s.io/v1beta3/watch/flowschemas': {},
    '/apis/flowcontrol.apiserver.k8s.io/v1beta3/othersss': {},
  };
  assert.deepEqual(Object.keys(promotedPaths(paths, fc, false)), [
    '/apis/flowcontrol.apiserver.k8s.io/v1/',
    '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
    '/apis/flowcontrol.apiserver.k8s.io/v1/watch/flowschemas',
  ]);
  assert.ok(!('/apis/flowcontrol.apiserver.k8s.io/v1/' in promotedPaths(paths, fc, true)));
});

test('schemas: promoted ones renamed, existing names kept, unreachable ones pruned', () => {
  const pool = { 'io.k8s.api.flowcontrol.v1.Subject': { type: 'object', mark: 'ga' } };
  const beta = {
    'io.k8s.api.flowcontrol.v1beta3.Subject': { type: 'object', mark: 'beta' },
    'io.k8s.api.flowcontrol.v1beta3.FlowSchemaList': { properties: { items: { items: { $ref: '#/definitions/io.k8s.api.flowcontrol.v1beta3.Subject' } } } },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object' },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Unused': { type: 'object' },
  };
  const merged = withPromotedSchemas(pool, beta, { ...fc, requiredListItems: ['FlowSchemaList'] });
  assert.deepEqual(merged['io.k8s.api.flowcontrol.v1.Subject'], { type: 'object', mark: 'ga' });
  assert.deepEqual(merged['io.k8s.api.flowcontrol.v1.FlowSchemaList'], {
    properties: { items: { items: { $ref: '#/definitions/io.k8s.api.flowcontrol.v1.Subject' } } },
    required: ['items'],
  });
  const reachable = reachableSchemas([{ $ref: '#/definitions/io.k8s.api.flowcontrol.v1.FlowSchemaList' }], merged, '#/definitions/');
  assert.deepEqual(Object.keys(reachable).sort(), ['io.k8s.api.flowcontrol.v1.FlowSchemaList', 'io.k8s.api.flowcontrol.v1.Subject']);
  assert.throws(() => reachableSchemas([{ $ref: '#/definitions/missing' }], merged, '#/definitions/'), /unresolved/);
});

test("storageVersionHash is upstream's (pkg/controlplane/storageversionhashdata)", () => {
  assert.equal(storageVersionHash('', 'v1', 'ConfigMap'), 'qFsyl6wFWjQ=');
  assert.equal(storageVersionHash('autoscaling', 'v2', 'HorizontalPodAutoscaler'), 'qwQve8ut294=');
  assert.equal(storageVersionHash('admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding'), 'v9715VZqakg=');
});

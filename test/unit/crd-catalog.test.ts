// The live catalog's sources, kube-aware version order, and the CRD naming/establishing status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinResources, Catalog } from '../../src/api/catalog.js';
import { compareKubeAwareVersions, sortByKubeAwareVersion } from '../../src/api/version-priority.js';
import { noneConverter } from '../../src/apiextensions/conversion.js';
import { customResourceInfos, storageVersionHash } from '../../src/apiextensions/custom-type.js';
import { desiredStatus } from '../../src/apiextensions/naming.js';
import type { CustomResourceDefinition } from '../../src/apiextensions/types.js';

function crd(name: string, names: Partial<CustomResourceDefinition['spec']['names']>, extra: Partial<CustomResourceDefinition> = {}): CustomResourceDefinition {
  const [plural, ...rest] = name.split('.');
  return {
    metadata: { name, uid: `uid-${name}` },
    spec: {
      group: rest.join('.'), scope: 'Namespaced',
      names: { plural: plural!, singular: plural!.replace(/s$/, ''), kind: 'Thing', listKind: 'ThingList', ...names },
      versions: [{ name: 'v1beta1', served: true, storage: false }, { name: 'v1', served: true, storage: true }, { name: 'v2alpha1', served: false, storage: false }],
    },
    ...extra,
  };
}

test('kube-aware version order: GA, beta, alpha, then the rest lexically', () => {
  assert.deepEqual(sortByKubeAwareVersion(['v1alpha1', 'foo', 'v2beta1', 'v1', 'v11alpha2', 'v2', 'v10', 'bar', 'v12alpha1', 'v1beta2', 'v3beta1']),
    ['v10', 'v2', 'v1', 'v3beta1', 'v2beta1', 'v1beta2', 'v12alpha1', 'v11alpha2', 'v1alpha1', 'bar', 'foo']);
  assert.equal(compareKubeAwareVersions('v1', 'v1'), 0);
});

test('storageVersionHash matches upstream for a built-in kind', () => {
  const deployments = builtinResources().find(r => r.resource === 'deployments' && r.group === 'apps');
  assert.equal(storageVersionHash('apps', 'v1', 'Deployment'), deployments?.storageVersionHash);
});

test('a CRD source: entries per served version, built-ins win, removal and change events', () => {
  const catalog = new Catalog(builtinResources());
  let changes = 0;
  catalog.onChange(() => { changes++; });
  const established = crd('things.example.com', {}, { status: { conditions: [{ type: 'Established', status: 'True' }, { type: 'NamesAccepted', status: 'True' }], acceptedNames: { plural: 'things', singular: 'thing', kind: 'Thing', listKind: 'ThingList' } } });
  const infos = customResourceInfos(established, { converter: noneConverter }, 'v1');
  assert.deepEqual(infos.map(i => i.version), ['v1beta1', 'v1']);
  assert.equal(infos[0]!.etcdPath, 'example.com/things');
  assert.equal(infos[0]!.storageVersion, 'v1');
  const rev = catalog.revision;
  catalog.setSource('crd:things.example.com', infos);
  assert.equal(catalog.revision, rev + 1);
  assert.equal(changes, 1);
  assert.equal(catalog.lookup('example.com', 'v1', 'things')?.custom?.crdName, 'things.example.com');
  const groups = catalog.groups();
  assert.deepEqual(groups.at(-1), { name: 'example.com', versions: ['v1', 'v1beta1'], preferredVersion: 'v1' });
  // A CRD may not shadow a built-in resource.
  const shadow = customResourceInfos({ ...established, spec: { ...established.spec, group: 'apps', names: { ...established.spec.names, plural: 'deployments' } }, status: { ...established.status, acceptedNames: { plural: 'deployments', kind: 'Thing' } } }, { converter: noneConverter }, 'v1');
  catalog.setSource('crd:deployments.apps', shadow);
  assert.equal(catalog.lookup('apps', 'v1', 'deployments')?.custom, undefined);
  catalog.removeSource('crd:things.example.com');
  assert.equal(catalog.lookup('example.com', 'v1', 'things'), undefined);
  assert.equal(catalog.groups().some(g => g.name === 'example.com'), false);
});

test('served but not yet Established: routable, not in discovery', () => {
  const catalog = new Catalog(builtinResources());
  const accepted = crd('things.example.com', {}, { status: { conditions: [{ type: 'NamesAccepted', status: 'True' }] } });
  catalog.setSource('crd:x', customResourceInfos(accepted, { converter: noneConverter }, 'v1'));
  assert.ok(catalog.lookup('example.com', 'v1', 'things'));
  assert.deepEqual(catalog.resourcesFor('example.com', 'v1'), []);
});

test('naming: a fresh CRD gets its names, NamesAccepted and Established', () => {
  const status = desiredStatus(crd('things.example.com', {}), []);
  assert.equal(status?.acceptedNames?.kind, 'Thing');
  assert.deepEqual(status?.conditions?.map(c => [c.type, c.status, c.reason]), [['NamesAccepted', 'True', 'NoConflicts'], ['Established', 'True', 'InitialNamesAccepted']]);
  const settled = crd('things.example.com', {}, { status: status! });
  assert.equal(desiredStatus(settled, []), undefined, 'nothing to write once settled');
});

test('naming: conflicts within a group, last failing check wins, shortNames aggregated', () => {
  const other = crd('others.example.com', {}, { status: { acceptedNames: { plural: 'others', singular: 'other', kind: 'Thing', listKind: 'ThingList', shortNames: ['th', 'tt'] } } });
  const status = desiredStatus(crd('things.example.com', { shortNames: ['th', 'tt'] }), [other]);
  const cond = status?.conditions?.find(c => c.type === 'NamesAccepted');
  assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['False', 'ListKindConflict', '"ThingList" is already in use']);
  assert.equal(status?.conditions?.find(c => c.type === 'Established')?.reason, 'NotAccepted');
  assert.equal(status?.acceptedNames?.plural, 'things', 'names without a conflict are still accepted');
  const shorts = desiredStatus(crd('things.example.com', { shortNames: ['th', 'tt'], kind: 'Other', listKind: 'OtherList' }), [other])?.conditions?.find(c => c.type === 'NamesAccepted');
  assert.deepEqual([shorts?.reason, shorts?.message], ['ShortNamesConflict', '["th" is already in use, "tt" is already in use]']);
  const otherGroup = crd('things.example.org', {});
  assert.equal(desiredStatus(otherGroup, [other])?.conditions?.[0]?.status, 'True', 'other groups do not conflict');
});

test('API approval condition for protected groups', () => {
  const cond = (annotations?: Record<string, string>) => desiredStatus(crd('things.x.k8s.io', {}, { metadata: { name: 'things.x.k8s.io', ...(annotations ? { annotations } : {}) } }), [])
    ?.conditions?.find(c => c.type === 'KubernetesAPIApprovalPolicyConformant');
  assert.deepEqual([cond()?.status, cond()?.reason], ['False', 'MissingAnnotation']);
  assert.deepEqual([cond({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' })?.reason], ['ApprovedAnnotation']);
  assert.deepEqual([cond({ 'api-approved.kubernetes.io': 'unapproved, experimental' })?.reason, cond({ 'api-approved.kubernetes.io': 'unapproved, experimental' })?.message], ['UnapprovedAnnotation', 'not approved: "unapproved, experimental"']);
  assert.equal(cond({ 'api-approved.kubernetes.io': 'nope' })?.reason, 'InvalidAnnotation');
  assert.equal(desiredStatus(crd('things.example.com', {}), [])?.conditions?.some(c => c.type === 'KubernetesAPIApprovalPolicyConformant'), false);
});

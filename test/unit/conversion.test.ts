// Resources served at their storage version are only relabeled; the catalog's other entries all
// have a conversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { fromStorage, needsConversion, toStorage } from '../../src/api/conversion/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';

function info(group: string, version: string, resource: string): ResourceInfo {
  const r = builtinCatalog().lookup(group, version, resource);
  assert.ok(r);
  return r;
}

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default', labels: { app: 'web' }, resourceVersion: '9' },
  data: { mode: 'fast' },
};

test('configmaps: identity both ways, apart from apiVersion/kind', () => {
  const cms = info('', 'v1', 'configmaps');
  assert.equal(needsConversion(cms), false);
  const { apiVersion: _apiVersion, kind: _kind, ...bare } = configMap;
  const stored = toStorage(cms, bare as KubeObject);
  assert.deepEqual(stored, configMap);
  const served = fromStorage(cms, Object.freeze(stored));
  assert.deepEqual(served, configMap);
  assert.notEqual(served, stored);
  assert.notEqual(served.metadata, stored.metadata, 'metadata is a copy, so setting resourceVersion does not reach the stored value');
});

test('every catalog entry served away from its storage version converts both ways', () => {
  for (const r of builtinCatalog().all().filter(needsConversion)) {
    const obj: KubeObject = { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, metadata: { name: 'x' } };
    const stored = toStorage(r, obj);
    const storageGv = (r.storageGroup ?? r.group) ? `${r.storageGroup ?? r.group}/${r.storageVersion}` : r.storageVersion;
    assert.equal(stored.apiVersion, storageGv, `${r.resource} at ${obj.apiVersion}`);
    assert.equal(stored.kind, r.kind);
    const served = fromStorage(r, stored);
    assert.equal(served.apiVersion, obj.apiVersion);
    assert.equal(served.metadata.name, 'x');
  }
});

test('a value stored at a version with no known conversion is relabeled, not refused', () => {
  const pdb = info('policy', 'v1', 'poddisruptionbudgets');
  const old: KubeObject = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1 } };
  assert.deepEqual(fromStorage(pdb, old), { ...old, apiVersion: 'policy/v1' });
});

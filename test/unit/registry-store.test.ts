// The generic store's REST semantics over the in-memory storage backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { namespaceLifecycle } from '../../src/admission/namespace-lifecycle.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { ApiError, isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

function setup() {
  const catalog = builtinCatalog();
  let stores: Stores;
  const admission = new AdmissionChain([namespaceLifecycle(async name => {
    try { return await stores.builtin('', 'namespaces').get('', name); } catch (e) { if (isApiError(e) && e.code === 404) return null; throw e; }
  })]);
  stores = new Stores(catalog, new MemoryStorage(), '/registry', admission);
  return stores;
}

async function rejects(p: Promise<unknown>, code: number, reason: string): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isApiError(e), `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.reason, reason);
    return e;
  }
  assert.fail(`expected ${code} ${reason}`);
}

const deployment = (name: string, image = 'nginx'): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
});

describe('generic store', () => {
  it('creates with server-set metadata; generation only for spec-tracking resources', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cm = await stores.builtin('', 'configmaps').create('ns1', { metadata: { generateName: 'cm-' }, data: { a: '1' } }, { dryRun: false });
    assert.match(cm.metadata.name ?? '', /^cm-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.match(cm.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(String(cm.metadata.creationTimestamp), /Z$/);
    assert.equal(cm.metadata.generation, undefined);
    assert.equal(cm.metadata.namespace, 'ns1');
    assert.equal(cm.apiVersion, 'v1');
    assert.equal(cm.kind, 'ConfigMap');
    const d = await stores.builtin('apps', 'deployments').create('ns1', deployment('d1'), { dryRun: false });
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d['status'], {});
  });

  it('refuses duplicates, missing namespaces and stale updates', async () => {
    const stores = setup();
    const cms = stores.builtin('', 'configmaps');
    await rejects(cms.create('nowhere', { metadata: { name: 'x' } }, { dryRun: false }), 404, 'NotFound');
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const created = await cms.create('ns1', { metadata: { name: 'x' }, data: { a: '1' } }, { dryRun: false });
    const dup = await rejects(cms.create('ns1', { metadata: { name: 'x' } }, { dryRun: false }), 409, 'AlreadyExists');
    assert.equal(dup.message, 'configmaps "x" already exists');
    const stale = { ...created, data: { a: '2' } };
    const { object: updated } = await cms.update('ns1', 'x', '', () => structuredClone(stale), { dryRun: false });
    assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    await rejects(cms.update('ns1', 'x', '', () => structuredClone(stale), { dryRun: false }), 409, 'Conflict');
    // Without a resourceVersion an update is unconditional.
    const free = structuredClone(stale);
    delete free.metadata.resourceVersion;
    const { object: last } = await cms.update('ns1', 'x', '', () => free, { dryRun: false });
    assert.equal(last.metadata.uid, created.metadata.uid);
    assert.equal(last.metadata.creationTimestamp, created.metadata.creationTimestamp);
  });

  it('a no-op update keeps the resourceVersion', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cms = stores.builtin('', 'configmaps');
    const c = await cms.create('ns1', { metadata: { name: 'same' }, data: { a: '1' } }, { dryRun: false });
    const { object } = await cms.update('ns1', 'same', '', cur => cur!, { dryRun: false });
    assert.equal(object.metadata.resourceVersion, c.metadata.resourceVersion);
  });

  it('keeps status on main updates, spec on status updates, and bumps generation on spec changes only', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const ds = stores.builtin('apps', 'deployments');
    await ds.create('ns1', deployment('d'), { dryRun: false });
    const { object: s1 } = await ds.update('ns1', 'd', 'status', cur => ({ ...cur!, status: { replicas: 3 }, spec: { replicas: 99 } }), { dryRun: false });
    assert.deepEqual(s1['status'], { replicas: 3 });
    assert.notEqual((s1['spec'] as { replicas?: number }).replicas, 99);
    assert.equal(s1.metadata.generation, 1);
    const { object: m1 } = await ds.update('ns1', 'd', '', cur => ({ ...cur!, status: { replicas: 0 }, metadata: { ...cur!.metadata, labels: { app: 'd', x: 'y' } } }), { dryRun: false });
    assert.deepEqual(m1['status'], { replicas: 3 });
    assert.equal(m1.metadata.generation, 1, 'a metadata-only change keeps the generation');
    const { object: m2 } = await ds.update('ns1', 'd', '', cur => {
      const next = structuredClone(cur!);
      (next['spec'] as { replicas: number }).replicas = 5;
      return next;
    }, { dryRun: false });
    assert.equal(m2.metadata.generation, 2);
  });

  it('holds deletion for finalizers and deletes when the last one goes', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cms = stores.builtin('', 'configmaps');
    await cms.create('ns1', { metadata: { name: 'f', finalizers: ['example.com/hold'] } }, { dryRun: false });
    const r = await cms.delete('ns1', 'f', { dryRun: false });
    assert.equal(r.deleted, false);
    assert.ok(r.object.metadata.deletionTimestamp);
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
    await rejects(cms.update('ns1', 'f', '', cur => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: ['example.com/hold', 'new'] } }), { dryRun: false }), 403, 'Forbidden');
    await cms.update('ns1', 'f', '', cur => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: [] } }), { dryRun: false });
    await rejects(cms.get('ns1', 'f'), 404, 'NotFound');
  });

  it('checks delete preconditions and adds propagation finalizers', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cms = stores.builtin('', 'configmaps');
    const c = await cms.create('ns1', { metadata: { name: 'p' } }, { dryRun: false });
    await rejects(cms.delete('ns1', 'p', { dryRun: false, preconditions: { uid: 'other' } }), 409, 'Conflict');
    const orphan = await cms.delete('ns1', 'p', { dryRun: false, propagationPolicy: 'Orphan', preconditions: { uid: c.metadata.uid! } });
    assert.equal(orphan.deleted, false);
    assert.deepEqual(orphan.object.metadata.finalizers, ['orphan']);
  });

  it('terminates namespaces until spec.finalizers are empty, and protects system namespaces', async () => {
    const stores = setup();
    const nss = stores.builtin('', 'namespaces');
    await nss.create('', { metadata: { name: 'default' } }, { dryRun: false });
    await rejects(nss.delete('', 'default', { dryRun: false }), 403, 'Forbidden');
    await nss.create('', { metadata: { name: 'gone' }, spec: { finalizers: ['kubernetes'] } }, { dryRun: false });
    const r = await nss.delete('', 'gone', { dryRun: false });
    assert.equal(r.deleted, false);
    assert.equal((r.object['status'] as { phase: string }).phase, 'Terminating');
    await rejects(stores.builtin('', 'configmaps').create('gone', { metadata: { name: 'late' } }, { dryRun: false }), 403, 'Forbidden');
    await nss.update('', 'gone', 'finalize', cur => ({ ...cur!, spec: { finalizers: [] } }), { dryRun: false });
    await rejects(nss.get('', 'gone'), 404, 'NotFound');
  });

  it('dry-run writes nothing', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cms = stores.builtin('', 'configmaps');
    const dry = await cms.create('ns1', { metadata: { name: 'dry' } }, { dryRun: true });
    assert.equal(dry.metadata.name, 'dry');
    await rejects(cms.get('ns1', 'dry'), 404, 'NotFound');
  });

  it('lists with selectors and deletes collections', async () => {
    const stores = setup();
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
    const cms = stores.builtin('', 'configmaps');
    for (let i = 0; i < 6; i++) await cms.create('ns1', { metadata: { name: `c${i}`, labels: { even: String(i % 2 === 0) } } }, { dryRun: false });
    const even = await cms.list('ns1', { labelSelector: 'even=true' });
    assert.deepEqual(even.items.map(o => o.metadata.name), ['c0', 'c2', 'c4']);
    const byName = await cms.list('', { fieldSelector: 'metadata.name=c3' });
    assert.deepEqual(byName.items.map(o => o.metadata.name), ['c3']);
    const page = await cms.list('ns1', { limit: 4 });
    assert.equal(page.items.length, 4);
    assert.equal(page.remainingItemCount, 2);
    assert.ok(page.continue);
    const deleted = await cms.deleteCollection('ns1', { labelSelector: 'even=false' }, { dryRun: false });
    assert.equal(deleted.length, 3);
    assert.deepEqual((await cms.list('ns1', {})).items.map(o => o.metadata.name), ['c0', 'c2', 'c4']);
  });
});

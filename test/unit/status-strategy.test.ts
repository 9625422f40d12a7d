// Status-subresource writes follow each built-in type's upstream status strategy
// (pkg/registry/*/*/strategy.go PrepareForUpdate), and main writes their main strategy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import type { KubeObject } from '../../src/api/types.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

async function setup() {
  const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', new AdmissionChain([]));
  await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
  return stores;
}

const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: '00000000-0000-0000-0000-000000000001' };
const meta = (name: string) => ({ name, labels: { a: '1' }, annotations: { n: '1' } });

/** A status write that also changes labels, annotations, ownerReferences and spec. */
function statusWrite(status: unknown, specPatch: Record<string, unknown>) {
  return (cur: KubeObject | null) => {
    const next = structuredClone(cur!);
    next.metadata.labels = { a: '2', added: 'yes' };
    next.metadata.annotations = { n: '2' };
    next.metadata.ownerReferences = [owner];
    next['spec'] = { ...(next['spec'] as object), ...specPatch };
    next['status'] = status;
    return next;
  };
}

const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

describe('status strategies', () => {
  it('keeps metadata changes where upstream does (replicasets, services): spec only is reset', async () => {
    const stores = await setup();
    const rs = stores.builtin('apps', 'replicasets');
    await rs.create('ns1', { metadata: meta('r'), spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template } }, { dryRun: false });
    const { object } = await rs.update('ns1', 'r', 'status', statusWrite({ replicas: 4 }, { replicas: 9 }), { dryRun: false });
    assert.deepEqual(object.metadata.labels, { a: '2', added: 'yes' });
    assert.deepEqual(object.metadata.annotations, { n: '2' });
    assert.deepEqual(object.metadata.ownerReferences, [owner]);
    assert.equal((object['spec'] as { replicas: number }).replicas, 1);
    assert.equal((object['status'] as { replicas: number }).replicas, 4);
  });

  it('deployments reset labels but keep annotations (deploymentStatusStrategy)', async () => {
    const stores = await setup();
    const ds = stores.builtin('apps', 'deployments');
    await ds.create('ns1', { metadata: meta('d'), spec: { selector: { matchLabels: { app: 'x' } }, template } }, { dryRun: false });
    const { object } = await ds.update('ns1', 'd', 'status', statusWrite({ replicas: 2 }, { paused: true }), { dryRun: false });
    assert.deepEqual(object.metadata.labels, { a: '1' });
    assert.deepEqual(object.metadata.annotations, { n: '2' });
    assert.equal((object['spec'] as { paused?: boolean }).paused, undefined);
  });

  it('pods keep labels, reset ownerReferences and backfill qosClass (podStatusStrategy)', async () => {
    const stores = await setup();
    const pods = stores.builtin('', 'pods');
    await pods.create('ns1', { metadata: meta('p'), spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { dryRun: false });
    const { object } = await pods.update('ns1', 'p', 'status', statusWrite({ phase: 'Running' }, { nodeName: 'n1' }), { dryRun: false });
    assert.deepEqual(object.metadata.labels, { a: '2', added: 'yes' });
    assert.equal(object.metadata.ownerReferences, undefined);
    const spec = object['spec'] as { nodeName?: string };
    assert.equal(spec.nodeName, undefined);
    assert.deepEqual(object['status'], { phase: 'Running', qosClass: 'BestEffort' });
  });

  it('flowschemas keep all metadata but managedFields as stored (flowSchemaStatusStrategy)', async () => {
    const stores = await setup();
    const fs = stores.builtin('flowcontrol.apiserver.k8s.io', 'flowschemas');
    await fs.create('', { metadata: meta('f'), spec: { priorityLevelConfiguration: { name: 'global-default' }, matchingPrecedence: 500 } }, { dryRun: false });
    const { object } = await fs.update('', 'f', 'status', statusWrite({ conditions: [] }, {}), { dryRun: false });
    assert.deepEqual(object.metadata.labels, { a: '1' });
    assert.deepEqual(object.metadata.annotations, { n: '1' });
    assert.equal(object.metadata.ownerReferences, undefined);
  });

  it('volumeattachments use ResetObjectMetaForStatus', async () => {
    const stores = await setup();
    const va = stores.builtin('storage.k8s.io', 'volumeattachments');
    await va.create('', { metadata: meta('v'), spec: { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv1' } } }, { dryRun: false });
    const { object } = await va.update('', 'v', 'status', statusWrite({ attached: true }, {}), { dryRun: false });
    assert.deepEqual(object.metadata.labels, { a: '1' });
    assert.deepEqual(object.metadata.annotations, { n: '1' });
    assert.deepEqual(object['status'], { attached: true });
  });

  it('CSRs: status keeps approval conditions; main updates keep spec; approval keeps metadata changes', async () => {
    const stores = await setup();
    const csrs = stores.builtin('certificates.k8s.io', 'certificatesigningrequests');
    const request = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n').toString('base64');
    await csrs.create('', { metadata: meta('c'), spec: { request, signerName: 'example.com/s', usages: ['digital signature'] } }, { dryRun: false });
    const approved = { conditions: [{ type: 'Approved', status: 'True', reason: 'r', message: 'm' }] };
    const { object: a } = await csrs.update('', 'c', 'approval', statusWrite(approved, {}), { dryRun: false });
    assert.deepEqual(a.metadata.labels, { a: '2', added: 'yes' });
    const { object: s } = await csrs.update('', 'c', 'status', statusWrite({ certificate: 'eA==' }, {}), { dryRun: false });
    assert.equal((s['status'] as { conditions: unknown[] }).conditions.length, 1);
    const { object: m } = await csrs.update('', 'c', '', cur => ({ ...cur!, spec: { ...(cur!['spec'] as object), signerName: 'example.com/other' } }), { dryRun: false });
    assert.equal((m['spec'] as { signerName: string }).signerName, 'example.com/s');
  });

  it('persistentvolumes time phase changes (PersistentVolumeLastPhaseTransitionTime)', async () => {
    const stores = await setup();
    const pvs = stores.builtin('', 'persistentvolumes');
    const pv = await pvs.create('', { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv' } } }, { dryRun: false });
    const created = pv['status'] as { phase: string; lastPhaseTransitionTime: string };
    assert.equal(created.phase, 'Pending');
    assert.match(created.lastPhaseTransitionTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const { object: same } = await pvs.update('', 'pv', 'status', cur => ({ ...cur!, status: { phase: 'Pending' } }), { dryRun: false });
    assert.equal((same['status'] as { lastPhaseTransitionTime: string }).lastPhaseTransitionTime, created.lastPhaseTransitionTime);
    const { object: moved } = await pvs.update('', 'pv', 'status', cur => ({ ...cur!, status: { ...(cur!['status'] as object), phase: 'Available' } }), { dryRun: false });
    assert.match((moved['status'] as { lastPhaseTransitionTime: string }).lastPhaseTransitionTime, /Z$/);
    const { object: timed } = await pvs.update('', 'pv', 'status', cur => ({ ...cur!, status: { phase: 'Released', lastPhaseTransitionTime: '2020-01-01T00:00:00Z' } }), { dryRun: false });
    assert.equal((timed['status'] as { lastPhaseTransitionTime: string }).lastPhaseTransitionTime, '2020-01-01T00:00:00Z');
  });

  it('deployment annotation changes bump generation on main writes only (deploymentStrategy)', async () => {
    const stores = await setup();
    const ds = stores.builtin('apps', 'deployments');
    await ds.create('ns1', { metadata: meta('ga'), spec: { selector: { matchLabels: { app: 'x' } }, template } }, { dryRun: false });
    const annotate = (v: string) => (cur: KubeObject | null) => ({ ...cur!, metadata: { ...cur!.metadata, annotations: { n: v } } });
    assert.equal((await ds.update('ns1', 'ga', 'status', annotate('2'), { dryRun: false })).object.metadata.generation, 1);
    assert.equal((await ds.update('ns1', 'ga', '', annotate('3'), { dryRun: false })).object.metadata.generation, 2);
    const labelled = await ds.update('ns1', 'ga', '', cur => ({ ...cur!, metadata: { ...cur!.metadata, labels: { a: '9' } } }), { dryRun: false });
    assert.equal(labelled.object.metadata.generation, 2);
  });

  it('keeps identity, timestamps and generation on status writes', async () => {
    const stores = await setup();
    const ds = stores.builtin('apps', 'deployments');
    const d = await ds.create('ns1', { metadata: meta('g'), spec: { selector: { matchLabels: { app: 'x' } }, template } }, { dryRun: false });
    const { object } = await ds.update('ns1', 'g', 'status', cur => {
      const next = statusWrite({ replicas: 1 }, {})(cur);
      next.metadata.generation = 7;
      delete next.metadata.uid;
      next.metadata.creationTimestamp = null;
      return next;
    }, { dryRun: false });
    assert.equal(object.metadata.generation, 1);
    assert.equal(object.metadata.uid, d.metadata.uid);
    assert.equal(object.metadata.creationTimestamp, d.metadata.creationTimestamp);
  });
});

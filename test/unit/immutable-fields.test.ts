// Update validation refuses changes to the fields upstream's ValidateXUpdate fixes at create
// (pkg/apis/{scheduling,storage,node,networking,discovery,apps,core}/validation), with its 422 text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

async function setup() {
  const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', new AdmissionChain([]));
  await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
  return stores;
}

/** Creates `obj`, applies `change` as an update and returns the 422 message. */
async function refused(group: string, resource: string, namespace: string, obj: KubeObject, change: (o: KubeObject) => void): Promise<string> {
  const stores = await setup();
  const store = stores.builtin(group, resource);
  await store.create(namespace, obj, { dryRun: false });
  try {
    await store.update(namespace, obj.metadata.name!, '', cur => {
      const next = structuredClone(cur!);
      change(next);
      return next;
    }, { dryRun: false });
  } catch (e) {
    assert.ok(isApiError(e));
    assert.equal(e.code, 422, e.message);
    return e.message;
  }
  assert.fail('update was accepted');
}

describe('immutable fields on update', () => {
  it('PriorityClass value and preemptionPolicy', async () => {
    const msg = await refused('scheduling.k8s.io', 'priorityclasses', '', { metadata: { name: 'pc' }, value: 1000 } as KubeObject, o => {
      o['value'] = 2000;
      o['preemptionPolicy'] = 'Never';
    });
    assert.equal(msg, 'PriorityClass.scheduling.k8s.io "pc" is invalid: [value: Forbidden: may not be changed in an update., preemptionPolicy: Invalid value: "Never": field is immutable]');
  });

  it('StorageClass provisioner, parameters, reclaimPolicy and volumeBindingMode', async () => {
    const msg = await refused('storage.k8s.io', 'storageclasses', '', { metadata: { name: 'sc' }, provisioner: 'example.com/a', parameters: { k: 'v' } } as KubeObject, o => {
      o['provisioner'] = 'example.com/b';
      o['parameters'] = { k: 'w' };
      o['reclaimPolicy'] = 'Retain';
      o['volumeBindingMode'] = 'WaitForFirstConsumer';
    });
    assert.equal(msg, 'StorageClass.storage.k8s.io "sc" is invalid: [parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable]');
  });

  it('IngressClass controller, RuntimeClass handler, EndpointSlice addressType', async () => {
    assert.equal(await refused('networking.k8s.io', 'ingressclasses', '', { metadata: { name: 'ic' }, spec: { controller: 'example.com/a' } } as KubeObject, o => {
      o['spec'] = { controller: 'example.com/b' };
    }), 'IngressClass.networking.k8s.io "ic" is invalid: spec.controller: Invalid value: "example.com/b": field is immutable');
    assert.equal(await refused('node.k8s.io', 'runtimeclasses', '', { metadata: { name: 'rc' }, handler: 'runc' } as KubeObject, o => {
      o['handler'] = 'kata';
    }), 'RuntimeClass.node.k8s.io "rc" is invalid: handler: Invalid value: "kata": field is immutable');
    assert.equal(await refused('discovery.k8s.io', 'endpointslices', 'ns1', { metadata: { name: 'es' }, addressType: 'IPv4', endpoints: [] } as KubeObject, o => {
      o['addressType'] = 'IPv6';
    }), 'EndpointSlice.discovery.k8s.io "es" is invalid: addressType: Invalid value: "IPv6": field is immutable');
  });

  it('CSIDriver attachRequired (upstream path spec.attachedRequired)', async () => {
    const msg = await refused('storage.k8s.io', 'csidrivers', '', { metadata: { name: 'csi.example.com' }, spec: { attachRequired: true } } as KubeObject, o => {
      (o['spec'] as { attachRequired: boolean }).attachRequired = false;
    });
    assert.equal(msg, 'CSIDriver.storage.k8s.io "csi.example.com" is invalid: spec.attachedRequired: Invalid value: false: field is immutable');
  });

  it('ResourceQuota scopes and ControllerRevision data', async () => {
    assert.equal(await refused('', 'resourcequotas', 'ns1', { metadata: { name: 'q' }, spec: { scopes: ['BestEffort'] } } as KubeObject, o => {
      o['spec'] = { scopes: ['NotBestEffort'] };
    }), 'ResourceQuota "q" is invalid: spec.scopes: Invalid value: []core.ResourceQuotaScope{"NotBestEffort"}: field is immutable');
    const msg = await refused('apps', 'controllerrevisions', 'ns1', { metadata: { name: 'cr' }, revision: 1, data: { a: 1 } } as KubeObject, o => {
      o['data'] = { a: 2 };
    });
    assert.match(msg, /^ControllerRevision.apps "cr" is invalid: data: Invalid value: runtime.RawExtension\{Raw:\[\]uint8\{0x7b, .*\}, Object:runtime.Object\(nil\)\}: field is immutable$/);
  });

  it('PersistentVolume source and volumeMode (upstream path "volumeMode")', async () => {
    const msg = await refused('', 'persistentvolumes', '', {
      metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/a' } },
    } as KubeObject, o => {
      (o['spec'] as Record<string, unknown>)['hostPath'] = { path: '/b' };
      (o['spec'] as Record<string, unknown>)['volumeMode'] = 'Block';
    });
    assert.match(msg, /^PersistentVolume "pv" is invalid: \[spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n/);
    assert.match(msg, /, volumeMode: Invalid value: "Block": field is immutable\]$/);
  });

  it('CertificateSigningRequest decisions and issued certificates stay', async () => {
    const stores = await setup();
    const csrs = stores.builtin('certificates.k8s.io', 'certificatesigningrequests');
    const request = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n').toString('base64');
    await csrs.create('', { metadata: { name: 'c' }, spec: { request, signerName: 'example.com/s', usages: ['digital signature'] } } as KubeObject, { dryRun: false });
    const approved = [{ type: 'Approved', status: 'True', reason: 'r', message: 'm' }];
    await csrs.update('', 'c', 'approval', cur => ({ ...cur!, status: { conditions: approved } }), { dryRun: false });
    await csrs.update('', 'c', 'status', cur => ({ ...cur!, status: { ...(cur!['status'] as object), certificate: 'eA==' } }), { dryRun: false });
    const errs: string[] = [];
    for (const [sub, status] of [['approval', { conditions: [] }], ['status', { conditions: approved, certificate: 'eQ==' }]] as const) {
      try {
        await csrs.update('', 'c', sub, cur => ({ ...cur!, status: { ...(cur!['status'] as object), ...status } }), { dryRun: false });
      } catch (e) {
        assert.ok(isApiError(e) && e.code === 422);
        errs.push(e.message);
      }
    }
    assert.deepEqual(errs, [
      'CertificateSigningRequest.certificates.k8s.io "c" is invalid: status.conditions: Forbidden: updates may not remove a condition of type "Approved"',
      'CertificateSigningRequest.certificates.k8s.io "c" is invalid: status.certificate: Forbidden: updates may not modify existing certificate content',
    ]);
  });

  it('events.k8s.io Event: paths name the core fields; the message drops the repeated reason', async () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2024-01-01T00:00:00.000000Z',
      reportingController: 'example.com/c', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal',
      regarding: { kind: 'Pod', name: 'p', namespace: 'ns1' },
    } as KubeObject;
    const msg = await refused('events.k8s.io', 'events', 'ns1', ev, o => {
      o['reason'] = 'S';
      o['note'] = 'changed';
    });
    // Upstream checks reason twice; ErrorList.ToAggregate drops the repeat from the message.
    assert.equal(msg, 'Event.events.k8s.io "e" is invalid: [reason: Invalid value: "S": field is immutable, message: Invalid value: "changed": field is immutable]');
  });
});

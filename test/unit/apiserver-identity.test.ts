// API server identity leases: renewal writes upstream's shape; garbage collection removes only
// leases nobody renewed within their duration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { ApiServerIdentity, IDENTITY_LABEL } from '../../src/controllers/apiserver-identity.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

describe('apiserver identity leases', () => {
  it('renews its own lease and collects stale ones', async () => {
    const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', new AdmissionChain([]));
    await stores.builtin('', 'namespaces').create('', { metadata: { name: 'kube-system' } }, { dryRun: false });
    const leases = stores.builtin('coordination.k8s.io', 'leases');
    const me = new ApiServerIdentity(leases, 'host-a');
    await me.renewOnce();
    const mine = await leases.get('kube-system', me.leaseName);
    assert.match(me.leaseName, /^apiserver-[a-z2-7]+$/);
    assert.equal(mine.metadata.labels?.[IDENTITY_LABEL], 'kube-apiserver');
    const spec = mine['spec'] as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
    assert.equal(spec.holderIdentity, me.holderIdentity);
    assert.equal(spec.leaseDurationSeconds, 3600);
    await leases.create('kube-system', {
      metadata: { name: 'apiserver-stale', labels: { [IDENTITY_LABEL]: 'kube-apiserver' } },
      spec: { holderIdentity: 'gone', leaseDurationSeconds: 3600, renewTime: '2020-01-01T00:00:00.000000Z' },
    }, { dryRun: false });
    await leases.create('kube-system', { metadata: { name: 'not-identity' }, spec: { holderIdentity: 'x', leaseDurationSeconds: 1, renewTime: '2020-01-01T00:00:00.000000Z' } }, { dryRun: false });
    await me.collectGarbage();
    const names = (await leases.list('kube-system', {})).items.map(l => l.metadata.name).sort();
    assert.deepEqual(names, [me.leaseName, 'not-identity'].sort());
  });
});

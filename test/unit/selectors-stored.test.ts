// Field selectors run against stored objects: an events.k8s.io/v1 Event is stored as a core/v1
// Event, and upstream's ToSelectableFields (pkg/registry/core/event/strategy.go) falls back from
// source.component to the reporting controller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

async function setup() {
  const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', new AdmissionChain([]));
  await stores.builtin('', 'namespaces').create('', { metadata: { name: 'ns1' } }, { dryRun: false });
  await stores.builtin('events.k8s.io', 'events').create('ns1', {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1' },
    eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'example.com/ctl', reportingInstance: 'i1',
    action: 'Test', reason: 'Testing', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: 'ns1' },
  }, { dryRun: false });
  return stores;
}

const names = (items: { metadata: { name?: string } }[]) => items.map(i => i.metadata.name);

describe('field selectors on stored objects', () => {
  it('finds an events.k8s.io Event by source, regarding and reportingController', async () => {
    const stores = await setup();
    const v1 = stores.builtin('events.k8s.io', 'events');
    for (const sel of ['source=example.com/ctl', 'regarding.name=p,regarding.kind=Pod', 'reportingController=example.com/ctl', 'type=Normal,reason=Testing']) {
      assert.deepEqual(names((await v1.list('ns1', { fieldSelector: sel })).items), ['e1'], sel);
    }
    assert.deepEqual(names((await v1.list('ns1', { fieldSelector: 'source=other' })).items), []);
  });

  it('finds the same Event through core/v1 by source and reportingComponent', async () => {
    const stores = await setup();
    const core = stores.builtin('', 'events');
    for (const sel of ['source=example.com/ctl', 'reportingComponent=example.com/ctl', 'involvedObject.name=p']) {
      assert.deepEqual(names((await core.list('ns1', { fieldSelector: sel })).items), ['e1'], sel);
    }
  });
});

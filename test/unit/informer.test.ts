// The in-process informer keeps a faithful copy of a store, across a compaction-forced relist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { Informer } from '../../src/registry/informer.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise(r => setTimeout(r, 10));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

describe('informer', () => {
  it('lists, follows changes, and relists after its watch ends', async () => {
    const storage = new MemoryStorage();
    const stores = new Stores(builtinCatalog(), storage, '/registry', new AdmissionChain([]));
    const ns = stores.builtin('', 'namespaces');
    await ns.create('', { metadata: { name: 'a' } }, { dryRun: false });
    const inf = new Informer(ns, 20);
    const seen: string[] = [];
    inf.onEvent((t, o) => seen.push(`${t} ${o.metadata.name}`));
    await inf.start();
    assert.ok(inf.get('', 'a'));
    await ns.create('', { metadata: { name: 'b' } }, { dryRun: false });
    await until(() => inf.get('', 'b') !== undefined, 'b');
    await ns.update('', 'b', '', cur => ({ ...cur!, metadata: { ...cur!.metadata, labels: { x: 'y' } } }), { dryRun: false });
    await until(() => inf.get('', 'b')?.metadata.labels?.['x'] === 'y', 'label on b');
    await ns.delete('', 'a', { dryRun: false });
    await until(() => inf.get('', 'a') === undefined || inf.get('', 'a')?.metadata.deletionTimestamp !== undefined, 'a terminating');
    assert.deepEqual(seen.slice(0, 3), ['ADDED a', 'ADDED b', 'MODIFIED b']);
    inf.stop();
  });
});

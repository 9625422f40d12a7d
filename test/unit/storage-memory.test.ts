// The Storage contract over the in-memory backend, plus what only it offers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../src/storage/memory/index.js';
import { configMap, nextEvents, rejectsWith, storageContract } from '../helpers/storage-contract.js';

storageContract('memory', {
  async makeTarget() {
    const storage = new MemoryStorage({ bookmarkIntervalMs: 100 });
    return { storage, compact: () => storage.compactNow(), close: () => storage.close() };
  },
});

describe('MemoryStorage', () => {
  it('expires a TTL create with a DELETED event', async () => {
    const s = new MemoryStorage();
    const created = await s.create('/registry/events/default/e1', configMap('e1'), { ttlSeconds: 1 });
    const w = s.watch('/registry/events/', { recursive: true, resourceVersion: created.metadata.resourceVersion });
    const [e] = await nextEvents(w, 1, 3000);
    w.stop();
    assert.equal(e.type, 'DELETED');
    await rejectsWith(s.get('/registry/events/default/e1'), 'KeyNotFound');
    await s.close();
  });

  it('compacts at a given revision and refuses older reads only', async () => {
    const s = new MemoryStorage();
    const a = await s.create('/registry/x/a', configMap('a'));
    const b = await s.create('/registry/x/b', configMap('b'));
    assert.equal(await s.compactNow(b.metadata.resourceVersion), b.metadata.resourceVersion);
    await rejectsWith(s.list('/registry/x/', { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 'Expired');
    const atB = await s.list('/registry/x/', { resourceVersion: b.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.equal(atB.items.length, 2);
    assert.equal(s.currentRevision(), b.metadata.resourceVersion);
    await s.close();
  });
});

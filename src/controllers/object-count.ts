// Publishes apiserver_storage_objects / apiserver_resource_objects: a periodic count of the keys
// of each stored resource, as upstream's storage layer does (once a minute).
import type { Catalog } from '../api/catalog.js';
import { log } from '../observability/logger.js';
import { groupResourceKey, objectCounts } from '../flowcontrol/object-count-tracker.js';
import { setObjectCount } from '../observability/metrics.js';
import type { Storage } from '../storage/interface.js';

export function startObjectCounter(catalog: Catalog, storage: Storage, etcdPrefix: string, intervalMs = 60_000): () => void {
  const root = etcdPrefix.replace(/\/+$/, '');
  const countAll = async () => {
    const seen = new Set<string>();
    for (const info of catalog.all()) {
      if (!info.preferred || seen.has(info.etcdPath) || !info.verbs.includes('list')) continue;
      seen.add(info.etcdPath);
      try {
        const count = await storage.count(`${root}/${info.etcdPath}/`);
        setObjectCount(info.group, info.resource, count);
        // The same count sizes lists for API Priority and Fairness, as upstream's tracker does.
        objectCounts.set(groupResourceKey(info.group, info.resource), count);
      } catch (e) {
        // Upstream reports -1 when the count fails.
        setObjectCount(info.group, info.resource, -1);
        log.v(4).info('object count failed', { resource: info.resource, err: e instanceof Error ? e.message : String(e) });
      }
    }
  };
  const timer = setInterval(() => { void countAll(); }, intervalMs);
  timer.unref();
  void countAll();
  return () => clearInterval(timer);
}

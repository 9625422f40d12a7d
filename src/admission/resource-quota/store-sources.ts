// Quota admission's view of the resourcequotas store: an informer for reads, live lists, and the
// status updater, whose write is a compare-and-swap on the resourceVersion evaluation read (the
// store answers 409 when another writer got there first), as upstream's UpdateStatus is.
import { Informer } from '../../registry/informer.js';
import type { Store } from '../../registry/store.js';
import { parseResourceQuotaConfiguration } from './config.js';
import type { ResourceQuota } from './evaluator.js';
import type { QuotaSources } from './quota-access.js';
import type { LimitedResource } from './check-request.js';

export interface StoreQuotaSources extends QuotaSources {
  /** Starts the informer; call once the stores exist. */
  start(): void;
  stop(): void;
}

export function storeQuotaSources(store: () => Store): StoreQuotaSources {
  let informer: Informer | undefined;
  let synced = false;
  return {
    start() {
      informer = new Informer(store());
      void informer.start().then(() => { synced = true; });
    },
    stop: () => informer?.stop(),
    cached: namespace => (informer?.list() ?? []).filter(q => q.metadata.namespace === namespace) as ResourceQuota[],
    hasSynced: () => synced,
    list: async namespace => (await store().list(namespace, {})).items as ResourceQuota[],
    async updateStatus(quota) {
      const { object } = await store().update(quota.metadata.namespace ?? '', quota.metadata.name ?? '', 'status', () => quota, { dryRun: false });
      return object as ResourceQuota;
    },
  };
}

/** The plugin's limited resources from --admission-control-config-file, with upstream's init error. */
export function limitedResourcesFrom(configuration: unknown): LimitedResource[] {
  try {
    return parseResourceQuotaConfiguration(configuration);
  } catch (e) {
    throw new Error(`couldn't init admission plugin "ResourceQuota": ${e instanceof Error ? e.message : String(e)}`);
  }
}

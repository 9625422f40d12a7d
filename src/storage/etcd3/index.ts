// Etcd3Storage: the Storage interface over etcd v3 (kine-style, one verb per file).
import type { Etcd3 } from 'etcd3';
import type { KubeObject } from '../../api/types.js';
import type { DeleteOptions, ListOptions, ListResult, Storage, UpdateFn, UpdateOptions, WatchOptions, Watcher } from '../interface.js';
import { createClient, createContext, type Etcd3StorageOptions, type EtcdContext } from './client.js';
import { Compactor } from './compact.js';
import { count } from './count.js';
import { create, type CreateOptions } from './create.js';
import { deleteKey } from './delete.js';
import { get } from './get.js';
import { healthy } from './health.js';
import { LeaseManager } from './lease-manager.js';
import { list } from './list.js';
import { guaranteedUpdate } from './update.js';
import { WatchMux, watch } from './watch.js';

export type { Etcd3StorageOptions } from './client.js';
export { COMPACT_REV_KEY } from './compact.js';

export class Etcd3Storage implements Storage {
  private readonly client: Etcd3;
  private readonly ctx: EtcdContext;
  private readonly mux: WatchMux;
  private readonly compactor: Compactor;
  private readonly healthTimeoutMs: number;
  private readonly leases: LeaseManager;

  constructor(opts: Etcd3StorageOptions) {
    this.client = createClient(opts);
    this.ctx = createContext(this.client, opts);
    this.mux = new WatchMux(this.ctx, opts.bookmarkIntervalMs ?? 60_000);
    this.compactor = new Compactor(this.ctx, opts.compactionIntervalMs ?? 5 * 60_000, opts.onCompactionError);
    this.compactor.start();
    this.healthTimeoutMs = opts.healthCheckTimeoutMs ?? 2000;
    this.leases = new LeaseManager(this.ctx, opts.leaseReuseDurationSeconds ?? 60);
  }

  create(key: string, obj: KubeObject, opts?: CreateOptions): Promise<KubeObject> {
    return create(this.ctx, this.leases, key, obj, opts);
  }

  get(key: string): Promise<KubeObject> {
    return get(this.ctx, key);
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return list(this.ctx, prefix, opts);
  }

  guaranteedUpdate(key: string, tryUpdate: UpdateFn, opts?: UpdateOptions): Promise<KubeObject> {
    return guaranteedUpdate(this.ctx, this.leases, key, tryUpdate, opts);
  }

  delete(key: string, opts?: DeleteOptions): Promise<KubeObject> {
    return deleteKey(this.ctx, key, opts);
  }

  watch(key: string, opts: WatchOptions): Watcher {
    return watch(this.ctx, this.mux, key, opts);
  }

  /** A BOOKMARK at etcd's current revision, soon, to every watcher that asked for bookmarks. */
  requestWatchProgress(): void {
    this.mux.requestProgressNow();
  }

  count(prefix: string): Promise<number> {
    return count(this.ctx, prefix);
  }

  healthy(): Promise<boolean> {
    return healthy(this.ctx, this.healthTimeoutMs);
  }

  /** Compacts etcd to its current revision through the compact_rev_key protocol; returns that revision. */
  compactNow(): Promise<string> {
    return this.compactor.compactNow();
  }

  async close(): Promise<void> {
    this.mux.close();
    await this.compactor.stop();
    this.client.close();
  }
}

// The storage backend under the watch cache: etcd3 (upstream's only one) or the embedded sqlite
// file, chosen by --storage-backend.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from '../observability/logger.js';
import { observeEtcd } from '../observability/metrics.js';
import type { Transformer } from '../storage/encryption/transformers.js';
import { Etcd3Storage } from '../storage/etcd3/index.js';
import type { Storage } from '../storage/interface.js';
import { SqliteStorage } from '../storage/sqlite/index.js';

export type StorageBackendName = 'etcd3' | 'sqlite';

export interface StorageBackendConfig {
  /** Default etcd3. */
  storageBackend?: StorageBackendName;
  /** The sqlite database file (required with the sqlite backend). */
  storageSqlitePath?: string;
  etcdServers: string[];
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  /** --etcd-compaction-interval, which also paces the sqlite compactor; 0 disables it. */
  etcdCompactionIntervalMs: number;
  /** --lease-reuse-duration-seconds (default 60; etcd only). */
  leaseReuseDurationSeconds?: number;
}

export interface OpenedBackend {
  storage: Storage;
  /** The health checks' name for it: upstream's etcd, or sqlite. */
  healthName: 'etcd' | 'sqlite';
}

/**
 * Connects to (etcd3) or opens (sqlite) the configured backend. A sqlite file that is unusable or
 * held by another server throws a one-line Error, so start-up stops before anything is served.
 */
export function openStorageBackend(cfg: StorageBackendConfig, transformerFor?: (key: string) => Transformer | undefined): OpenedBackend {
  if (cfg.storageBackend === 'sqlite') {
    const path = cfg.storageSqlitePath;
    if (!path) throw new Error('the sqlite storage backend needs a database path (--storage-sqlite-path)');
    mkdirSync(dirname(path), { recursive: true });
    const storage = SqliteStorage.open({
      path,
      compactionIntervalMs: cfg.etcdCompactionIntervalMs,
      onBackgroundError: e => log.warn('sqlite storage background work failed, retrying next interval', { err: e instanceof Error ? e.message : String(e) }),
      ...(transformerFor ? { transformerFor } : {}),
    });
    log.info('Using the embedded sqlite storage backend', { path });
    return { storage, healthName: 'sqlite' };
  }
  const storage = new Etcd3Storage({
    endpoints: cfg.etcdServers,
    ...(cfg.etcdCafile ? { caFile: cfg.etcdCafile } : {}),
    ...(cfg.etcdCertfile ? { certFile: cfg.etcdCertfile } : {}),
    ...(cfg.etcdKeyfile ? { keyFile: cfg.etcdKeyfile } : {}),
    compactionIntervalMs: cfg.etcdCompactionIntervalMs,
    leaseReuseDurationSeconds: cfg.leaseReuseDurationSeconds ?? 60,
    observe: observeEtcd,
    ...(transformerFor ? { transformerFor } : {}),
  });
  return { storage, healthName: 'etcd' };
}

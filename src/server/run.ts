// Builds every layer from a ServerConfig, serves HTTPS, runs the post-start hooks, and shuts
// down gracefully. The entrypoint maps flags to a ServerConfig; tests may build one directly.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdmissionChain } from '../admission/plugin.js';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { builtinCatalog } from '../api/catalog.js';
import { isApiError } from '../api/errors.js';
import { ensureSystemNamespaces, ensureSystemPriorityClasses } from '../controllers/bootstrap.js';
import { NamespaceFinalizer } from '../controllers/namespace-finalizer.js';
import { startObjectCounter } from '../controllers/object-count.js';
import { createMaxInFlight } from '../filters/max-in-flight.js';
import { log } from '../observability/logger.js';
import { observeEtcd } from '../observability/metrics.js';
import { Etcd3Storage } from '../storage/etcd3/index.js';
import { buildApp } from './app.js';
import { HealthChecks } from './healthz.js';
import { ensureSelfSignedServingCert } from './pki.js';
import { Stores } from './stores.js';
import { Informer } from '../registry/informer.js';

export interface ServerConfig {
  bindAddress: string;
  securePort: number;
  advertiseAddress?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  certDir: string;
  clientCaFile?: string;
  anonymousAuth: boolean;
  etcdServers: string[];
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  etcdPrefix: string;
  etcdCompactionIntervalMs: number;
  requestTimeoutSeconds: number;
  minRequestTimeoutSeconds: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  shutdownDelayMs: number;
  hstsDirectives: string[];
}

export interface RunningServer {
  /** The port actually bound (useful with securePort 0 in tests). */
  port: number;
  stop(): Promise<void>;
}

async function retryForever(what: string, fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (e) {
      if (isApiError(e) && e.code < 500) throw e;
      log.warn(`${what} failed, retrying`, { attempt, err: e instanceof Error ? e.message : String(e) });
      await new Promise(r => setTimeout(r, Math.min(5000, 200 * attempt)));
    }
  }
}

export async function startServer(cfg: ServerConfig): Promise<RunningServer> {
  const storage = new Etcd3Storage({
    endpoints: cfg.etcdServers,
    ...(cfg.etcdCafile ? { caFile: cfg.etcdCafile } : {}),
    ...(cfg.etcdCertfile ? { certFile: cfg.etcdCertfile } : {}),
    ...(cfg.etcdKeyfile ? { keyFile: cfg.etcdKeyfile } : {}),
    compactionIntervalMs: cfg.etcdCompactionIntervalMs,
    observe: observeEtcd,
  });
  const catalog = builtinCatalog();
  let stores: Stores | undefined;
  let namespaces: Informer | undefined;
  // Served from the namespace informer; a miss falls back to a live read, as upstream's
  // NamespaceLifecycle does for namespaces created a moment ago.
  const getNamespace = async (name: string) => {
    const cached = namespaces?.get('', name);
    if (cached) return cached;
    try {
      return await stores!.builtin('', 'namespaces').get('', name);
    } catch (e) {
      if (isApiError(e) && e.code === 404) return null;
      throw e;
    }
  };
  const admission = new AdmissionChain([namespaceLifecycle(getNamespace)]);
  stores = new Stores(catalog, storage, cfg.etcdPrefix, admission);
  namespaces = new Informer(stores.builtin('', 'namespaces'));
  void namespaces.start();

  const health = new HealthChecks({ etcd: () => storage.healthy() });
  const maxInFlight = createMaxInFlight({
    maxRequestsInFlight: cfg.maxRequestsInflight,
    maxMutatingRequestsInFlight: cfg.maxMutatingRequestsInflight,
  });
  const app = buildApp({
    catalog, stores, health, maxInFlight,
    clientCA: cfg.clientCaFile !== undefined,
    anonymousAuth: cfg.anonymousAuth,
    requestTimeoutSeconds: cfg.requestTimeoutSeconds,
    minRequestTimeoutSeconds: cfg.minRequestTimeoutSeconds,
    hstsDirectives: cfg.hstsDirectives,
    ...(cfg.advertiseAddress && cfg.securePort > 0 ? { serverAddress: `${cfg.advertiseAddress.includes(':') ? `[${cfg.advertiseAddress}]` : cfg.advertiseAddress}:${cfg.securePort}` } : {}),
  });

  let certFile = cfg.tlsCertFile;
  let keyFile = cfg.tlsPrivateKeyFile;
  if (!certFile || !keyFile) {
    const generated = await ensureSelfSignedServingCert(cfg.certDir, {
      host: cfg.advertiseAddress ?? '127.0.0.1', alternateDNS: ['kubernetes.default.svc', 'kubernetes.default', 'kubernetes'], bindAddress: cfg.bindAddress,
    });
    certFile = generated.certFile;
    keyFile = generated.keyFile;
    log.info('Generated self-signed cert', { certFile, keyFile });
  }
  const server: Server = createServer({
    cert: await readFile(certFile),
    key: await readFile(keyFile),
    ...(cfg.clientCaFile ? { ca: await readFile(cfg.clientCaFile) } : {}),
    requestCert: cfg.clientCaFile !== undefined,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  }, app);
  // Watches are long-lived; per-request timeouts are the filters' job.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.securePort, cfg.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info('Serving securely', { address: `${cfg.bindAddress}:${port}` });

  const bootstrap = retryForever('bootstrap', async () => {
    await ensureSystemNamespaces(stores.builtin('', 'namespaces'));
    health.completePostStartHook('bootstrap-controller');
    await ensureSystemPriorityClasses(stores.builtin('scheduling.k8s.io', 'priorityclasses'));
    health.completePostStartHook('scheduling/bootstrap-system-priority-classes');
  });
  health.addPostStartHook('bootstrap-controller');
  health.addPostStartHook('scheduling/bootstrap-system-priority-classes');
  bootstrap.catch(e => log.error('bootstrap failed', { err: String(e) }));
  const namespaceFinalizer = new NamespaceFinalizer(catalog, stores, () => namespaces?.list() ?? []);
  namespaceFinalizer.start();
  const stopObjectCounter = startObjectCounter(catalog, storage, cfg.etcdPrefix);

  return {
    port,
    async stop() {
      health.markShutdown();
      namespaceFinalizer.stop();
      namespaces?.stop();
      stopObjectCounter();
      if (cfg.shutdownDelayMs > 0) await new Promise(r => setTimeout(r, cfg.shutdownDelayMs));
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open watches end with the process; give in-flight requests a moment to finish.
        setTimeout(() => { server.closeAllConnections(); }, 2000).unref();
      });
      maxInFlight.stop();
      await storage.close();
    },
  };
}

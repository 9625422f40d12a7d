// Builds every layer from a ServerConfig, serves HTTPS, runs the post-start hooks, and shuts
// down gracefully. The entrypoint maps flags to a ServerConfig; tests may build one directly.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { AdmissionChain } from '../admission/plugin.js';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { createAuditor, type AuditConfig } from '../audit/auditor.js';
import { builtinCatalog, builtinResources, Catalog } from '../api/catalog.js';
import { CRDController } from '../apiextensions/controller.js';
import { Aggregator } from '../aggregator/index.js';
import { CRDOpenAPISource } from '../apiextensions/openapi/source.js';
import { isApiError } from '../api/errors.js';
import { ensureSystemNamespaces, ensureSystemPriorityClasses } from '../controllers/bootstrap.js';
import { NamespaceFinalizer } from '../controllers/namespace-finalizer.js';
import { ClusterAuthenticationTrust } from '../controllers/cluster-authentication-trust.js';
import { startObjectCounter } from '../controllers/object-count.js';
import { createMaxInFlight } from '../filters/max-in-flight.js';
import { priorityAndFairnessFilter } from '../filters/priority-and-fairness.js';
import { APFController } from '../flowcontrol/controller.js';
import { ensureBootstrapConfiguration } from '../flowcontrol/ensurer.js';
import { log } from '../observability/logger.js';
import { observeEtcd } from '../observability/metrics.js';
import { Etcd3Storage } from '../storage/etcd3/index.js';
import { probeEndpoint } from '../storage/etcd3/health.js';
import { etcdHealthServer, httpsHealthServer, type ComponentServer } from '../endpoints/component-statuses.js';
import { Cacher } from '../storage/cacher/index.js';
import { EncryptionConfig, keyResolver } from '../storage/encryption/config.js';
import type { Storage } from '../storage/interface.js';
import { buildApp } from './app.js';
import { HealthChecks } from './healthz.js';
import { openStorageBackend, type StorageBackendConfig } from './storage-backend.js';
import { servingCertFiles } from './pki.js';
import { watchFiles } from './file-watch.js';
import { ServingCertificates, type SNICertKeyFiles } from './serving-certs.js';
import { Stores } from './stores.js';
import { CoreServices, type EndpointReconcilerType } from './core-services.js';
import { buildAuthentication, type AuthenticationFlags } from '../authn/setup.js';
import type { ObjectGetter } from '../authn/object-getter.js';
import { buildAuthorization, type AuthorizationSetup } from '../authz/build.js';
import type { AuthorizeFn } from '../authz/union.js';
import { rbacEscalation } from '../admission/rbac-escalation.js';
import { mutatingWebhooks, validatingWebhooks, type WebhookSources } from '../admission/webhook/plugin.js';
import { validatingAdmissionPolicy } from '../admission/policy/plugin.js';
import { storeParams } from '../admission/policy/param-stores.js';
import { SchemaResolver } from '../admission/policy/schema-resolver.js';
import { startTypeChecking } from '../admission/policy/type-checking.js';
import { EquivalentResources } from '../admission/equivalent-resources.js';
import { serviceAccountAdmission } from '../admission/service-account.js';
import { nodeRestriction } from '../admission/node-restriction.js';
import { defaultTolerationSeconds } from '../admission/default-toleration-seconds.js';
import { taintNodesByCondition } from '../admission/taint-nodes-by-condition.js';
import { storageObjectInUseProtection } from '../admission/storage-object-in-use-protection.js';
import { defaultIngressClass, defaultStorageClass } from '../admission/default-class.js';
import { priority } from '../admission/priority.js';
import { runtimeClass } from '../admission/runtime-class.js';
import { limitRanger } from '../admission/limit-ranger.js';
import { parsePodSecurityConfig } from '../admission/pod-security/config.js';
import { podSecurity } from '../admission/pod-security/plugin.js';
import { setAllowPrivileged } from '../api/validation/privileged.js';
import { certificateApproval, certificateSigning, certificateSubjectRestriction } from '../admission/certificates.js';
import { Informer } from '../registry/informer.js';
import { readAdmissionConfiguration } from '../admission/config-file.js';
import { resourceQuota } from '../admission/resource-quota/plugin.js';
import { quotaAccessor } from '../admission/resource-quota/quota-access.js';
import { limitedResourcesFrom, storeQuotaSources } from '../admission/resource-quota/store-sources.js';
import type { Store } from '../registry/store.js';
import { KubeletClient, type KubeletClientConfig } from '../kubelet/client.js';
import { serveUpgrades } from './upgrade.js';

export interface ServerConfig extends StorageBackendConfig {
  bindAddress: string;
  securePort: number;
  advertiseAddress?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** --tls-min-version in Node's terms (default TLSv1.2). */
  tlsMinVersion?: SecureVersion;
  /** --tls-cipher-suites as an OpenSSL cipher string; Node's defaults when unset. */
  tlsCiphers?: string;
  /** --tls-sni-cert-key. */
  tlsSniCertKeys?: SNICertKeyFiles[];
  certDir: string;
  clientCaFile?: string;
  anonymousAuth: boolean;
  /** The key prefix of every resource, in either backend (--etcd-prefix). */
  etcdPrefix: string;
  requestTimeoutSeconds: number;
  minRequestTimeoutSeconds: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  /** --enable-priority-and-fairness (default true); false keeps the max-in-flight limits. */
  enablePriorityAndFairness?: boolean;
  shutdownDelayMs: number;
  hstsDirectives: string[];
  /** The APIResponseCompression feature gate (default on). */
  responseCompression?: boolean;
  /** --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds (300). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** The enabled admission plugins (--enable/--disable-admission-plugins); every implemented one when unset. */
  admissionPlugins?: string[];
  /** --admission-control-config-file: per-plugin settings (an AdmissionConfiguration). */
  admissionControlConfigFile?: string;
  /** --allow-privileged (default false): whether pods may have privileged containers. */
  allowPrivileged?: boolean;
  /** --encryption-provider-config: encrypt resources at rest. */
  encryptionProviderConfig?: string;
  /** --encryption-provider-config-automatic-reload. */
  encryptionProviderConfigAutomaticReload?: boolean;
  /** --watch-cache (default true): serve reads and watches from memory. */
  watchCache?: boolean;
  /** --authorization-mode, in order; AlwaysAllow when unset. */
  authorizationModes?: string[];
  /** --audit-* flags; auditing needs a policy file and a backend. */
  audit?: AuditConfig;
  /** Authentication flags beyond --client-ca-file and --anonymous-auth. */
  authentication?: AuthenticationFlags;
  /** --service-cluster-ip-range, split at commas (default 10.0.0.0/24). */
  serviceClusterIpRanges?: string[];
  /** --service-node-port-range (default 30000-32767). */
  serviceNodePortRange?: { base: number; size: number };
  /** --endpoint-reconciler-type (default lease). */
  endpointReconcilerType?: EndpointReconcilerType;
  /** --apiserver-count (default 1). */
  apiserverCount?: number;
  /** --kubernetes-service-node-port (default 0). */
  kubernetesServiceNodePort?: number;
  /** --event-ttl in seconds (default 3600). */
  eventTtlSeconds?: number;
  /** --enable-aggregator-routing, --aggregator-reject-forwarding-redirect and --proxy-client-cert-file/--proxy-client-key-file. */
  aggregator?: { endpointRouting?: boolean; rejectForwardingRedirects?: boolean; proxyClientCertFile?: string; proxyClientKeyFile?: string };
  /** --kubelet-* flags: how exec, attach, port-forward, logs and node proxies reach kubelets. */
  kubelet?: KubeletClientConfig;
  /**
   * This process's index among --worker-processes (unset: a single process, as worker 0). The
   * stand-ins for kube-controller-manager run in worker 0 only; see docs/OPERATING.md.
   */
  workerIndex?: number;
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
  // First, so a bad policy file stops start-up before anything connects.
  const auditor = cfg.audit ? await createAuditor(cfg.audit) : undefined;
  const admissionConfig = await readAdmissionConfiguration(cfg.admissionControlConfigFile ?? '');
  // Upstream reads a plugin's settings only when the plugin is enabled.
  const quotaLimited = (cfg.admissionPlugins?.includes('ResourceQuota') ?? true) ? limitedResourcesFrom(await admissionConfig.configFor('ResourceQuota')) : [];
  setAllowPrivileged(cfg.allowPrivileged ?? false);
  let stores: Stores | undefined;
  // A live read that answers null for a missing object, for authenticators and admission plugins.
  const getOrNull = (group: string, resource: string) => async (namespace: string, name: string) => {
    try {
      return await stores!.builtin(group, resource).get(namespace, name);
    } catch (e) {
      if (isApiError(e) && e.code === 404) return null;
      throw e;
    }
  };
  const getObject: ObjectGetter = (resource, namespace, name) => getOrNull('', resource)(namespace, name);
  // Also before connecting: unreadable CA, token or key files stop start-up, as upstream.
  const authentication = await buildAuthentication({
    ...(cfg.clientCaFile ? { clientCaFile: cfg.clientCaFile } : {}),
    anonymous: cfg.anonymousAuth,
    flags: cfg.authentication ?? {},
    getObject,
    ...(cfg.advertiseAddress ? { externalAddress: `${cfg.advertiseAddress.includes(':') ? `[${cfg.advertiseAddress}]` : cfg.advertiseAddress}:${cfg.securePort}` } : {}),
  });
  const kubelet = await KubeletClient.load(cfg.kubelet ?? {});
  const encryption = cfg.encryptionProviderConfig ? await encryptionAtRest(cfg.encryptionProviderConfig, cfg.etcdPrefix, cfg.encryptionProviderConfigAutomaticReload ?? false) : undefined;
  const backend = openStorageBackend(cfg, encryption?.transformerFor);
  // The live catalog: the built-ins now, custom resources as their CRDs are served.
  const catalog = new Catalog(builtinResources());
  // --watch-cache: reads and watches of every resource served from memory (storage/cacher).
  const cacher = cfg.watchCache === false ? undefined : new Cacher(backend.storage, {
    roots: catalog.all().map(info => `${cfg.etcdPrefix.replace(/\/+$/, '')}/${info.etcdPath}/`),
    onError: (root, e) => log.warn('watch cache failed, relisting', { root, err: e instanceof Error ? e.message : String(e) }),
  });
  const storage: Storage = cacher ?? backend.storage;
  const core = new CoreServices({
    storage, etcdPrefix: cfg.etcdPrefix,
    serviceClusterIpRanges: cfg.serviceClusterIpRanges ?? ['10.0.0.0/24'],
    serviceNodePortRange: cfg.serviceNodePortRange ?? { base: 30000, size: 2768 },
    advertiseAddress: cfg.advertiseAddress ?? '',
    endpointReconcilerType: cfg.endpointReconcilerType ?? 'lease',
    apiserverCount: cfg.apiserverCount ?? 1,
    kubernetesServiceNodePort: cfg.kubernetesServiceNodePort ?? 0,
    eventTtlSeconds: cfg.eventTtlSeconds ?? 3600,
    workerIndex: cfg.workerIndex ?? 0,
  });
  let namespaces: Informer | undefined;
  // Served from the namespace informer; a miss falls back to a live read, as upstream's
  // NamespaceLifecycle does for namespaces created a moment ago.
  const getNamespace = async (name: string) => namespaces?.get('', name) ?? getOrNull('', 'namespaces')('', name);
  const getServiceAccount = (namespace: string, name: string) => getObject('serviceaccounts', namespace, name);
  const getNode = (name: string) => getObject('nodes', '', name);
  const getRuntimeClass = (name: string) => getOrNull('node.k8s.io', 'runtimeclasses')('', name);
  const listAll = (group: string, resource: string) => async () => (await stores!.builtin(group, resource).list('', {})).items;
  let authz: AuthorizationSetup | undefined;
  const authorize: AuthorizeFn = (u, a) => authz!.authorization.authorize(u, a);
  const escalation = rbacEscalation({ authorize, resolver: () => authz?.rbac });
  const webhookConfigs: { mutating?: Informer; validating?: Informer; policies?: Informer; bindings?: Informer } = {};
  const equivalents = new EquivalentResources(catalog);
  const webhookSources: WebhookSources = {
    equivalents,
    configurations: kind => webhookConfigs[kind]?.list() ?? [],
    namespaceLabels: async name => (await getNamespace(name))?.metadata.labels,
    resolveService: (namespace, name, port) => resolveServiceHost(stores!.builtin('', 'services'), namespace, name, port),
    authorize,
  };
  // Upstream's default order: NamespaceLifecycle first, the webhooks after the built-in plugins.
  const enabled = (name: string) => cfg.admissionPlugins?.includes(name) ?? true;
  const quotaSources = storeQuotaSources(() => stores!.builtin('', 'resourcequotas'));
  const podSecurityConfig = enabled('PodSecurity') ? parsePodSecurityConfig(await admissionConfig.configFor('PodSecurity')) : undefined;
  const admission = new AdmissionChain([
    ...(enabled('NamespaceLifecycle') ? [namespaceLifecycle(getNamespace)] : []),
    ...(enabled('LimitRanger') ? [limitRanger(async ns => (await stores!.builtin('', 'limitranges').list(ns, {})).items)] : []),
    ...(enabled('ServiceAccount') ? [serviceAccountAdmission(getServiceAccount)] : []),
    ...(enabled('NodeRestriction') ? [nodeRestriction(getNode)] : []),
    ...(enabled('TaintNodesByCondition') ? [taintNodesByCondition] : []),
    ...(podSecurityConfig ? [podSecurity({ config: podSecurityConfig, getNamespace, listPods: async ns => (await stores!.builtin('', 'pods').list(ns, {})).items })] : []),
    ...(enabled('Priority') ? [priority(listAll('scheduling.k8s.io', 'priorityclasses'))] : []),
    ...(enabled('DefaultTolerationSeconds') ? [defaultTolerationSeconds(cfg.defaultNotReadyTolerationSeconds ?? 300, cfg.defaultUnreachableTolerationSeconds ?? 300)] : []),
    ...(enabled('DefaultStorageClass') ? [defaultStorageClass(listAll('storage.k8s.io', 'storageclasses'))] : []),
    ...(enabled('RuntimeClass') ? [runtimeClass(getRuntimeClass)] : []),
    ...(enabled('StorageObjectInUseProtection') ? [storageObjectInUseProtection] : []),
    ...(enabled('CertificateApproval') ? [certificateApproval(authorize)] : []),
    ...(enabled('CertificateSigning') ? [certificateSigning(authorize)] : []),
    ...(enabled('CertificateSubjectRestriction') ? [certificateSubjectRestriction] : []),
    ...(enabled('DefaultIngressClass') ? [defaultIngressClass(listAll('networking.k8s.io', 'ingressclasses'))] : []),
    // Not a plugin upstream (RBAC's storage checks it), so never switched off.
    escalation,
    ...(enabled('MutatingAdmissionWebhook') ? [mutatingWebhooks(webhookSources)] : []),
    ...(enabled('ValidatingAdmissionPolicy') ? [validatingAdmissionPolicy({
      policies: () => webhookConfigs.policies?.list() ?? [], bindings: () => webhookConfigs.bindings?.list() ?? [],
      getNamespace, params: storeParams(catalog, info => stores!.storeFor(info)), authorize, equivalents,
    })] : []),
    ...(enabled('ValidatingAdmissionWebhook') ? [validatingWebhooks(webhookSources)] : []),
    // Last, as upstream: quota is charged only for requests every other plugin admitted.
    ...(enabled('ResourceQuota') ? [resourceQuota({ accessor: quotaAccessor(quotaSources), limitedResources: quotaLimited })] : []),
  ]);
  stores = new Stores(catalog, storage, cfg.etcdPrefix, admission, info => core.hooksFor(info));
  const rbacStore = (resource: string) => stores!.builtin('rbac.authorization.k8s.io', resource);
  authz = buildAuthorization(cfg.authorizationModes ?? ['AlwaysAllow'], {
    roles: rbacStore('roles'), clusterRoles: rbacStore('clusterroles'), roleBindings: rbacStore('rolebindings'), clusterRoleBindings: rbacStore('clusterrolebindings'),
    pods: stores.builtin('', 'pods'), persistentVolumeClaims: stores.builtin('', 'persistentvolumeclaims'),
  });
  const crdOpenAPI = new CRDOpenAPISource();
  const crds = new CRDController({
    catalog, crds: stores.builtin('apiextensions.k8s.io', 'customresourcedefinitions'), storeFor: info => stores!.storeFor(info),
    etcdPrefix: cfg.etcdPrefix, ...(cacher ? { watchCache: cacher } : {}), resolveService: webhookSources.resolveService,
    openapi: crdOpenAPI,
  });
  const aggregator = new Aggregator({
    catalog, apiservices: stores.builtin('apiregistration.k8s.io', 'apiservices'),
    services: stores.builtin('', 'services'), endpoints: stores.builtin('', 'endpoints'),
    localOpenAPI: crdOpenAPI, ...cfg.aggregator,
  });
  await aggregator.loadClientCert();
  namespaces = new Informer(stores.builtin('', 'namespaces'));
  void namespaces.start();
  webhookConfigs.mutating = new Informer(stores.builtin('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'));
  webhookConfigs.validating = new Informer(stores.builtin('admissionregistration.k8s.io', 'validatingwebhookconfigurations'));
  void webhookConfigs.mutating.start();
  void webhookConfigs.validating.start();
  webhookConfigs.policies = new Informer(stores.builtin('admissionregistration.k8s.io', 'validatingadmissionpolicies'));
  webhookConfigs.bindings = new Informer(stores.builtin('admissionregistration.k8s.io', 'validatingadmissionpolicybindings'));
  startTypeChecking(webhookConfigs.policies, stores.builtin('admissionregistration.k8s.io', 'validatingadmissionpolicies'), {
    catalog, schemas: new SchemaResolver(aggregator.openapi),
  });
  void webhookConfigs.policies.start();
  void webhookConfigs.bindings.start();
  if (enabled('ResourceQuota')) quotaSources.start();

  const health = new HealthChecks({ etcd: () => storage.healthy(), storageBackend: backend.healthName });
  const apfStores = { flowSchemas: stores.builtin('flowcontrol.apiserver.k8s.io', 'flowschemas'), priorityLevels: stores.builtin('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations') };
  const apf = cfg.enablePriorityAndFairness === false ? undefined
    : new APFController({ ...apfStores, serverConcurrencyLimit: cfg.maxRequestsInflight + cfg.maxMutatingRequestsInflight });
  // With APF the max-in-flight limits only size its seats, so the filter itself is off.
  const maxInFlight = createMaxInFlight({
    maxRequestsInFlight: apf ? 0 : cfg.maxRequestsInflight,
    maxMutatingRequestsInFlight: apf ? 0 : cfg.maxMutatingRequestsInflight,
    // Upstream never refuses system:masters here, so an admin can always get in.
    isPrivileged: req => req.user?.groups.includes('system:masters') === true,
  });
  const app = buildApp({
    catalog, stores, health, maxInFlight, openapi: aggregator.openapi, aggregator,
    ...(apf ? { priorityAndFairness: priorityAndFairnessFilter({ controller: apf, requestTimeoutSeconds: cfg.requestTimeoutSeconds }) } : {}),
    authentication, getObject,
    requestTimeoutSeconds: cfg.requestTimeoutSeconds,
    minRequestTimeoutSeconds: cfg.minRequestTimeoutSeconds,
    hstsDirectives: cfg.hstsDirectives,
    responseCompression: cfg.responseCompression ?? true,
    nodeRestriction: enabled('NodeRestriction'),
    authorization: authz.authorization,
    kubelet,
    ...(auditor ? { auditor } : {}),
    componentServers: () => componentServers(cfg),
    ...(cfg.advertiseAddress && cfg.securePort > 0 ? { serverAddress: `${cfg.advertiseAddress.includes(':') ? `[${cfg.advertiseAddress}]` : cfg.advertiseAddress}:${cfg.securePort}` } : {}),
  });

  const { certFile, keyFile } = await servingCertFiles(cfg);
  const tls = await ServingCertificates.load({
    serving: { certFile, keyFile },
    sni: cfg.tlsSniCertKeys ?? [],
    clientCAs: authentication.listenerClientCAs,
    minVersion: cfg.tlsMinVersion ?? 'TLSv1.2',
    ...(cfg.tlsCiphers ? { ciphers: cfg.tlsCiphers } : {}),
  });
  // Upstream's MaxHeaderBytes (1 MiB): long selectors and large bearer tokens fit; the body limit stays 3 MiB.
  const server: Server = createServer({ ...tls.serverOptions(), maxHeaderSize: 1 << 20 }, app);
  serveUpgrades(server, app);
  tls.attach(server);
  const tlsFiles = [certFile, keyFile, ...(cfg.tlsSniCertKeys ?? []).flatMap(p => [p.certFile, p.keyFile]), ...authentication.listenerClientCAs.map(c => c.file)];
  const rh = authentication.requestHeader;
  const trust = new ClusterAuthenticationTrust(stores.builtin('', 'configmaps'), {
    ...(authentication.clientCA ? { clientCA: () => authentication.clientCA!.pem } : {}),
    ...(rh ? {
      requestHeader: {
        ca: () => rh.ca.pem, usernameHeaders: rh.usernameHeaders, uidHeaders: rh.uidHeaders, groupHeaders: rh.groupHeaders,
        extraHeaderPrefixes: rh.extraHeaderPrefixes, allowedNames: rh.allowedNames,
      },
    } : {}),
  });
  let syncing = Promise.resolve();
  const stopWatchingTLS = watchFiles(tlsFiles, () => {
    syncing = syncing.then(() => tls.sync())
      .catch(e => log.error('TLS reload failed', { err: String(e) }))
      // A reloaded client CA is published to the components that trust this server's callers.
      .then(() => trust.sync())
      .catch(e => log.warn('cluster authentication trust sync failed', { err: String(e) }));
  });
  // Watches are long-lived; per-request timeouts are the filters' job.
  server.requestTimeout = 0;
  // upstream's ReadHeaderTimeout: a connection whose request headers trickle in is closed after 32 s.
  server.headersTimeout = 32_000;
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
  if (authz.rbac) health.addPostStartHook('rbac/bootstrap-roles');
  authz.start().then(
    () => { if (authz.rbac) health.completePostStartHook('rbac/bootstrap-roles'); },
    e => log.error('authorization start failed', { err: String(e) }),
  );
  health.addPostStartHook('bootstrap-controller');
  health.addPostStartHook('scheduling/bootstrap-system-priority-classes');
  bootstrap.catch(e => log.error('bootstrap failed', { err: String(e) }));
  const trustStarted = health.addPostStartHook('start-cluster-authentication-info-controller');
  bootstrap.then(() => { trust.start(); trustStarted(); }).catch(() => {});
  const repaired = health.addPostStartHook('start-service-ip-repair-controllers');
  bootstrap.then(() => retryForever('service networking start', () => core.start(stores, port, repaired)))
    .catch(e => log.error('service networking start failed', { err: String(e) }));
  // Custom resources answer 404 until their CRDs are loaded: /readyz waits for that, as upstream's crd-informer-synced.
  const crdsSynced = health.addPostStartHook('crd-informer-synced');
  health.addPostStartHook('start-apiextensions-controllers');
  const crdsStarted = crds.start();
  crdsStarted.then(() => { crdsSynced(); health.completePostStartHook('start-apiextensions-controllers'); }, e => log.error('CRD controllers failed to start', { err: String(e) }));
  // Autoregistration waits for the stored CRDs, or its first pass would delete their APIServices.
  const autoregistered = health.addPostStartHook('kube-apiserver-autoregistration');
  crdsStarted.then(() => aggregator.start()).then(autoregistered, e => log.error('aggregator failed to start', { err: String(e) }));
  if (apf) {
    const consumer = health.addPostStartHook('priority-and-fairness-config-consumer');
    apf.start().then(consumer, e => log.error('API priority and fairness failed to start', { err: String(e) }));
    const producer = health.addPostStartHook('priority-and-fairness-config-producer');
    retryForever('priority and fairness bootstrap', () => ensureBootstrapConfiguration(apfStores)).then(producer, e => log.error('priority and fairness bootstrap failed', { err: String(e) }));
  }
  const namespaceFinalizer = new NamespaceFinalizer(catalog, stores, () => namespaces?.list() ?? []);
  // kube-controller-manager's job: once per machine, not once per worker process.
  if ((cfg.workerIndex ?? 0) === 0) namespaceFinalizer.start();
  const stopObjectCounter = startObjectCounter(catalog, storage, cfg.etcdPrefix);

  return {
    port,
    async stop() {
      health.markShutdown();
      stopWatchingTLS();
      encryption?.stop();
      await trust.stop();
      await core.stop();
      authz.stop();
      namespaceFinalizer.stop();
      apf?.stop();
      crds.stop();
      aggregator.stop();
      namespaces?.stop();
      webhookConfigs.mutating?.stop();
      webhookConfigs.validating?.stop();
      webhookConfigs.policies?.stop();
      webhookConfigs.bindings?.stop();
      quotaSources.stop();
      stopObjectCounter();
      if (cfg.shutdownDelayMs > 0) await new Promise(r => setTimeout(r, cfg.shutdownDelayMs));
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open watches end with the process; give in-flight requests a moment to finish.
        setTimeout(() => { server.closeAllConnections(); }, 2000).unref();
      });
      maxInFlight.stop();
      await auditor?.shutdown();
      await storage.close();
    },
  };
}

/** Upstream's serversToValidate: kube-controller-manager (10257) and kube-scheduler (10259) on loopback, then each etcd server. */
function componentServers(cfg: ServerConfig): ComponentServer[] {
  const tls = { ...(cfg.etcdCafile ? { caFile: cfg.etcdCafile } : {}), ...(cfg.etcdCertfile ? { certFile: cfg.etcdCertfile } : {}), ...(cfg.etcdKeyfile ? { keyFile: cfg.etcdKeyfile } : {}) };
  return [
    httpsHealthServer('controller-manager', 10257),
    httpsHealthServer('scheduler', 10259),
    ...cfg.etcdServers.map((server, i) => etcdHealthServer(`etcd-${i}`, () => probeEndpoint(server, tls, 20_000))),
  ];
}

/**
 * Encryption at rest from --encryption-provider-config: each etcd key's resource picks its
 * transformer; with automatic reload a changed file takes effect for the next read or write (a
 * file that does not load keeps the previous configuration).
 */
async function encryptionAtRest(file: string, etcdPrefix: string, autoReload: boolean) {
  let config = await EncryptionConfig.load(file);
  const resolve = keyResolver(etcdPrefix, builtinCatalog().all().map(info => ({ path: info.etcdPath, gr: { group: info.group, resource: info.resource } })));
  const stop = autoReload
    ? watchFiles([file], () => {
      EncryptionConfig.load(file).then(
        next => { config = next; log.info('Loaded a new encryption configuration', { file }); },
        e => log.error('Unable to reload the encryption configuration, keeping the previous one', { err: (e as Error).message }),
      );
    })
    : () => {};
  return {
    transformerFor: (key: string) => {
      const gr = resolve(key);
      return gr ? config.transformerFor(gr) : undefined;
    },
    stop,
  };
}

/**
 * Where a Service-backed webhook is dialled, as upstream's ClusterIP resolver: the ClusterIP and
 * the Service port, or an ExternalName's host.
 */
async function resolveServiceHost(services: Store, namespace: string, name: string, port: number): Promise<string> {
  const svc = await services.get(namespace, name);
  const spec = (svc['spec'] ?? {}) as { type?: string; clusterIP?: string; externalName?: string; ports?: { port: number }[] };
  const type = spec.type ?? 'ClusterIP';
  const join = (host: string, p: number) => (host.includes(':') ? `[${host}]:${p}` : `${host}:${p}`);
  if (type === 'ExternalName') return join(spec.externalName ?? '', port);
  if (spec.clusterIP === 'None') throw new Error('cannot route to service with ClusterIP "None"');
  if (!(spec.ports ?? []).some(p => p.port === port)) throw new Error(`no service port ${port} found for service "${name}"`);
  return join(spec.clusterIP ?? '', port);
}

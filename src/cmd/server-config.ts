// Maps validated options to the ServerConfig startServer takes; shared by the entrypoint and the
// in-process test server.
import type { AuditConfig, BatchOptions } from '../audit/auditor.js';
import type { AuditMode } from '../audit/backend.js';
import type { AuthenticationFlags } from '../authn/setup.js';
import { log } from '../observability/logger.js';
import { gate, type Options } from '../options/options.js';
import { tlsCipherSuites, tlsMinVersion } from '../options/tls-flags.js';
import type { EndpointReconcilerType } from '../server/core-services.js';
import type { ServerConfig } from '../server/run.js';
import type { StorageBackendName } from '../server/storage-backend.js';

function auditBatch(o: Options, backend: 'log' | 'webhook'): BatchOptions {
  const r = o.raw;
  const batch: BatchOptions = {
    bufferSize: r.number(`audit-${backend}-batch-buffer-size`),
    maxBatchSize: r.number(`audit-${backend}-batch-max-size`),
    maxBatchWaitMs: r.durationMs(`audit-${backend}-batch-max-wait`),
  };
  if (r.bool(`audit-${backend}-batch-throttle-enable`)) {
    batch.throttle = { qps: r.number(`audit-${backend}-batch-throttle-qps`), burst: r.number(`audit-${backend}-batch-throttle-burst`) };
  }
  return batch;
}

function toAuditConfig(o: Options): AuditConfig {
  const r = o.raw;
  const cfg: AuditConfig = { policyFile: r.string('audit-policy-file') };
  if (r.string('audit-log-path') !== '') {
    cfg.log = {
      path: r.string('audit-log-path'),
      format: r.string('audit-log-format') === 'legacy' ? 'legacy' : 'json',
      maxAgeDays: r.number('audit-log-maxage'),
      maxBackups: r.number('audit-log-maxbackup'),
      maxSizeMB: r.number('audit-log-maxsize'),
      compress: r.bool('audit-log-compress'),
      mode: r.string('audit-log-mode') as AuditMode,
      batch: auditBatch(o, 'log'),
    };
  }
  if (r.string('audit-webhook-config-file') !== '') {
    cfg.webhook = {
      configFile: r.string('audit-webhook-config-file'),
      initialBackoffMs: r.isSet('audit-webhook-batch-initial-backoff') && !r.isSet('audit-webhook-initial-backoff')
        ? r.durationMs('audit-webhook-batch-initial-backoff') : r.durationMs('audit-webhook-initial-backoff'),
      mode: r.string('audit-webhook-mode') as AuditMode,
      batch: auditBatch(o, 'webhook'),
    };
  }
  return cfg;
}

function toAuthenticationFlags(o: Options): AuthenticationFlags {
  const r = o.raw;
  const flags: AuthenticationFlags = {
    requestheaderAllowedNames: [...r.strings('requestheader-allowed-names')],
    requestheaderUsernameHeaders: [...r.strings('requestheader-username-headers')],
    requestheaderGroupHeaders: [...r.strings('requestheader-group-headers')],
    requestheaderExtraHeadersPrefix: [...r.strings('requestheader-extra-headers-prefix')],
    requestheaderUidHeaders: [...r.strings('requestheader-uid-headers')],
    serviceAccountKeyFiles: [...r.strings('service-account-key-file')],
    serviceAccountIssuers: [...r.strings('service-account-issuer')],
    apiAudiences: [...r.strings('api-audiences')],
    serviceAccountLookup: r.bool('service-account-lookup'),
    serviceAccountMaxTokenExpirationSeconds: Math.floor(r.durationMs('service-account-max-token-expiration') / 1000),
    enableBootstrapTokenAuth: r.bool('enable-bootstrap-token-auth'),
  };
  if (r.string('requestheader-client-ca-file') !== '') flags.requestheaderClientCaFile = r.string('requestheader-client-ca-file');
  if (r.string('token-auth-file') !== '') flags.tokenAuthFile = r.string('token-auth-file');
  if (r.string('service-account-signing-key-file') !== '') flags.serviceAccountSigningKeyFile = r.string('service-account-signing-key-file');
  if (r.string('service-account-jwks-uri') !== '') flags.serviceAccountJwksUri = r.string('service-account-jwks-uri');
  return flags;
}

export function toServerConfig(o: Options): ServerConfig {
  const optional = (v: string) => (v === '' ? undefined : v);
  const cfg: ServerConfig = {
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    certDir: o.certDir,
    anonymousAuth: o.anonymousAuth,
    etcdServers: o.etcdServers,
    etcdPrefix: o.etcdPrefix,
    etcdCompactionIntervalMs: o.etcdCompactionIntervalMs,
    // validateOptions has refused any other value.
    storageBackend: o.storageBackend as StorageBackendName,
    storageSqlitePath: o.storageSqlitePath,
    watchCache: o.watchCache,
    requestTimeoutSeconds: Math.round(o.requestTimeoutMs / 1000),
    minRequestTimeoutSeconds: o.minRequestTimeoutSeconds,
    maxRequestsInflight: o.maxRequestsInflight,
    maxMutatingRequestsInflight: o.maxMutatingRequestsInflight,
    shutdownDelayMs: o.raw.durationMs('shutdown-delay-duration'),
    hstsDirectives: [...o.raw.strings('strict-transport-security-directives')],
    responseCompression: gate(o, 'APIResponseCompression'),
    authorizationModes: [...o.authorizationModes],
    audit: toAuditConfig(o),
    authentication: toAuthenticationFlags(o),
    serviceClusterIpRanges: o.serviceClusterIpRanges,
    serviceNodePortRange: o.raw.portRange('service-node-port-range'),
    endpointReconcilerType: o.raw.string('endpoint-reconciler-type') as EndpointReconcilerType,
    apiserverCount: o.raw.number('apiserver-count'),
    kubernetesServiceNodePort: o.raw.number('kubernetes-service-node-port'),
    eventTtlSeconds: Math.floor(o.raw.durationMs('event-ttl') / 1000),
    leaseReuseDurationSeconds: o.raw.number('lease-reuse-duration-seconds'),
    enablePriorityAndFairness: o.raw.bool('enable-priority-and-fairness'),
    kubelet: {
      preferredAddressTypes: [...o.raw.strings('kubelet-preferred-address-types')], port: o.raw.number('kubelet-port'), timeoutMs: o.raw.durationMs('kubelet-timeout'),
      ...(optional(o.raw.string('kubelet-client-certificate')) ? { certFile: o.raw.string('kubelet-client-certificate') } : {}),
      ...(optional(o.raw.string('kubelet-client-key')) ? { keyFile: o.raw.string('kubelet-client-key') } : {}),
      ...(optional(o.raw.string('kubelet-certificate-authority')) ? { caFile: o.raw.string('kubelet-certificate-authority') } : {}),
    },
  };
  const set = <K extends keyof ServerConfig>(k: K, v: ServerConfig[K] | undefined) => { if (v !== undefined) cfg[k] = v; };
  set('advertiseAddress', optional(o.advertiseAddress));
  set('tlsCertFile', optional(o.tlsCertFile));
  set('tlsPrivateKeyFile', optional(o.tlsPrivateKeyFile));
  cfg.tlsMinVersion = tlsMinVersion(o.raw.string('tls-min-version'));
  const suites = tlsCipherSuites(o.raw.strings('tls-cipher-suites'));
  for (const name of suites.insecure) log.warn(`Use of insecure cipher '${name}' detected.`);
  for (const name of suites.unavailable) log.warn(`Cipher suite ${name} is not available in this runtime's TLS library; it is ignored`);
  set('tlsCiphers', suites.ciphers);
  cfg.tlsSniCertKeys = o.raw.namedCertKeys('tls-sni-cert-key').map(k => ({ certFile: k.certFile, keyFile: k.keyFile, names: [...k.names] }));
  set('clientCaFile', optional(o.clientCaFile));
  set('encryptionProviderConfig', optional(o.raw.string('encryption-provider-config')));
  cfg.admissionPlugins = [...o.enabledAdmissionPlugins];
  set('admissionControlConfigFile', optional(o.raw.string('admission-control-config-file')));
  cfg.allowPrivileged = o.raw.bool('allow-privileged');
  cfg.defaultNotReadyTolerationSeconds = o.raw.number('default-not-ready-toleration-seconds');
  cfg.defaultUnreachableTolerationSeconds = o.raw.number('default-unreachable-toleration-seconds');
  cfg.encryptionProviderConfigAutomaticReload = o.raw.bool('encryption-provider-config-automatic-reload');
  set('etcdCafile', optional(o.etcdCafile));
  set('etcdCertfile', optional(o.etcdCertfile));
  set('etcdKeyfile', optional(o.etcdKeyfile));
  cfg.aggregator = {
    endpointRouting: o.raw.bool('enable-aggregator-routing'),
    rejectForwardingRedirects: o.raw.bool('aggregator-reject-forwarding-redirect'),
    ...(optional(o.raw.string('proxy-client-cert-file')) ? { proxyClientCertFile: o.raw.string('proxy-client-cert-file') } : {}),
    ...(optional(o.raw.string('proxy-client-key-file')) ? { proxyClientKeyFile: o.raw.string('proxy-client-key-file') } : {}),
  };
  return cfg;
}

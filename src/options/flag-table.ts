/**
 * Every command-line flag of upstream kube-apiserver v1.32, with upstream's names, value types,
 * defaults and help sections. Hand-written from upstream's options code (k8s.io/apiserver
 * server/options, pkg/kubeapiserver/options, pkg/controlplane/apiserver/options,
 * cmd/kube-apiserver/app/options, component-base logs/metrics/featuregate/verflag); the
 * descriptions are our own words.
 *
 * Relative to v1.28: added authentication-config, authorization-config (1.29), disable-http2-serving,
 * emulated-version, storage-initialization-timeout (1.31), requestheader-uid-headers,
 * service-account-signing-endpoint, log-text-split-stream, log-text-info-buffer-size,
 * allow-metric-labels-manifest; enable-priority-and-fairness moved to the Features section;
 * authorization-mode lost its printed default (AlwaysAllow is applied only when neither it nor
 * authorization-config is given); enable-logs-handler now defaults to false; feature-gates became a
 * per-component map ("kube:Gate=true" or "Gate=true"). master-service-namespace and the in-tree
 * cloud-provider flags are gone.
 */

/** Value types, named after pflag's Value.Type() where that is readable. */
export type FlagType =
  | 'bool'
  | 'int' // Go int and int64
  | 'uint'
  | 'float' // Go float64
  | 'float32'
  | 'string'
  | 'strings' // pflag stringSlice: CSV-split, accumulates across repeats
  | 'stringArray' // every occurrence is one element, never split
  | 'duration'
  | 'ip'
  | 'portRange'
  | 'mapStringString' // k=v[,k2=v2], accumulates across repeats
  | 'stringToString'
  | 'namedCertKey'
  | 'colonSeparatedMultimapStringString'
  | 'level' // klog verbosity
  | 'vmodule'
  | 'quantity'
  | 'version';

/** Help sections, in the order upstream prints them. */
export const FLAG_GROUPS = [
  'Generic',
  'Etcd',
  'Secure serving',
  'Auditing',
  'Features',
  'Authentication',
  'Authorization',
  'API enablement',
  'Egress selector',
  'Admission',
  'Metrics',
  'Logs',
  'Traces',
  'Misc',
  'Cloud provider',
  'Global',
] as const;
export type FlagGroup = (typeof FLAG_GROUPS)[number];

export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  readonly group: FlagGroup;
  /** Default as it would be typed on the command line; absent means the type's zero value. */
  readonly default?: string;
  readonly description: string;
  /** True when this server acts on the flag; other flags are accepted, parsed and reported. */
  readonly implemented: boolean;
  readonly shorthand?: string;
  /** Upstream's deprecation message; pflag warns when the flag is used. */
  readonly deprecated?: string;
  /** Left out of --help (upstream hides most deprecated flags). */
  readonly hidden?: boolean;
  /** mapStringString variant taking exactly one k=v per occurrence (commas kept in the value). */
  readonly noSplit?: boolean;
  /** This server's own flag: upstream kube-apiserver has no such flag. */
  readonly own?: boolean;
}

type Row = Omit<FlagSpec, 'group' | 'implemented'> & { implemented?: boolean };

function section(group: FlagGroup, rows: Row[]): FlagSpec[] {
  return rows.map(r => ({ ...r, group, implemented: r.implemented ?? false }));
}

const AUDIT_BACKENDS = ['log', 'webhook'] as const;

function auditBatchAndTruncate(backend: (typeof AUDIT_BACKENDS)[number]): Row[] {
  const isLog = backend === 'log';
  return [
    { name: `audit-${backend}-batch-buffer-size`, implemented: true, type: 'int', default: '10000', description: 'Events buffered before batching (batch mode only).' },
    { name: `audit-${backend}-batch-max-size`, implemented: true, type: 'int', default: isLog ? '1' : '400', description: 'Largest batch sent at once (batch mode only).' },
    { name: `audit-${backend}-batch-max-wait`, implemented: true, type: 'duration', default: isLog ? undefined : '30s', description: 'How long an unfilled batch waits before it is flushed (batch mode only).' },
    { name: `audit-${backend}-batch-throttle-burst`, implemented: true, type: 'int', default: isLog ? undefined : '15', description: 'Batches allowed at once when the QPS budget was not used (batch mode only).' },
    { name: `audit-${backend}-batch-throttle-enable`, implemented: true, type: 'bool', default: isLog ? undefined : 'true', description: 'Throttle batch sending (batch mode only).' },
    { name: `audit-${backend}-batch-throttle-qps`, implemented: true, type: 'float32', default: isLog ? undefined : '10', description: 'Average batches per second when throttled (batch mode only).' },
    { name: `audit-${backend}-mode`, implemented: true, type: 'string', default: isLog ? 'blocking' : 'batch', description: 'How events are handed to the backend: blocking, blocking-strict or batch.' },
    { name: `audit-${backend}-truncate-enabled`, type: 'bool', description: 'Truncate oversized events and split oversized batches.' },
    { name: `audit-${backend}-truncate-max-batch-size`, type: 'int', default: '10485760', description: 'Largest batch in bytes before it is split.' },
    { name: `audit-${backend}-truncate-max-event-size`, type: 'int', default: '102400', description: 'Largest event in bytes; bigger events lose request/response bodies, then are dropped.' },
    { name: `audit-${backend}-version`, implemented: true, type: 'string', default: 'audit.k8s.io/v1', description: 'API group/version used to serialize audit events.' },
  ];
}

export const FLAGS: readonly FlagSpec[] = [
  ...section('Generic', [
    { name: 'advertise-address', type: 'ip', implemented: true, description: 'Address announced to cluster members (the kubernetes Service endpoint). Defaults to --bind-address, or the host\'s default interface.' },
    { name: 'cors-allowed-origins', type: 'strings', description: 'Regular expressions of allowed CORS origins; empty disables CORS.' },
    { name: 'default-not-ready-toleration-seconds', type: 'int', default: '300', implemented: true, description: 'tolerationSeconds added to pods without a not-ready toleration.' },
    { name: 'default-unreachable-toleration-seconds', type: 'int', default: '300', implemented: true, description: 'tolerationSeconds added to pods without an unreachable toleration.' },
    { name: 'emulated-version', type: 'strings', description: 'Version (major.minor) whose behaviour each component emulates, e.g. kube=1.31.' },
    { name: 'external-hostname', type: 'string', description: 'Hostname used in externalized URLs (e.g. OpenID discovery).' },
    { name: 'feature-gates', type: 'colonSeparatedMultimapStringString', implemented: true, description: 'component:Gate=bool pairs (component defaults to kube) switching alpha/beta features; may be repeated.' },
    { name: 'goaway-chance', type: 'float', description: 'Fraction of HTTP/2 requests answered with GOAWAY to rebalance clients (0 to 0.02).' },
    { name: 'livez-grace-period', type: 'duration', description: 'Time after start during which /livez treats unfinished post-start hooks as healthy.' },
    { name: 'max-mutating-requests-inflight', type: 'int', default: '200', implemented: true, description: 'Concurrent mutating requests allowed; 0 means no limit.' },
    { name: 'max-requests-inflight', type: 'int', default: '400', implemented: true, description: 'Concurrent read-only requests allowed; 0 means no limit.' },
    { name: 'min-request-timeout', type: 'int', default: '1800', implemented: true, description: 'Minimum seconds a watch stays open; the actual timeout is randomized above it.' },
    { name: 'request-timeout', type: 'duration', default: '1m0s', implemented: true, description: 'Default timeout of non-long-running requests.' },
    { name: 'shutdown-delay-duration', type: 'duration', description: 'After SIGTERM, keep serving (with /readyz failing) this long before shutting down.' },
    { name: 'shutdown-send-retry-after', type: 'bool', description: 'While draining on shutdown, answer new requests with 429 and Retry-After.' },
    { name: 'shutdown-watch-termination-grace-period', type: 'duration', description: 'Longest wait for open watches to end during graceful shutdown.' },
    { name: 'storage-initialization-timeout', type: 'duration', default: '1m0s', description: 'Longest wait for storage to initialize before the server reports ready.' },
    { name: 'strict-transport-security-directives', type: 'strings', implemented: true, description: 'HSTS directives, e.g. max-age=31536000,includeSubDomains,preload; empty sends no HSTS header.' },
    {
      name: 'worker-processes', type: 'int', implemented: true, own: true,
      description: 'Server processes sharing the secure port, each a full API server on the same etcd; 0 (the default) starts min(CPUs, 4), counting a cgroup CPU limit; 1 serves from this one process. Not an upstream flag.',
    },
  ]),
  ...section('Etcd', [
    { name: 'default-watch-cache-size', type: 'int', default: '100', implemented: true, hidden: true, deprecated: 'watch caches are sized automatically and this flag will be removed in a future version', description: 'Watch cache size for resources without an explicit size; 0 disables those caches.' },
    { name: 'delete-collection-workers', type: 'int', default: '1', implemented: true, description: 'Parallel workers per DeleteCollection call.' },
    { name: 'enable-garbage-collector', type: 'bool', default: 'true', description: 'Enable the generic garbage collector; keep in sync with kube-controller-manager.' },
    { name: 'encryption-provider-config', type: 'string', implemented: true, description: 'EncryptionConfiguration file for encrypting resources at rest.' },
    { name: 'encryption-provider-config-automatic-reload', type: 'bool', implemented: true, description: 'Reload --encryption-provider-config when the file changes.' },
    { name: 'etcd-cafile', type: 'string', implemented: true, description: 'CA bundle used to verify etcd servers.' },
    { name: 'etcd-certfile', type: 'string', implemented: true, description: 'Client certificate presented to etcd.' },
    { name: 'etcd-compaction-interval', type: 'duration', default: '5m0s', implemented: true, description: 'Interval between etcd compactions; 0 disables compaction by this server.' },
    { name: 'etcd-count-metric-poll-period', type: 'duration', default: '1m0s', description: 'How often object counts per resource are polled; 0 disables.' },
    { name: 'etcd-db-metric-poll-interval', type: 'duration', default: '30s', description: 'How often the etcd database size metric is polled; 0 disables.' },
    { name: 'etcd-healthcheck-timeout', type: 'duration', default: '2s', description: 'Timeout of etcd health checks.' },
    { name: 'etcd-keyfile', type: 'string', implemented: true, description: 'Private key of the client certificate presented to etcd.' },
    { name: 'etcd-prefix', type: 'string', default: '/registry', implemented: true, description: 'Key prefix of every resource stored in etcd.' },
    { name: 'etcd-readycheck-timeout', type: 'duration', default: '2s', description: 'Timeout of etcd readiness checks.' },
    { name: 'etcd-servers', type: 'strings', implemented: true, description: 'etcd endpoints (scheme://host:port), comma separated.' },
    { name: 'etcd-servers-overrides', type: 'strings', description: 'Per-resource etcd endpoints: group/resource#url;url, comma separated.' },
    { name: 'lease-reuse-duration-seconds', implemented: true, type: 'int', default: '60', description: 'Seconds an etcd lease is shared by keys with the same TTL.' },
    { name: 'storage-backend', type: 'string', implemented: true, description: "Storage backend: etcd3 (upstream's only one) or sqlite (embedded, one file); defaults to etcd3 when --etcd-servers is given, else sqlite." },
    { name: 'storage-sqlite-path', type: 'string', default: '/var/lib/kube-apiserver/storage.db', implemented: true, own: true, description: 'With --storage-backend=sqlite: the database file, created (with its directory) if absent. Not an upstream flag.' },
    { name: 'storage-media-type', type: 'string', default: 'application/vnd.kubernetes.protobuf', implemented: true, description: 'Encoding of objects in storage. This server writes application/json only.' },
    { name: 'watch-cache', type: 'bool', default: 'true', implemented: true, description: 'Serve watches and lists from an in-memory cache.' },
    { name: 'watch-cache-sizes', type: 'strings', description: 'Per-resource watch cache settings resource[.group]#size; only 0 (disable) is meaningful.' },
  ]),
  ...section('Secure serving', [
    { name: 'bind-address', type: 'ip', default: '0.0.0.0', implemented: true, description: 'Address the HTTPS port listens on; 0.0.0.0 or :: means all interfaces.' },
    { name: 'cert-dir', type: 'string', default: '/var/run/kubernetes', implemented: true, description: 'Where a self-signed serving certificate is written when no --tls-cert-file is given.' },
    { name: 'disable-http2-serving', type: 'bool', description: 'Serve HTTP/1.1 only.' },
    { name: 'http2-max-streams-per-connection', type: 'int', description: 'HTTP/2 stream limit per connection; 0 keeps the default.' },
    { name: 'permit-address-sharing', type: 'bool', description: 'Bind with SO_REUSEADDR.' },
    { name: 'permit-port-sharing', type: 'bool', description: 'Bind with SO_REUSEPORT so several processes share the port.' },
    { name: 'secure-port', type: 'int', default: '6443', implemented: true, description: 'HTTPS port (authenticated and authorized); cannot be 0.' },
    { name: 'tls-cert-file', type: 'string', implemented: true, description: 'Serving certificate (followed by any intermediates).' },
    { name: 'tls-cipher-suites', type: 'strings', implemented: true, description: 'Allowed TLS cipher suites (Go names); empty uses the defaults.' },
    { name: 'tls-min-version', type: 'string', implemented: true, description: 'Lowest TLS version accepted, e.g. VersionTLS12.' },
    { name: 'tls-private-key-file', type: 'string', implemented: true, description: 'Private key of --tls-cert-file.' },
    { name: 'tls-sni-cert-key', type: 'namedCertKey', implemented: true, description: 'cert,key[:name,...] pair served by SNI; may be repeated.' },
  ]),
  ...section('Auditing', [
    ...auditBatchAndTruncate('log'),
    { name: 'audit-log-compress', implemented: true, type: 'bool', description: 'gzip rotated audit log files.' },
    { name: 'audit-log-format', implemented: true, type: 'string', default: 'json', description: 'Audit log line format: legacy or json.' },
    { name: 'audit-log-maxage', implemented: true, type: 'int', description: 'Days to keep rotated audit log files.' },
    { name: 'audit-log-maxbackup', implemented: true, type: 'int', description: 'Rotated audit log files to keep; 0 keeps all.' },
    { name: 'audit-log-maxsize', implemented: true, type: 'int', description: 'Megabytes an audit log file reaches before rotation.' },
    { name: 'audit-log-path', implemented: true, type: 'string', description: 'Audit log file; - writes to standard output.' },
    { name: 'audit-policy-file', implemented: true, type: 'string', description: 'Audit policy file.' },
    ...auditBatchAndTruncate('webhook'),
    { name: 'audit-webhook-config-file', implemented: true, type: 'string', description: 'kubeconfig file of the audit webhook.' },
    { name: 'audit-webhook-initial-backoff', implemented: true, type: 'duration', default: '10s', description: 'Wait before retrying the first failed webhook request.' },
    { name: 'audit-webhook-batch-initial-backoff', implemented: true, type: 'duration', default: '10s', hidden: true, deprecated: 'Deprecated, use --audit-webhook-initial-backoff instead.', description: 'Old name of --audit-webhook-initial-backoff.' },
  ]),
  ...section('Features', [
    { name: 'contention-profiling', type: 'bool', description: 'Enable block profiling when profiling is on.' },
    { name: 'debug-socket-path', type: 'string', description: 'Serve profiling endpoints on this unix socket, unauthenticated.' },
    { name: 'enable-priority-and-fairness', type: 'bool', default: 'true', implemented: true, description: 'Use API Priority and Fairness instead of the max-in-flight limits.' },
    { name: 'profiling', type: 'bool', default: 'true', description: 'Serve /debug/pprof.' },
  ]),
  ...section('Authentication', [
    { name: 'anonymous-auth', type: 'bool', default: 'true', implemented: true, description: 'Treat requests no authenticator rejects as system:anonymous.' },
    { name: 'api-audiences', type: 'strings', implemented: true, description: 'Audiences service account tokens must be bound to; defaults to the issuer.' },
    { name: 'authentication-config', type: 'string', description: 'AuthenticationConfiguration file (JWT authenticators, anonymous); excludes --oidc-* flags.' },
    { name: 'authentication-token-webhook-cache-ttl', type: 'duration', default: '2m0s', description: 'How long token webhook answers are cached.' },
    { name: 'authentication-token-webhook-config-file', type: 'string', description: 'kubeconfig file of the token authentication webhook.' },
    { name: 'authentication-token-webhook-version', type: 'string', default: 'v1beta1', description: 'TokenReview version sent to the webhook.' },
    { name: 'client-ca-file', type: 'string', implemented: true, description: 'CA bundle; client certificates it signs authenticate as their CommonName.' },
    { name: 'enable-bootstrap-token-auth', type: 'bool', implemented: true, description: 'Accept bootstrap tokens stored as Secrets in kube-system.' },
    { name: 'oidc-ca-file', type: 'string', description: 'CA bundle used to verify the OIDC issuer.' },
    { name: 'oidc-client-id', type: 'string', description: 'OIDC client ID; required with --oidc-issuer-url.' },
    { name: 'oidc-groups-claim', type: 'string', description: 'Claim holding the user\'s groups.' },
    { name: 'oidc-groups-prefix', type: 'string', description: 'Prefix added to OIDC groups.' },
    { name: 'oidc-issuer-url', type: 'string', description: 'HTTPS URL of the OIDC issuer.' },
    { name: 'oidc-required-claim', type: 'mapStringString', noSplit: true, description: 'key=value claim the ID token must carry; may be repeated.' },
    { name: 'oidc-signing-algs', type: 'strings', default: 'RS256', description: 'Accepted JOSE signing algorithms.' },
    { name: 'oidc-username-claim', type: 'string', default: 'sub', description: 'Claim used as the user name.' },
    { name: 'oidc-username-prefix', type: 'string', description: 'Prefix added to OIDC user names; - for none.' },
    { name: 'requestheader-allowed-names', type: 'strings', implemented: true, description: 'Client certificate common names allowed to send identity headers; empty allows any.' },
    { name: 'requestheader-client-ca-file', type: 'string', implemented: true, description: 'CA bundle verifying front proxies before their identity headers are trusted.' },
    { name: 'requestheader-extra-headers-prefix', type: 'strings', implemented: true, description: 'Header prefixes carrying user extras, e.g. X-Remote-Extra-.' },
    { name: 'requestheader-group-headers', type: 'strings', implemented: true, description: 'Headers carrying groups, e.g. X-Remote-Group.' },
    { name: 'requestheader-uid-headers', type: 'strings', implemented: true, description: 'Headers carrying the user UID, e.g. X-Remote-Uid.' },
    { name: 'requestheader-username-headers', type: 'strings', implemented: true, description: 'Headers carrying the user name, e.g. X-Remote-User.' },
    { name: 'service-account-extend-token-expiration', type: 'bool', default: 'true', description: 'Extend injected service account tokens to a year to ease migration.' },
    { name: 'service-account-issuer', type: 'stringArray', implemented: true, description: 'Issuer of service account tokens; the first signs, all are accepted. May be repeated.' },
    { name: 'service-account-jwks-uri', type: 'string', implemented: true, description: 'JWKS URI announced in /.well-known/openid-configuration.' },
    { name: 'service-account-key-file', type: 'stringArray', implemented: true, description: 'PEM public or private keys verifying service account tokens; may be repeated.' },
    { name: 'service-account-lookup', type: 'bool', default: 'true', implemented: true, description: 'Check that service account tokens still exist in storage.' },
    { name: 'service-account-max-token-expiration', type: 'duration', implemented: true, description: 'Longest validity of issued service account tokens.' },
    { name: 'token-auth-file', type: 'string', implemented: true, description: 'Static bearer token CSV file.' },
  ]),
  ...section('Authorization', [
    { name: 'authorization-config', type: 'string', description: 'AuthorizationConfiguration file; excludes --authorization-mode and --authorization-webhook-*.' },
    { name: 'authorization-mode', type: 'strings', implemented: true, description: 'Ordered authorizers: AlwaysAllow, AlwaysDeny, ABAC, Webhook, RBAC, Node. AlwaysAllow when neither this nor --authorization-config is set.' },
    { name: 'authorization-policy-file', type: 'string', description: 'ABAC policy file (JSON lines).' },
    { name: 'authorization-webhook-cache-authorized-ttl', type: 'duration', default: '5m0s', description: 'How long allow answers of the webhook are cached.' },
    { name: 'authorization-webhook-cache-unauthorized-ttl', type: 'duration', default: '30s', description: 'How long deny answers of the webhook are cached.' },
    { name: 'authorization-webhook-config-file', type: 'string', description: 'kubeconfig file of the authorization webhook.' },
    { name: 'authorization-webhook-version', type: 'string', default: 'v1beta1', description: 'SubjectAccessReview version sent to the webhook.' },
  ]),
  ...section('API enablement', [
    { name: 'runtime-config', type: 'mapStringString', implemented: true, description: 'key=value pairs enabling or disabling API group/versions or resources, e.g. api/all=true, batch/v2alpha1=false.' },
  ]),
  ...section('Egress selector', [
    { name: 'egress-selector-config-file', type: 'string', description: 'EgressSelectorConfiguration file for outbound connections.' },
  ]),
  ...section('Admission', [
    { name: 'admission-control', type: 'strings', deprecated: 'Use --enable-admission-plugins or --disable-admission-plugins instead. Will be removed in a future version.', implemented: true, description: 'Admission plugins to run, replacing the defaults.' },
    { name: 'admission-control-config-file', type: 'string', implemented: true, description: 'AdmissionConfiguration file with per-plugin settings.' },
    { name: 'disable-admission-plugins', type: 'strings', implemented: true, description: 'Admission plugins to turn off even if enabled by default.' },
    { name: 'enable-admission-plugins', type: 'strings', implemented: true, description: 'Admission plugins to turn on in addition to the defaults.' },
  ]),
  ...section('Metrics', [
    { name: 'allow-metric-labels', type: 'stringToString', description: 'metric,label=\'v1,v2\' allow-lists of label values.' },
    { name: 'allow-metric-labels-manifest', type: 'string', description: 'File with the same mapping as --allow-metric-labels (the flag wins).' },
    { name: 'disabled-metrics', type: 'strings', description: 'Fully qualified metric names to turn off.' },
    { name: 'show-hidden-metrics-for-version', type: 'string', description: 'Previous minor version (e.g. 1.31) whose hidden metrics are shown again.' },
  ]),
  ...section('Logs', [
    { name: 'log-flush-frequency', type: 'duration', default: '5s', description: 'Longest time between log flushes.' },
    { name: 'log-json-info-buffer-size', type: 'quantity', description: '[Alpha] Info buffer size with split JSON streams.' },
    { name: 'log-json-split-stream', type: 'bool', description: '[Alpha] JSON format: errors to stderr, info to stdout.' },
    { name: 'log-text-info-buffer-size', type: 'quantity', description: '[Alpha] Info buffer size with split text streams.' },
    { name: 'log-text-split-stream', type: 'bool', description: '[Alpha] Text format: errors to stderr, info to stdout.' },
    { name: 'logging-format', type: 'string', default: 'text', description: 'Log format: text or json.' },
    { name: 'v', type: 'level', shorthand: 'v', implemented: true, description: 'Log verbosity level.' },
    { name: 'vmodule', type: 'vmodule', description: 'pattern=N pairs setting verbosity per source file (text format only).' },
  ]),
  ...section('Traces', [
    { name: 'tracing-config-file', type: 'string', description: 'TracingConfiguration file for OpenTelemetry tracing.' },
  ]),
  ...section('Misc', [
    { name: 'aggregator-reject-forwarding-redirect', implemented: true, type: 'bool', default: 'true', description: 'Do not pass redirects from aggregated API servers back to clients.' },
    { name: 'allow-privileged', implemented: true, type: 'bool', description: 'Allow privileged containers.' },
    { name: 'apiserver-count', implemented: true, type: 'int', default: '1', hidden: true, deprecated: 'apiserver-count is deprecated and will be removed in a future version.', description: 'Number of API servers (master-count endpoint reconciler only).' },
    { name: 'enable-aggregator-routing', implemented: true, type: 'bool', description: 'Route aggregated API requests to endpoint IPs instead of the Service IP.' },
    { name: 'enable-logs-handler', type: 'bool', hidden: true, deprecated: 'This flag will be removed in v1.33', description: 'Serve /logs from the log directory.' },
    { name: 'endpoint-reconciler-type', implemented: true, type: 'string', default: 'lease', description: 'How the kubernetes Service endpoints are kept: master-count, lease or none.' },
    { name: 'event-ttl', implemented: true, type: 'duration', default: '1h0m0s', description: 'How long events are kept.' },
    { name: 'kubelet-certificate-authority', implemented: true, type: 'string', description: 'CA bundle verifying kubelet serving certificates.' },
    { name: 'kubelet-client-certificate', implemented: true, type: 'string', description: 'Client certificate presented to kubelets.' },
    { name: 'kubelet-client-key', implemented: true, type: 'string', description: 'Private key of --kubelet-client-certificate.' },
    { name: 'kubelet-port', implemented: true, type: 'uint', default: '10250', hidden: true, deprecated: 'kubelet-port is deprecated and will be removed.', description: 'Kubelet port.' },
    { name: 'kubelet-preferred-address-types', implemented: true, type: 'strings', default: 'Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP', description: 'Node address types tried, in order, to reach kubelets.' },
    { name: 'kubelet-read-only-port', type: 'uint', default: '10255', hidden: true, deprecated: 'kubelet-read-only-port is deprecated and will be removed.', description: 'Kubelet read-only port.' },
    { name: 'kubelet-timeout', implemented: true, type: 'duration', default: '5s', description: 'Timeout of kubelet calls.' },
    { name: 'kubernetes-service-node-port', implemented: true, type: 'int', description: 'Make the kubernetes Service a NodePort Service on this port; 0 keeps ClusterIP.' },
    { name: 'max-connection-bytes-per-sec', type: 'int', description: 'Per-connection byte rate limit for long-running requests; 0 disables.' },
    { name: 'peer-advertise-ip', type: 'string', description: 'IP peers use to proxy requests to this server (UnknownVersionInteroperabilityProxy).' },
    { name: 'peer-advertise-port', type: 'string', description: 'Port peers use to proxy requests to this server (UnknownVersionInteroperabilityProxy).' },
    { name: 'peer-ca-file', type: 'string', description: 'CA bundle verifying peer API servers (UnknownVersionInteroperabilityProxy).' },
    { name: 'proxy-client-cert-file', implemented: true, type: 'string', description: 'Client certificate used when calling aggregated API servers and webhooks.' },
    { name: 'proxy-client-key-file', implemented: true, type: 'string', description: 'Private key of --proxy-client-cert-file.' },
    { name: 'service-account-signing-endpoint', type: 'string', description: 'Unix socket of an external service account token signer (ExternalServiceAccountTokenSigner).' },
    { name: 'service-account-signing-key-file', type: 'string', implemented: true, description: 'Private key signing service account tokens.' },
    { name: 'service-cluster-ip-range', type: 'string', implemented: true, description: 'CIDR (or two CIDRs of different IP families) for Service cluster IPs.' },
    { name: 'service-node-port-range', implemented: true, type: 'portRange', default: '30000-32767', description: 'Inclusive port range for NodePort Services.' },
  ]),
  ...section('Cloud provider', [
    { name: 'cloud-config', type: 'string', description: 'Cloud provider configuration file.' },
    { name: 'cloud-provider', type: 'string', description: 'Cloud provider; only external (or empty) remains.' },
  ]),
  ...section('Global', [
    { name: 'help', type: 'bool', shorthand: 'h', implemented: true, description: 'Print this help and exit.' },
    { name: 'version', type: 'version', implemented: true, description: '--version or --version=raw prints the version and exits; --version=vX.Y.Z sets the reported version.' },
  ]),
];

export const FLAGS_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAGS.map(f => [f.name, f]));

export const FLAGS_BY_SHORTHAND: ReadonlyMap<string, FlagSpec> = new Map(
  FLAGS.filter(f => f.shorthand !== undefined).map(f => [f.shorthand as string, f]),
);

/** True for flags that take no value unless given one with '=' (pflag's NoOptDefVal). */
export function isValueOptional(spec: FlagSpec): boolean {
  return spec.type === 'bool' || spec.type === 'version';
}

/** The type word pflag prints after the flag name in --help ('' for bool). */
export function helpType(spec: FlagSpec): string {
  switch (spec.type) {
    case 'bool':
      return '';
    case 'level':
      return 'Level';
    case 'vmodule':
      return 'pattern=N,...';
    case 'version':
      return 'version[=true]';
    default:
      return spec.type;
  }
}

/** The default as upstream's --help prints it, or undefined when it prints none (zero value). */
export function printedDefault(spec: FlagSpec): string | undefined {
  if (spec.type === 'namedCertKey' || spec.type === 'stringToString') return spec.default ?? '[]';
  const d = spec.default;
  if (d === undefined || d === '' || d === '0' || d === 'false') return undefined;
  switch (spec.type) {
    case 'string':
      return JSON.stringify(d);
    case 'strings':
    case 'stringArray':
      return `[${d}]`;
    default:
      return d;
  }
}

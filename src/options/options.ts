/**
 * The typed options the server runs with, built from parsed flags with upstream's Complete()
 * defaulting, and upstream's validation messages.
 */
import { ADMISSION_PLUGINS, DEFAULT_ENABLED_ADMISSION_PLUGINS } from './admission-plugins.js';
import { bitsOf, cappedRangeSize, DEFAULT_SERVICE_IP_CIDR, indexedIP, isIPv4Cidr, parseCidrSloppy, type Cidr } from './cidr.js';
import { FLAGS_BY_NAME } from './flag-table.js';
import type { ParsedFlags } from './parse.js';
import { tlsCipherSuites, tlsMinVersion } from './tls-flags.js';
import { isIPv4 } from 'node:net';

export { usage } from './usage.js';

/** This build's Kubernetes version, which bounds --emulated-version and --show-hidden-metrics-for-version. */
const BINARY_MINOR = 32;

export const AUTHORIZATION_MODES: readonly string[] = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'];

/** Feature gates consulted by validation, with their v1.32 defaults. */
const GATE_DEFAULTS: Readonly<Record<string, boolean>> = {
  StructuredAuthenticationConfiguration: true,
  StructuredAuthorizationConfiguration: true,
  UnknownVersionInteroperabilityProxy: false,
  StorageVersionAPI: false,
  MultiCIDRServiceAllocator: false,
  DisableAllocatorDualWrite: false,
  APIResponseCompression: true,
};

export interface Options {
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  certDir: string;
  clientCaFile: string;
  etcdServers: string[];
  etcdCafile: string;
  etcdCertfile: string;
  etcdKeyfile: string;
  etcdPrefix: string;
  etcdCompactionIntervalMs: number;
  /**
   * --storage-backend as given, or the default: etcd3 when --etcd-servers is given, else the
   * embedded sqlite (upstream has no default-less mode; this server runs with nothing else installed).
   */
  storageBackend: string;
  /** --storage-sqlite-path: the sqlite backend's database file. */
  storageSqlitePath: string;
  /** --service-cluster-ip-range entries as given; upstream's 10.0.0.0/24 when the flag is empty. */
  serviceClusterIpRanges: string[];
  /** First address of the primary range: the kubernetes Service's ClusterIP ('' if the range is invalid). */
  apiServerServiceIp: string;
  /** --advertise-address, else a specific --bind-address; '' means "use the host's default interface". */
  advertiseAddress: string;
  verbosity: number;
  requestTimeoutMs: number;
  minRequestTimeoutSeconds: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  watchCache: boolean;
  defaultWatchCacheSize: number;
  deleteCollectionWorkers: number;
  /** The media type objects are stored in; this server writes application/json only. */
  storageMediaType: string;
  /** --runtime-config with upstream's key normalization (v1, api/v1 -> /v1; api/legacy dropped). */
  runtimeConfig: Record<string, string>;
  /** Gates given for the kube component (with or without the "kube:" prefix). */
  featureGates: Record<string, boolean>;
  /** Authorizer chain; AlwaysAllow when neither --authorization-mode nor --authorization-config is given. */
  authorizationModes: string[];
  /** --anonymous-auth, forced off with AlwaysAllow as upstream does. */
  anonymousAuth: boolean;
  /** Admission plugins switched on (a set, not the execution order). */
  enabledAdmissionPlugins: string[];
  help: boolean;
  /** "false", "true", "raw" or an overriding "vX.Y.Z". */
  version: string;
  /** Every flag, for those without a typed field here. */
  raw: ParsedFlags;
}

function normalizeRuntimeConfig(input: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'api/legacy') continue;
    const isV1 = key === 'v1' || key.startsWith('v1/') || key === 'api/v1' || key.startsWith('api/v1/');
    out[isV1 ? '/v1' : key] = value;
  }
  return out;
}

/** Feature gates for the kube component; a malformed or foreign entry is left for validateOptions. */
function kubeFeatureGates(raw: ParsedFlags): Record<string, boolean> {
  const multimap = raw.multimap('feature-gates');
  const out: Record<string, boolean> = {};
  for (const entry of [...(multimap[''] ?? []), ...(multimap['kube'] ?? [])]) {
    for (const pair of entry.split(',')) {
      const i = pair.indexOf('=');
      if (i < 0) continue;
      const value = pair.slice(i + 1).trim();
      out[pair.slice(0, i).trim()] = ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
    }
  }
  return out;
}

export function gate(o: Pick<Options, 'featureGates'>, name: keyof typeof GATE_DEFAULTS): boolean {
  return o.featureGates[name] ?? GATE_DEFAULTS[name];
}

const isUnspecifiedIP = (ip: string): boolean => ip === '' || ip === '0.0.0.0' || /^[0:]+$/.test(ip);

function enabledAdmissionPlugins(raw: ParsedFlags): string[] {
  if (raw.isSet('admission-control')) return [...raw.strings('admission-control')];
  const disabled = new Set(raw.strings('disable-admission-plugins'));
  const enabled = [...DEFAULT_ENABLED_ADMISSION_PLUGINS, ...raw.strings('enable-admission-plugins')];
  return [...new Set(enabled)].filter(p => !disabled.has(p));
}

/** Builds the typed options (upstream's Complete step, minus anything touching the network). */
export function buildOptions(raw: ParsedFlags): Options {
  const rangeText = raw.string('service-cluster-ip-range');
  const serviceClusterIpRanges = rangeText === '' ? [DEFAULT_SERVICE_IP_CIDR] : rangeText.split(',');
  const primary = parseCidrSloppy(serviceClusterIpRanges[0]);
  const bindAddress = raw.string('bind-address');
  const advertise = raw.string('advertise-address');
  const authorizationModes =
    raw.strings('authorization-mode').length === 0 && raw.string('authorization-config') === '' ? ['AlwaysAllow'] : [...raw.strings('authorization-mode')];
  return {
    bindAddress,
    securePort: raw.number('secure-port'),
    tlsCertFile: raw.string('tls-cert-file'),
    tlsPrivateKeyFile: raw.string('tls-private-key-file'),
    certDir: raw.string('cert-dir'),
    clientCaFile: raw.string('client-ca-file'),
    etcdServers: [...raw.strings('etcd-servers')],
    etcdCafile: raw.string('etcd-cafile'),
    etcdCertfile: raw.string('etcd-certfile'),
    etcdKeyfile: raw.string('etcd-keyfile'),
    etcdPrefix: raw.string('etcd-prefix'),
    etcdCompactionIntervalMs: raw.durationMs('etcd-compaction-interval'),
    storageBackend: raw.string('storage-backend') || (raw.strings('etcd-servers').length > 0 ? 'etcd3' : 'sqlite'),
    storageSqlitePath: raw.string('storage-sqlite-path'),
    serviceClusterIpRanges,
    apiServerServiceIp: primary && cappedRangeSize(primary) >= 8 ? indexedIP(primary, 1) : '',
    advertiseAddress: !isUnspecifiedIP(advertise) ? advertise : !isUnspecifiedIP(bindAddress) ? bindAddress : '',
    verbosity: raw.number('v'),
    requestTimeoutMs: raw.durationMs('request-timeout'),
    minRequestTimeoutSeconds: raw.number('min-request-timeout'),
    maxRequestsInflight: raw.number('max-requests-inflight'),
    maxMutatingRequestsInflight: raw.number('max-mutating-requests-inflight'),
    watchCache: raw.bool('watch-cache'),
    defaultWatchCacheSize: raw.number('default-watch-cache-size'),
    deleteCollectionWorkers: raw.number('delete-collection-workers'),
    storageMediaType: 'application/json',
    runtimeConfig: normalizeRuntimeConfig(raw.stringMap('runtime-config')),
    featureGates: kubeFeatureGates(raw),
    authorizationModes,
    anonymousAuth: raw.bool('anonymous-auth') && !authorizationModes.includes('AlwaysAllow'),
    enabledAdmissionPlugins: enabledAdmissionPlugins(raw),
    help: raw.bool('help'),
    version: raw.string('version'),
    raw,
  };
}

/** Names of the flags the user set that this server accepts but does not act on. */
export function setButNotImplemented(parsed: ParsedFlags): string[] {
  return parsed.setNames().filter(name => FLAGS_BY_NAME.get(name)?.implemented === false);
}

/** Upstream's start-up warnings that follow from the options alone. */
/** The admission plugins this server implements; the others it accepts, and they admit everything. */
export const IMPLEMENTED_ADMISSION_PLUGINS = [
  'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'NodeRestriction', 'TaintNodesByCondition', 'PodSecurity', 'Priority', 'DefaultTolerationSeconds',
  'DefaultStorageClass', 'RuntimeClass', 'StorageObjectInUseProtection', 'CertificateApproval', 'CertificateSigning', 'CertificateSubjectRestriction',
  'DefaultIngressClass', 'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota',
];

/** Enabled admission plugins this server does not implement (ours to warn about, not upstream's). */
export function unimplementedAdmissionPlugins(o: Options): string[] {
  return o.enabledAdmissionPlugins.filter(p => !IMPLEMENTED_ADMISSION_PLUGINS.includes(p));
}

export function optionWarnings(o: Options): string[] {
  const warnings = [...o.raw.deprecationWarnings];
  if (!o.raw.isSet('service-cluster-ip-range')) {
    warnings.push(
      `No CIDR for service cluster IPs specified. Default value which was ${DEFAULT_SERVICE_IP_CIDR} is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver.`,
    );
  }
  if (o.raw.bool('anonymous-auth') && o.authorizationModes.includes('AlwaysAllow')) {
    warnings.push('AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false. You should use a different authorizer');
  }
  const headerChecks: [string, string, string][] = [
    ['requestheader-username-headers', 'X-Remote-User', 'header'],
    ['requestheader-group-headers', 'X-Remote-Group', 'header'],
    ['requestheader-extra-headers-prefix', 'X-Remote-Extra-', 'header prefix'],
  ];
  for (const [flag, standard, what] of headerChecks) {
    const values = o.raw.strings(flag);
    if (values.length > 0 && !values.some(v => v.toLowerCase() === standard.toLowerCase())) {
      warnings.push(`--${flag} is set without specifying the standard ${standard} ${what} - API aggregation will not work`);
    }
  }
  return warnings;
}

function validateGeneric(o: Options, errs: string[]): void {
  const r = o.raw;
  if (r.durationMs('livez-grace-period') < 0) errs.push('--livez-grace-period can not be a negative value');
  if (o.maxRequestsInflight < 0) errs.push('--max-requests-inflight can not be negative value');
  if (o.maxMutatingRequestsInflight < 0) errs.push('--max-mutating-requests-inflight can not be negative value');
  if (o.requestTimeoutMs < 0) errs.push('--request-timeout can not be negative value');
  const goaway = r.number('goaway-chance');
  if (goaway < 0 || goaway > 0.02) errs.push('--goaway-chance can not be less than 0 or greater than 0.02');
  if (o.minRequestTimeoutSeconds < 0) errs.push('--min-request-timeout can not be negative value');
  if (r.durationMs('storage-initialization-timeout') < 0) errs.push('--storage-initialization-timeout can not be negative value');
  if (r.durationMs('shutdown-delay-duration') < 0) errs.push('--shutdown-delay-duration can not be negative value');
  // Our own flag, worded like its neighbours.
  if (r.number('worker-processes') < 0) errs.push('--worker-processes can not be negative value');
  if (r.durationMs('shutdown-watch-termination-grace-period') < 0) {
    errs.push('shutdown-watch-termination-grace-period, if provided, can not be a negative value');
  }
  for (const d of r.strings('strict-transport-security-directives')) {
    if (d.trim() === '') {
      errs.push('empty value in strict-transport-security-directives');
    } else if (d !== 'includeSubDomains' && d !== 'preload') {
      const parts = d.split('=');
      if (parts.length !== 2 || parts[0] !== 'max-age') {
        errs.push(
          '--strict-transport-security-directives invalid, allowed values: max-age=expireTime, includeSubDomains, preload. see https://tools.ietf.org/html/rfc6797#section-6.1 for more information',
        );
      }
    }
  }
  for (const origin of r.strings('cors-allowed-origins')) {
    if (origin === '') {
      errs.push('empty value in --cors-allowed-origins');
      continue;
    }
    try {
      new RegExp(origin);
    } catch (e) {
      errs.push(`--cors-allowed-origins has an invalid regular expression: ${(e as Error).message}`);
      continue;
    }
    const pinStart = origin.includes('^') || origin.includes('//');
    const pinEnd = origin.includes('$') || origin.includes(':');
    if (!pinStart || !pinEnd) {
      errs.push('--cors-allowed-origins has an invalid regular expression: regular expression does not pin to start/end of host in the origin header');
    }
  }
  validateComponentGlobals(r, errs);
}

/** The component registry's checks of --emulated-version and --feature-gates prefixes. */
function validateComponentGlobals(r: ParsedFlags, errs: string[]): void {
  const seen = new Map<string, string>();
  for (const entry of r.strings('emulated-version')) {
    const eq = entry.indexOf('=');
    const component = eq < 0 ? 'kube' : entry.slice(0, eq).trim();
    const text = eq < 0 ? entry : entry.slice(eq + 1).trim();
    const m = /^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?$/.exec(text);
    if (!m) {
      errs.push(`could not parse ${JSON.stringify(text)} as version`);
      continue;
    }
    if (m[3] !== undefined && m[3] !== '0') {
      errs.push(`patch version not allowed, got: ${component}=${text}`);
      continue;
    }
    const previous = seen.get(component);
    if (previous !== undefined) {
      errs.push(`duplicate version flag, ${component}=${previous} and ${component}=${text}`);
      continue;
    }
    seen.set(component, text);
    if (component !== 'kube') {
      errs.push(`component not registered: ${component}`);
      continue;
    }
    const minor = Number(m[2]);
    if (Number(m[1]) !== 1 || minor < BINARY_MINOR - 1 || minor > BINARY_MINOR) {
      errs.push(`emulation version ${m[1]}.${m[2]} is not between [1.${BINARY_MINOR - 1}, 1.${BINARY_MINOR}]`);
    }
  }
  const gates = r.multimap('feature-gates');
  if (gates[''] !== undefined && gates['kube'] !== undefined) {
    errs.push('set kube feature gates with default empty prefix or kube: prefix consistently, do not mix use');
  }
  for (const component of Object.keys(gates)) {
    if (component !== '' && component !== 'kube') errs.push(`component not registered: ${component}`);
  }
}

const STORAGE_MEDIA_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];

const STORAGE_BACKENDS = ['etcd3', 'sqlite'];

function validateStorageBackend(o: Options, errs: string[]): void {
  const r = o.raw;
  if (!STORAGE_BACKENDS.includes(o.storageBackend)) {
    errs.push(`--storage-backend invalid, allowed values: ${STORAGE_BACKENDS.join(', ')}. If not specified, it will default to 'etcd3' when --etcd-servers is given, 'sqlite' otherwise`);
    return;
  }
  if (o.storageBackend === 'etcd3') {
    // Upstream's message (etcd3 is upstream's only backend, so it never names it).
    if (o.etcdServers.length === 0) errs.push('--etcd-servers must be specified');
    if (r.isSet('storage-sqlite-path')) errs.push('--storage-sqlite-path is only used with --storage-backend=sqlite');
    return;
  }
  // Silently ignoring an etcd flag would start an empty cluster beside the one the user meant.
  for (const name of ['etcd-servers', 'etcd-servers-overrides', 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile']) {
    if (r.isSet(name)) errs.push(`--${name} can not be used with --storage-backend=sqlite`);
  }
  if (o.storageSqlitePath === '') errs.push('--storage-sqlite-path must be specified with --storage-backend=sqlite');
}

function validateEtcd(o: Options, errs: string[]): void {
  const r = o.raw;
  validateStorageBackend(o, errs);
  for (const override of r.strings('etcd-servers-overrides')) {
    const tokens = override.split('#');
    if (tokens.length !== 2 || tokens[0].split('/').length !== 2) {
      errs.push('--etcd-servers-overrides invalid, must be of format: group/resource#servers, where servers are URLs, semicolon separated');
    }
  }
  if (r.string('encryption-provider-config') === '' && r.bool('encryption-provider-config-automatic-reload')) {
    errs.push('--encryption-provider-config-automatic-reload must be set with --encryption-provider-config');
  }
  const mediaType = r.string('storage-media-type');
  if (mediaType !== '' && !STORAGE_MEDIA_TYPES.includes(mediaType)) {
    errs.push(`--storage-media-type ${JSON.stringify(mediaType)} invalid, allowed values: ${STORAGE_MEDIA_TYPES.join(', ')}`);
  } else if (r.isSet('storage-media-type') && mediaType !== 'application/json') {
    errs.push(`--storage-media-type ${JSON.stringify(mediaType)} is not supported by this server yet: only application/json is`);
  }
}

function validateAPIPriorityAndFairness(o: Options, errs: string[]): void {
  if (!o.raw.bool('enable-priority-and-fairness')) return;
  const config = o.raw.stringMap('runtime-config');
  for (const key of ['flowcontrol.apiserver.k8s.io/v1', 'api/ga', 'api/all']) {
    if (config[key] === 'false') {
      errs.push(`--runtime-config=${key}=false conflicts with --enable-priority-and-fairness=true`);
      return;
    }
    if (config[key] === 'true') return;
  }
}

function validateAuthentication(o: Options, errs: string[]): void {
  const r = o.raw;
  const oidcFlagsSet = r.setNames().some(n => n.startsWith('oidc-'));
  if (r.string('authentication-config') === '') {
    if (oidcFlagsSet && (r.string('oidc-issuer-url') === '' || r.string('oidc-client-id') === '')) {
      errs.push('oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set');
    }
  } else {
    if (!gate(o, 'StructuredAuthenticationConfiguration')) {
      errs.push('set --feature-gates=StructuredAuthenticationConfiguration=true to use authentication-config file');
    }
    if (oidcFlagsSet) errs.push('authentication-config file and oidc-* flags are mutually exclusive');
  }
  // Upstream also requires --service-account-issuer and --service-account-key-file (or a signing
  // endpoint). This server does not verify or issue service account tokens yet, so demanding
  // them would only stop it from starting.
  const seen = new Set<string>();
  for (const issuer of r.strings('service-account-issuer')) {
    if (issuer.includes(':') && !URL.canParse(issuer)) {
      errs.push(`service-account-issuer ${JSON.stringify(issuer)} contained a ':' but was not a valid URL`);
    } else if (issuer === '') {
      errs.push('service-account-issuer should not be an empty string');
    } else if (seen.has(issuer)) {
      errs.push(`service-account-issuer ${JSON.stringify(issuer)} is already specified`);
    }
    seen.add(issuer);
  }
  const jwksURI = r.string('service-account-jwks-uri');
  if (jwksURI !== '') {
    if (!URL.canParse(jwksURI)) errs.push('service-account-jwks-uri must be a valid URL');
    else if (new URL(jwksURI).protocol !== 'https:') errs.push(`service-account-jwks-uri requires https scheme, parsed as: ${jwksURI}`);
  }
  for (const flag of ['requestheader-username-headers', 'requestheader-group-headers', 'requestheader-extra-headers-prefix', 'requestheader-allowed-names']) {
    if (r.strings(flag).some(v => v.trim() === '')) errs.push(`empty value in ${JSON.stringify(flag)}`);
  }
}

function validateAuthorization(o: Options, errs: string[]): void {
  const r = o.raw;
  if (r.string('authorization-config') !== '') {
    if (!gate(o, 'StructuredAuthorizationConfiguration')) {
      errs.push('--authorization-config cannot be used without enabling StructuredAuthorizationConfiguration feature flag');
      return;
    }
    const legacy = ['authorization-mode', 'authorization-webhook-config-file', 'authorization-webhook-version', 'authorization-webhook-cache-authorized-ttl', 'authorization-webhook-cache-unauthorized-ttl'];
    if (legacy.some(f => r.isSet(f))) {
      errs.push('--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined');
    }
    return;
  }
  const modes = o.authorizationModes;
  for (const mode of modes) {
    if (!AUTHORIZATION_MODES.includes(mode)) errs.push(`authorization-mode ${JSON.stringify(mode)} is not a valid mode`);
    if (mode === 'ABAC' && r.string('authorization-policy-file') === '') errs.push("authorization-mode ABAC's authorization policy file not passed");
    if (mode === 'Webhook' && r.string('authorization-webhook-config-file') === '') {
      errs.push("authorization-mode Webhook's authorization config file not passed");
    }
  }
  if (r.string('authorization-policy-file') !== '' && !modes.includes('ABAC')) {
    errs.push('cannot specify --authorization-policy-file without mode ABAC');
  }
  if (r.string('authorization-webhook-config-file') !== '' && !modes.includes('Webhook')) {
    errs.push('cannot specify --authorization-webhook-config-file without mode Webhook');
  }
  if (new Set(modes).size !== modes.length) errs.push(`authorization-mode [${modes.map(m => JSON.stringify(m)).join(' ')}] has mode specified more than once`);
}

function validateAudit(o: Options, errs: string[]): void {
  const r = o.raw;
  const backends: [string, boolean][] = [
    ['log', r.string('audit-log-path') !== ''],
    ['webhook', r.string('audit-webhook-config-file') !== ''],
  ];
  for (const [backend, enabled] of backends) {
    if (!enabled) continue;
    const mode = r.string(`audit-${backend}-mode`);
    if (!['batch', 'blocking', 'blocking-strict'].includes(mode)) {
      errs.push(`invalid audit ${backend} mode ${mode}, allowed modes are "batch,blocking,blocking-strict"`);
    } else if (mode === 'batch') {
      const buffer = r.number(`audit-${backend}-batch-buffer-size`);
      const maxSize = r.number(`audit-${backend}-batch-max-size`);
      if (buffer <= 0) errs.push(`invalid audit batch ${backend} buffer size ${buffer}, must be a positive number`);
      else if (maxSize <= 0) errs.push(`invalid audit batch ${backend} max batch size ${maxSize}, must be a positive number`);
    }
    if (r.string(`audit-${backend}-version`) !== 'audit.k8s.io/v1') errs.push('invalid group version, allowed versions are ["audit.k8s.io/v1"]');
  }
  if (!backends[0][1]) return;
  const format = r.string('audit-log-format');
  if (format !== 'legacy' && format !== 'json') errs.push(`invalid audit log format ${format}, allowed formats are "legacy,json"`);
  for (const [flag, n] of [
    ['audit-log-maxage', r.number('audit-log-maxage')],
    ['audit-log-maxbackup', r.number('audit-log-maxbackup')],
    ['audit-log-maxsize', r.number('audit-log-maxsize')],
  ] as const) {
    if (n < 0) errs.push(`--${flag} ${n} can't be a negative number`);
  }
}

function validateAdmission(o: Options, errs: string[]): void {
  const r = o.raw;
  if (r.isSet('admission-control') && (r.isSet('enable-admission-plugins') || r.isSet('disable-admission-plugins'))) {
    errs.push('admission-control and enable-admission-plugins/disable-admission-plugins flags are mutually exclusive');
  }
  const enable = r.strings('enable-admission-plugins');
  const disable = r.strings('disable-admission-plugins');
  for (const name of enable) if (!ADMISSION_PLUGINS.includes(name)) errs.push(`enable-admission-plugins plugin ${JSON.stringify(name)} is unknown`);
  for (const name of disable) if (!ADMISSION_PLUGINS.includes(name)) errs.push(`disable-admission-plugins plugin ${JSON.stringify(name)} is unknown`);
  const overlap = [...new Set(enable)].filter(p => disable.includes(p)).sort();
  if (overlap.length > 0) errs.push(`[${overlap.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped`);
}

function validateMetrics(o: Options, errs: string[]): void {
  const hidden = o.raw.string('show-hidden-metrics-for-version');
  if (hidden !== '' && hidden !== `1.${BINARY_MINOR - 1}`) {
    errs.push(`--show-hidden-metrics-for-version must be omitted or have the value '1.${BINARY_MINOR - 1}'. Only the previous minor version is allowed`);
  }
  const labelKey = /^[a-zA-Z_:][a-zA-Z0-9_:]*,[a-zA-Z_][a-zA-Z0-9_]*$/;
  if (Object.keys(o.raw.stringMap('allow-metric-labels')).some(k => !labelKey.test(k))) {
    errs.push('--allow-metric-labels must have a list of kv pair with format `metricName,labelName=labelValue, labelValue,...`');
  }
}

function validatePeerProxy(o: Options, errs: string[]): void {
  if (gate(o, 'UnknownVersionInteroperabilityProxy')) {
    if (!gate(o, 'StorageVersionAPI')) errs.push('UnknownVersionInteroperabilityProxy feature requires StorageVersionAPI feature flag to be enabled');
    return;
  }
  for (const flag of ['peer-ca-file', 'peer-advertise-ip', 'peer-advertise-port']) {
    if (o.raw.string(flag) !== '') errs.push(`--${flag} requires UnknownVersionInteroperabilityProxy feature to be turned on`);
  }
}

function validateMaxCidrRange(c: Cidr, flag: string, errs: string[]): void {
  const maxCidrBits = 20;
  if (bitsOf(c) - c.prefix > maxCidrBits) {
    errs.push(`specified ${flag} is too large; for ${bitsOf(c)}-bit addresses, the mask must be >= ${bitsOf(c) - maxCidrBits}`);
  }
}

/** --service-cluster-ip-range: upstream's Complete() parse errors, then validateClusterIPFlags. */
function validateServiceClusterIPRange(o: Options, errs: string[]): void {
  const entries = o.serviceClusterIpRanges;
  const primary = parseCidrSloppy(entries[0]);
  if (!primary) {
    errs.push('service-cluster-ip-range[0] is not a valid cidr');
    return;
  }
  if (cappedRangeSize(primary) < 8) {
    errs.push('error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses');
    return;
  }
  const secondary = entries.length > 1 ? parseCidrSloppy(entries[1]) : undefined;
  if (secondary === null) {
    errs.push('service-cluster-ip-range[1] is not an ip net');
    return;
  }
  if (entries.length > 2) errs.push('--service-cluster-ip-range must not contain more than two entries');
  const checkSize = !gate(o, 'MultiCIDRServiceAllocator') || !gate(o, 'DisableAllocatorDualWrite');
  if (checkSize) validateMaxCidrRange(primary, '--service-cluster-ip-range', errs);
  if (secondary) {
    if (isIPv4Cidr(primary) === isIPv4Cidr(secondary)) {
      errs.push('--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family');
    }
    if (checkSize) validateMaxCidrRange(secondary, '--service-cluster-ip-range[1]', errs);
  }
  if (o.raw.string('endpoint-reconciler-type') !== 'none' && o.advertiseAddress !== '' && isIPv4Cidr(primary) !== isIPv4(o.advertiseAddress)) {
    errs.push(`service IP family ${JSON.stringify(entries[0])} must match public address family ${JSON.stringify(o.advertiseAddress)}`);
  }
}

function validateServiceNodePort(o: Options, errs: string[]): void {
  const port = o.raw.number('kubernetes-service-node-port');
  const range = o.raw.portRange('service-node-port-range');
  if (port < 0 || port > 65535) {
    errs.push(`--kubernetes-service-node-port ${port} must be between 0 and 65535, inclusive. If 0, the Kubernetes master service will be of type ClusterIP`);
  }
  if (port > 0 && (port < range.base || port >= range.base + range.size)) {
    errs.push(`kubernetes service node port range ${range.base}-${range.base + range.size - 1} doesn't contain ${port}`);
  }
}

/** Upstream's option validation; each message is one problem, worded as upstream words it. */
// Upstream fails these while building the serving config, with cliflag's messages.
function validateTLS(o: Options, errs: string[]): void {
  for (const check of [() => tlsCipherSuites(o.raw.strings('tls-cipher-suites')), () => tlsMinVersion(o.raw.string('tls-min-version'))]) {
    try {
      check();
    } catch (e) {
      errs.push((e as Error).message);
    }
  }
}

export function validateOptions(o: Options): string[] {
  const errs: string[] = [];
  validateGeneric(o, errs);
  validateEtcd(o, errs);
  validateAPIPriorityAndFairness(o, errs);
  const reconciler = o.raw.string('endpoint-reconciler-type');
  // Upstream exits at start with this message for an unknown reconciler.
  if (!['master-count', 'lease', 'none'].includes(reconciler)) errs.push(`Reconciler not implemented: ${reconciler}`);
  if (o.securePort < 1 || o.securePort > 65535) {
    errs.push(`--secure-port ${o.securePort} must be between 1 and 65535, inclusive. It cannot be turned off with 0`);
  }
  validateTLS(o, errs);
  validateAuthentication(o, errs);
  validateAuthorization(o, errs);
  validateAudit(o, errs);
  validateAdmission(o, errs);
  const runtimeConfig = o.raw.stringMap('runtime-config');
  if (runtimeConfig['api/all'] === 'false' && Object.keys(runtimeConfig).length === 1) errs.push('invalid key with only api/all=false');
  validateMetrics(o, errs);
  validatePeerProxy(o, errs);
  validateServiceClusterIPRange(o, errs);
  validateServiceNodePort(o, errs);
  const apiserverCount = o.raw.number('apiserver-count');
  if (apiserverCount <= 0) errs.push(`--apiserver-count should be a positive number, but value '${apiserverCount}' provided`);
  return errs;
}

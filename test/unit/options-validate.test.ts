/** buildOptions, validateOptions, setButNotImplemented, optionWarnings and usage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../../src/options/parse.js';
import { buildOptions, optionWarnings, setButNotImplemented, usage, validateOptions, type Options } from '../../src/options/options.js';

const ETCD = '--etcd-servers=https://127.0.0.1:2379';

function options(...argv: string[]): Options {
  return buildOptions(parseFlags(argv));
}

function errorsFor(...argv: string[]): string[] {
  return validateOptions(options(ETCD, '--service-cluster-ip-range=10.96.0.0/16', ...argv));
}

test('a minimal valid command line passes', () => {
  assert.deepEqual(errorsFor(), []);
});

test('typed options carry upstream defaults', () => {
  const o = options(ETCD);
  assert.equal(o.securePort, 6443);
  assert.equal(o.bindAddress, '0.0.0.0');
  assert.equal(o.certDir, '/var/run/kubernetes');
  assert.equal(o.etcdPrefix, '/registry');
  assert.equal(o.etcdCompactionIntervalMs, 300_000);
  assert.equal(o.requestTimeoutMs, 60_000);
  assert.equal(o.minRequestTimeoutSeconds, 1800);
  assert.equal(o.maxRequestsInflight, 400);
  assert.equal(o.maxMutatingRequestsInflight, 200);
  assert.equal(o.watchCache, true);
  assert.equal(o.defaultWatchCacheSize, 100);
  assert.equal(o.deleteCollectionWorkers, 1);
  assert.equal(o.verbosity, 0);
  assert.equal(o.storageMediaType, 'application/json');
  assert.deepEqual(o.etcdServers, ['https://127.0.0.1:2379']);
  assert.deepEqual(o.serviceClusterIpRanges, ['10.0.0.0/24']);
  assert.equal(o.apiServerServiceIp, '10.0.0.1');
  assert.deepEqual(o.authorizationModes, ['AlwaysAllow']);
  assert.equal(o.anonymousAuth, false, 'AlwaysAllow switches anonymous auth off');
  assert.equal(o.advertiseAddress, '');
  assert.ok(o.enabledAdmissionPlugins.includes('NamespaceLifecycle'));
  assert.equal(o.raw.isSet('etcd-servers'), true);
});

test('typed options follow the flags', () => {
  const o = options(
    ETCD,
    '--bind-address=10.0.0.5',
    '--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112',
    '--runtime-config=api/v1=true,v1/pods=false,api/legacy=true,batch/v1=false',
    '--feature-gates=Foo=true,Bar=false',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--disable-admission-plugins=LimitRanger',
  );
  assert.equal(o.advertiseAddress, '10.0.0.5', 'a specific bind address is advertised');
  assert.deepEqual(o.serviceClusterIpRanges, ['10.96.0.0/12', 'fd00:10:96::/112']);
  assert.equal(o.apiServerServiceIp, '10.96.0.1');
  assert.deepEqual(o.runtimeConfig, { '/v1': 'false', 'batch/v1': 'false' });
  assert.deepEqual(o.featureGates, { Foo: true, Bar: false });
  assert.deepEqual(o.authorizationModes, ['Node', 'RBAC']);
  assert.equal(o.anonymousAuth, true);
  assert.ok(o.enabledAdmissionPlugins.includes('NodeRestriction'));
  assert.ok(!o.enabledAdmissionPlugins.includes('LimitRanger'));
  assert.equal(options(ETCD, '--service-cluster-ip-range=fd00::/108').apiServerServiceIp, 'fd00::1');
});

test('etcd, ports and generic limits use upstream\'s messages', () => {
  assert.deepEqual(validateOptions(options('--storage-backend=etcd3', '--service-cluster-ip-range=10.96.0.0/16')), ['--etcd-servers must be specified']);
  assert.deepEqual(errorsFor('--secure-port=0'), ['--secure-port 0 must be between 1 and 65535, inclusive. It cannot be turned off with 0']);
  assert.deepEqual(errorsFor('--secure-port=70000'), ['--secure-port 70000 must be between 1 and 65535, inclusive. It cannot be turned off with 0']);
  assert.deepEqual(errorsFor('--max-requests-inflight=-1'), ['--max-requests-inflight can not be negative value']);
  assert.deepEqual(errorsFor('--request-timeout=-1s'), ['--request-timeout can not be negative value']);
  assert.deepEqual(errorsFor('--goaway-chance=0.5'), ['--goaway-chance can not be less than 0 or greater than 0.02']);
  assert.deepEqual(errorsFor('--storage-backend=etcd2'), [
    "--storage-backend invalid, allowed values: etcd3, sqlite. If not specified, it will default to 'etcd3' when --etcd-servers is given, 'sqlite' otherwise",
  ]);
  assert.deepEqual(errorsFor('--etcd-servers-overrides=/events'), [
    '--etcd-servers-overrides invalid, must be of format: group/resource#servers, where servers are URLs, semicolon separated',
  ]);
  assert.deepEqual(errorsFor('--encryption-provider-config-automatic-reload'), [
    '--encryption-provider-config-automatic-reload must be set with --encryption-provider-config',
  ]);
  assert.deepEqual(errorsFor('--strict-transport-security-directives=max-age=1,bogus'), [
    '--strict-transport-security-directives invalid, allowed values: max-age=expireTime, includeSubDomains, preload. see https://tools.ietf.org/html/rfc6797#section-6.1 for more information',
  ]);
  assert.deepEqual(errorsFor('--apiserver-count=0'), ["--apiserver-count should be a positive number, but value '0' provided"]);
});

test('storage backend: etcd3 with --etcd-servers, else the embedded sqlite file', () => {
  const embedded = options('--service-cluster-ip-range=10.96.0.0/16');
  assert.equal(embedded.storageBackend, 'sqlite');
  assert.equal(embedded.storageSqlitePath, '/var/lib/kube-apiserver/storage.db');
  assert.deepEqual(validateOptions(embedded), []);
  assert.equal(options(ETCD).storageBackend, 'etcd3');
  assert.equal(options('--storage-backend=sqlite', '--storage-sqlite-path=/tmp/x.db').storageSqlitePath, '/tmp/x.db');
  assert.deepEqual(errorsFor('--storage-backend=sqlite'), ['--etcd-servers can not be used with --storage-backend=sqlite']);
  assert.deepEqual(validateOptions(options('--storage-backend=sqlite', '--etcd-cafile=ca.crt', '--storage-sqlite-path=')), [
    '--etcd-cafile can not be used with --storage-backend=sqlite',
    '--storage-sqlite-path must be specified with --storage-backend=sqlite',
  ]);
  assert.deepEqual(errorsFor('--storage-sqlite-path=/tmp/x.db'), ['--storage-sqlite-path is only used with --storage-backend=sqlite']);
});

test('storage media types: unknown ones as upstream, known non-JSON ones as not supported here', () => {
  assert.deepEqual(errorsFor('--storage-media-type=text/plain'), [
    '--storage-media-type "text/plain" invalid, allowed values: application/json, application/vnd.kubernetes.protobuf, application/yaml',
  ]);
  assert.deepEqual(errorsFor('--storage-media-type=application/vnd.kubernetes.protobuf'), [
    '--storage-media-type "application/vnd.kubernetes.protobuf" is not supported by this server yet: only application/json is',
  ]);
  assert.deepEqual(errorsFor('--storage-media-type=application/json'), []);
});

test('service cluster IP ranges: parse, size, count and dual-stack rules', () => {
  const v = (range: string) => validateOptions(options(ETCD, `--service-cluster-ip-range=${range}`));
  assert.deepEqual(v('10.96.0.0/12'), []);
  assert.deepEqual(v('10.96.0.0/12,fd00::/108'), []);
  assert.deepEqual(v('banana'), ['service-cluster-ip-range[0] is not a valid cidr']);
  assert.deepEqual(v('10.96.0.0/12,banana'), ['service-cluster-ip-range[1] is not an ip net']);
  assert.deepEqual(v('10.0.0.0/8'), ['specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12']);
  assert.deepEqual(v('fd00::/64'), ['specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108']);
  assert.deepEqual(v('10.96.0.0/12,10.100.0.0/16'), ['--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family']);
  assert.deepEqual(v('10.96.0.0/12,fd00::/108,fd01::/108'), ['--service-cluster-ip-range must not contain more than two entries']);
  assert.deepEqual(v('10.96.0.0/30'), [
    'error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses',
  ]);
  assert.deepEqual(validateOptions(options(ETCD, '--service-cluster-ip-range=fd00::/108', '--advertise-address=10.0.0.1')), [
    'service IP family "fd00::/108" must match public address family "10.0.0.1"',
  ]);
  assert.deepEqual(
    validateOptions(options(ETCD, '--service-cluster-ip-range=10.0.0.0/8', '--feature-gates=MultiCIDRServiceAllocator=true,DisableAllocatorDualWrite=true')),
    [],
    'the size limit is lifted once ServiceCIDRs allocate alone',
  );
});

test('authorization mode rules', () => {
  assert.deepEqual(errorsFor('--authorization-mode=Node,RBAC'), []);
  assert.deepEqual(errorsFor('--authorization-mode=Magic'), ['authorization-mode "Magic" is not a valid mode']);
  assert.deepEqual(errorsFor('--authorization-mode=ABAC'), ["authorization-mode ABAC's authorization policy file not passed"]);
  assert.deepEqual(errorsFor('--authorization-mode=RBAC,RBAC'), ['authorization-mode ["RBAC" "RBAC"] has mode specified more than once']);
  assert.deepEqual(errorsFor('--authorization-webhook-config-file=/w.yaml', '--authorization-mode=RBAC'), [
    'cannot specify --authorization-webhook-config-file without mode Webhook',
  ]);
  assert.deepEqual(errorsFor('--authorization-config=/a.yaml', '--authorization-mode=RBAC'), [
    '--authorization-config can not be specified when --authorization-mode or --authorization-webhook-* flags are defined',
  ]);
  assert.deepEqual(errorsFor('--authorization-config=/a.yaml'), []);
});

test('authentication, admission, metrics, peer and component-version rules', () => {
  assert.deepEqual(errorsFor('--oidc-issuer-url=https://issuer'), ['oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set']);
  assert.deepEqual(errorsFor('--authentication-config=/a.yaml', '--oidc-client-id=x'), ['authentication-config file and oidc-* flags are mutually exclusive']);
  assert.deepEqual(errorsFor('--service-account-jwks-uri=http://x/jwks'), ['service-account-jwks-uri requires https scheme, parsed as: http://x/jwks']);
  assert.deepEqual(errorsFor('--enable-admission-plugins=Bogus'), ['enable-admission-plugins plugin "Bogus" is unknown']);
  assert.deepEqual(errorsFor('--enable-admission-plugins=AlwaysPullImages', '--disable-admission-plugins=AlwaysPullImages'), [
    '[AlwaysPullImages] in enable-admission-plugins and disable-admission-plugins overlapped',
  ]);
  assert.deepEqual(errorsFor('--admission-control=AlwaysAdmit', '--enable-admission-plugins=NodeRestriction'), [
    'admission-control and enable-admission-plugins/disable-admission-plugins flags are mutually exclusive',
  ]);
  assert.deepEqual(errorsFor('--show-hidden-metrics-for-version=1.20'), [
    "--show-hidden-metrics-for-version must be omitted or have the value '1.31'. Only the previous minor version is allowed",
  ]);
  assert.deepEqual(errorsFor('--peer-ca-file=/ca.crt'), ['--peer-ca-file requires UnknownVersionInteroperabilityProxy feature to be turned on']);
  assert.deepEqual(errorsFor('--emulated-version=1.31'), []);
  assert.deepEqual(errorsFor('--emulated-version=kube=1.29'), ['emulation version 1.29 is not between [1.31, 1.32]']);
  assert.deepEqual(errorsFor('--emulated-version=wardle=1.2'), ['component not registered: wardle']);
  assert.deepEqual(errorsFor('--feature-gates=A=true,kube:B=true'), [
    'set kube feature gates with default empty prefix or kube: prefix consistently, do not mix use',
  ]);
  assert.deepEqual(errorsFor('--runtime-config=api/all=false'), [
    '--runtime-config=api/all=false conflicts with --enable-priority-and-fairness=true',
    'invalid key with only api/all=false',
  ]);
  assert.deepEqual(errorsFor('--runtime-config=flowcontrol.apiserver.k8s.io/v1=false'), [
    '--runtime-config=flowcontrol.apiserver.k8s.io/v1=false conflicts with --enable-priority-and-fairness=true',
  ]);
  assert.deepEqual(errorsFor('--audit-log-path=/a.log', '--audit-log-mode=fast'), ['invalid audit log mode fast, allowed modes are "batch,blocking,blocking-strict"']);
  assert.deepEqual(errorsFor('--audit-log-path=/a.log', '--audit-log-maxage=-1'), ["--audit-log-maxage -1 can't be a negative number"]);
});

test('setButNotImplemented lists the set flags this server ignores', () => {
  const p = parseFlags([ETCD, '--contention-profiling=true', '--secure-port=6443', '--audit-log-truncate-max-event-size=1', '--audit-log-truncate-max-event-size=2', '-v', '2']);
  assert.deepEqual(setButNotImplemented(p), ['contention-profiling', 'audit-log-truncate-max-event-size']);
});

test('optionWarnings gives upstream\'s start-up warnings', () => {
  const warnings = optionWarnings(options(ETCD, '--requestheader-username-headers=X-User', '--default-watch-cache-size=0'));
  assert.deepEqual(warnings, [
    'Flag --default-watch-cache-size has been deprecated, watch caches are sized automatically and this flag will be removed in a future version',
    'No CIDR for service cluster IPs specified. Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver.',
    'AnonymousAuth is not allowed with the AlwaysAllow authorizer. Resetting AnonymousAuth to false. You should use a different authorizer',
    '--requestheader-username-headers is set without specifying the standard X-Remote-User header - API aggregation will not work',
  ]);
});

test('usage() prints every visible flag under upstream\'s sections, with types and defaults', () => {
  const text = usage();
  const sections = [...text.matchAll(/^([A-Z][A-Za-z ]+) flags:$/gm)].map(m => m[1]);
  assert.deepEqual(sections, [
    'Generic', 'Etcd', 'Secure serving', 'Auditing', 'Features', 'Authentication', 'Authorization', 'API enablement',
    'Egress selector', 'Admission', 'Metrics', 'Logs', 'Traces', 'Misc', 'Cloud provider', 'Global',
  ]);
  assert.match(text, /^Usage:\n {2}kube-apiserver \[flags\]$/m);
  assert.match(text, /^ {6}--secure-port int +\S.* \(default 6443\)$/m);
  assert.match(text, /^ {6}--etcd-prefix string +\S.* \(default "\/registry"\)$/m);
  assert.match(text, /^ {6}--request-timeout duration +\S.* \(default 1m0s\)$/m);
  assert.match(text, /^ {6}--watch-cache +\S.* \(default true\)$/m);
  assert.match(text, /^ {2}-v, --v Level +\S/m);
  assert.match(text, /^ {2}-h, --help +\S/m);
  assert.match(text, /^ {6}--version version\[=true\] +\S/m);
  assert.match(text, /^ {6}--admission-control strings +\S.*\(DEPRECATED: Use --enable-admission-plugins/m);
  assert.doesNotMatch(text, /--apiserver-count|--default-watch-cache-size|--kubelet-port/, 'hidden flags stay hidden');
  // Within a section, descriptions start in one column, as pflag aligns them.
  const etcd = text.split('\nEtcd flags:\n\n')[1].split('\n\n')[0].split('\n');
  const columns = new Set(etcd.map(l => /^ +-\S+(?: \S+)? +/.exec(l)?.[0].length));
  assert.equal(columns.size, 1);
});

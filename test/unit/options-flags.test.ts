/**
 * The flag table against upstream's flag set: every v1.28.7 flag (name, help section, type and
 * printed default, as read off `kube-apiserver --help`) must still be accepted with the same
 * meaning, except for the changes 1.29-1.32 made, which are listed here one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGS, FLAGS_BY_NAME, FLAG_GROUPS, helpType, printedDefault } from '../../src/options/flag-table.js';
import { parseFlags } from '../../src/options/parse.js';

/** [name, help section, type as --help prints it, default as --help prints it] for v1.28.7. */
const V1_28_FLAGS: readonly [string, string, string, string][] = [
  ["advertise-address", "Generic", "ip", ""],
  ["cors-allowed-origins", "Generic", "strings", ""],
  ["default-not-ready-toleration-seconds", "Generic", "int", "300"],
  ["default-unreachable-toleration-seconds", "Generic", "int", "300"],
  ["enable-priority-and-fairness", "Generic", "bool", "true"],
  ["external-hostname", "Generic", "string", ""],
  ["feature-gates", "Generic", "mapStringBool", ""],
  ["goaway-chance", "Generic", "float", ""],
  ["livez-grace-period", "Generic", "duration", ""],
  ["max-mutating-requests-inflight", "Generic", "int", "200"],
  ["max-requests-inflight", "Generic", "int", "400"],
  ["min-request-timeout", "Generic", "int", "1800"],
  ["request-timeout", "Generic", "duration", "1m0s"],
  ["shutdown-delay-duration", "Generic", "duration", ""],
  ["shutdown-send-retry-after", "Generic", "bool", ""],
  ["shutdown-watch-termination-grace-period", "Generic", "duration", ""],
  ["strict-transport-security-directives", "Generic", "strings", ""],
  ["delete-collection-workers", "Etcd", "int", "1"],
  ["enable-garbage-collector", "Etcd", "bool", "true"],
  ["encryption-provider-config", "Etcd", "string", ""],
  ["encryption-provider-config-automatic-reload", "Etcd", "bool", ""],
  ["etcd-cafile", "Etcd", "string", ""],
  ["etcd-certfile", "Etcd", "string", ""],
  ["etcd-compaction-interval", "Etcd", "duration", "5m0s"],
  ["etcd-count-metric-poll-period", "Etcd", "duration", "1m0s"],
  ["etcd-db-metric-poll-interval", "Etcd", "duration", "30s"],
  ["etcd-healthcheck-timeout", "Etcd", "duration", "2s"],
  ["etcd-keyfile", "Etcd", "string", ""],
  ["etcd-prefix", "Etcd", "string", "\"/registry\""],
  ["etcd-readycheck-timeout", "Etcd", "duration", "2s"],
  ["etcd-servers", "Etcd", "strings", ""],
  ["etcd-servers-overrides", "Etcd", "strings", ""],
  ["lease-reuse-duration-seconds", "Etcd", "int", "60"],
  ["storage-backend", "Etcd", "string", ""],
  ["storage-media-type", "Etcd", "string", "\"application/vnd.kubernetes.protobuf\""],
  ["watch-cache", "Etcd", "bool", "true"],
  ["watch-cache-sizes", "Etcd", "strings", ""],
  ["bind-address", "Secure serving", "ip", "0.0.0.0"],
  ["cert-dir", "Secure serving", "string", "\"/var/run/kubernetes\""],
  ["http2-max-streams-per-connection", "Secure serving", "int", ""],
  ["permit-address-sharing", "Secure serving", "bool", ""],
  ["permit-port-sharing", "Secure serving", "bool", ""],
  ["secure-port", "Secure serving", "int", "6443"],
  ["tls-cert-file", "Secure serving", "string", ""],
  ["tls-cipher-suites", "Secure serving", "strings", ""],
  ["tls-min-version", "Secure serving", "string", ""],
  ["tls-private-key-file", "Secure serving", "string", ""],
  ["tls-sni-cert-key", "Secure serving", "namedCertKey", "[]"],
  ["audit-log-batch-buffer-size", "Auditing", "int", "10000"],
  ["audit-log-batch-max-size", "Auditing", "int", "1"],
  ["audit-log-batch-max-wait", "Auditing", "duration", ""],
  ["audit-log-batch-throttle-burst", "Auditing", "int", ""],
  ["audit-log-batch-throttle-enable", "Auditing", "bool", ""],
  ["audit-log-batch-throttle-qps", "Auditing", "float32", ""],
  ["audit-log-compress", "Auditing", "bool", ""],
  ["audit-log-format", "Auditing", "string", "\"json\""],
  ["audit-log-maxage", "Auditing", "int", ""],
  ["audit-log-maxbackup", "Auditing", "int", ""],
  ["audit-log-maxsize", "Auditing", "int", ""],
  ["audit-log-mode", "Auditing", "string", "\"blocking\""],
  ["audit-log-path", "Auditing", "string", ""],
  ["audit-log-truncate-enabled", "Auditing", "bool", ""],
  ["audit-log-truncate-max-batch-size", "Auditing", "int", "10485760"],
  ["audit-log-truncate-max-event-size", "Auditing", "int", "102400"],
  ["audit-log-version", "Auditing", "string", "\"audit.k8s.io/v1\""],
  ["audit-policy-file", "Auditing", "string", ""],
  ["audit-webhook-batch-buffer-size", "Auditing", "int", "10000"],
  ["audit-webhook-batch-max-size", "Auditing", "int", "400"],
  ["audit-webhook-batch-max-wait", "Auditing", "duration", "30s"],
  ["audit-webhook-batch-throttle-burst", "Auditing", "int", "15"],
  ["audit-webhook-batch-throttle-enable", "Auditing", "bool", "true"],
  ["audit-webhook-batch-throttle-qps", "Auditing", "float32", "10"],
  ["audit-webhook-config-file", "Auditing", "string", ""],
  ["audit-webhook-initial-backoff", "Auditing", "duration", "10s"],
  ["audit-webhook-mode", "Auditing", "string", "\"batch\""],
  ["audit-webhook-truncate-enabled", "Auditing", "bool", ""],
  ["audit-webhook-truncate-max-batch-size", "Auditing", "int", "10485760"],
  ["audit-webhook-truncate-max-event-size", "Auditing", "int", "102400"],
  ["audit-webhook-version", "Auditing", "string", "\"audit.k8s.io/v1\""],
  ["contention-profiling", "Features", "bool", ""],
  ["debug-socket-path", "Features", "string", ""],
  ["profiling", "Features", "bool", "true"],
  ["anonymous-auth", "Authentication", "bool", "true"],
  ["api-audiences", "Authentication", "strings", ""],
  ["authentication-token-webhook-cache-ttl", "Authentication", "duration", "2m0s"],
  ["authentication-token-webhook-config-file", "Authentication", "string", ""],
  ["authentication-token-webhook-version", "Authentication", "string", "\"v1beta1\""],
  ["client-ca-file", "Authentication", "string", ""],
  ["enable-bootstrap-token-auth", "Authentication", "bool", ""],
  ["oidc-ca-file", "Authentication", "string", ""],
  ["oidc-client-id", "Authentication", "string", ""],
  ["oidc-groups-claim", "Authentication", "string", ""],
  ["oidc-groups-prefix", "Authentication", "string", ""],
  ["oidc-issuer-url", "Authentication", "string", ""],
  ["oidc-required-claim", "Authentication", "mapStringString", ""],
  ["oidc-signing-algs", "Authentication", "strings", "[RS256]"],
  ["oidc-username-claim", "Authentication", "string", "\"sub\""],
  ["oidc-username-prefix", "Authentication", "string", ""],
  ["requestheader-allowed-names", "Authentication", "strings", ""],
  ["requestheader-client-ca-file", "Authentication", "string", ""],
  ["requestheader-extra-headers-prefix", "Authentication", "strings", ""],
  ["requestheader-group-headers", "Authentication", "strings", ""],
  ["requestheader-username-headers", "Authentication", "strings", ""],
  ["service-account-extend-token-expiration", "Authentication", "bool", "true"],
  ["service-account-issuer", "Authentication", "stringArray", ""],
  ["service-account-jwks-uri", "Authentication", "string", ""],
  ["service-account-key-file", "Authentication", "stringArray", ""],
  ["service-account-lookup", "Authentication", "bool", "true"],
  ["service-account-max-token-expiration", "Authentication", "duration", ""],
  ["token-auth-file", "Authentication", "string", ""],
  ["authorization-mode", "Authorization", "strings", "[AlwaysAllow]"],
  ["authorization-policy-file", "Authorization", "string", ""],
  ["authorization-webhook-cache-authorized-ttl", "Authorization", "duration", "5m0s"],
  ["authorization-webhook-cache-unauthorized-ttl", "Authorization", "duration", "30s"],
  ["authorization-webhook-config-file", "Authorization", "string", ""],
  ["authorization-webhook-version", "Authorization", "string", "\"v1beta1\""],
  ["runtime-config", "API enablement", "mapStringString", ""],
  ["egress-selector-config-file", "Egress selector", "string", ""],
  ["admission-control", "Admission", "strings", ""],
  ["admission-control-config-file", "Admission", "string", ""],
  ["disable-admission-plugins", "Admission", "strings", ""],
  ["enable-admission-plugins", "Admission", "strings", ""],
  ["allow-metric-labels", "Metrics", "stringToString", "[]"],
  ["disabled-metrics", "Metrics", "strings", ""],
  ["show-hidden-metrics-for-version", "Metrics", "string", ""],
  ["log-flush-frequency", "Logs", "duration", "5s"],
  ["log-json-info-buffer-size", "Logs", "quantity", ""],
  ["log-json-split-stream", "Logs", "bool", ""],
  ["logging-format", "Logs", "string", "\"text\""],
  ["v", "Logs", "Level", ""],
  ["vmodule", "Logs", "pattern=N,...", ""],
  ["tracing-config-file", "Traces", "string", ""],
  ["aggregator-reject-forwarding-redirect", "Misc", "bool", "true"],
  ["allow-privileged", "Misc", "bool", ""],
  ["enable-aggregator-routing", "Misc", "bool", ""],
  ["endpoint-reconciler-type", "Misc", "string", "\"lease\""],
  ["event-ttl", "Misc", "duration", "1h0m0s"],
  ["kubelet-certificate-authority", "Misc", "string", ""],
  ["kubelet-client-certificate", "Misc", "string", ""],
  ["kubelet-client-key", "Misc", "string", ""],
  ["kubelet-preferred-address-types", "Misc", "strings", "[Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP]"],
  ["kubelet-timeout", "Misc", "duration", "5s"],
  ["kubernetes-service-node-port", "Misc", "int", ""],
  ["max-connection-bytes-per-sec", "Misc", "int", ""],
  ["peer-advertise-ip", "Misc", "string", ""],
  ["peer-advertise-port", "Misc", "string", ""],
  ["peer-ca-file", "Misc", "string", ""],
  ["proxy-client-cert-file", "Misc", "string", ""],
  ["proxy-client-key-file", "Misc", "string", ""],
  ["service-account-signing-key-file", "Misc", "string", ""],
  ["service-cluster-ip-range", "Misc", "string", ""],
  ["service-node-port-range", "Misc", "portRange", "30000-32767"],
  ["cloud-config", "Cloud provider", "string", ""],
  ["cloud-provider", "Cloud provider", "string", ""],
  ["help", "Global", "bool", ""],
  ["version", "Global", "version[=true]", ""],
];

/** What 1.29-1.32 changed about v1.28 flags: name -> the field that differs and its v1.32 value. */
const CHANGED_SINCE_1_28: Record<string, { group?: string; type?: string; default?: string }> = {
  // Moved from the generic server options to the feature options.
  'enable-priority-and-fairness': { group: 'Features' },
  // AlwaysAllow is now applied only when --authorization-config is not used either.
  'authorization-mode': { default: '' },
  // Feature gates became per component ("kube:Gate=true").
  'feature-gates': { type: 'colonSeparatedMultimapStringString' },
};

const ADDED_SINCE_1_28 = [
  'authentication-config',
  'authorization-config',
  'disable-http2-serving',
  'emulated-version',
  'storage-initialization-timeout',
  'requestheader-uid-headers',
  'service-account-signing-endpoint',
  'log-text-split-stream',
  'log-text-info-buffer-size',
  'allow-metric-labels-manifest',
];

/** Hidden (deprecated) flags upstream still accepts; they are not in --help output. */
const HIDDEN = ['default-watch-cache-size', 'audit-webhook-batch-initial-backoff', 'apiserver-count', 'enable-logs-handler', 'kubelet-port', 'kubelet-read-only-port'];

/** A value each type accepts, to prove the flag parses. */
function sampleValue(type: string): string {
  const samples: Record<string, string> = {
    bool: 'true',
    int: '7',
    uint: '7',
    float: '0.01',
    float32: '1.5',
    string: 'x',
    strings: 'a,b',
    stringArray: 'a',
    duration: '3s',
    ip: '10.1.2.3',
    portRange: '30000-30010',
    mapStringString: 'k=v',
    stringToString: 'k=v',
    namedCertKey: 'c.crt,c.key',
    colonSeparatedMultimapStringString: 'kube:SomeGate=true',
    level: '3',
    vmodule: 'foo=2',
    quantity: '2Ki',
    version: 'raw',
  };
  const v = samples[type];
  assert.ok(v !== undefined, `no sample for ${type}`);
  return v;
}

test('every v1.28 flag is still declared, with its section, type and printed default', () => {
  for (const [name, group, type, def] of V1_28_FLAGS) {
    const spec = FLAGS_BY_NAME.get(name);
    assert.ok(spec, `--${name} is missing`);
    const change = CHANGED_SINCE_1_28[name] ?? {};
    assert.equal(spec.group, change.group ?? group, `--${name} section`);
    assert.equal(helpType(spec) === '' ? 'bool' : helpType(spec), change.type ?? type, `--${name} type`);
    assert.equal(printedDefault(spec) ?? '', change.default ?? def, `--${name} default`);
  }
});

test('this server\'s own flags are few and say so', () => {
  const known = new Set([...V1_28_FLAGS.map(f => f[0]), ...ADDED_SINCE_1_28, ...HIDDEN]);
  const own = FLAGS.filter(f => !known.has(f.name));
  assert.deepEqual(own.map(f => f.name), ['worker-processes', 'storage-sqlite-path']);
  for (const f of own) assert.match(f.description, /Not an upstream flag\.$/);
});

test('flags added in 1.29-1.32 are declared', () => {
  for (const name of ADDED_SINCE_1_28) assert.ok(FLAGS_BY_NAME.has(name), `--${name} is missing`);
  assert.ok(!FLAGS_BY_NAME.has('master-service-namespace'), 'removed in 1.29');
});

test('every declared flag parses a value of its type, long form and --name=value form', () => {
  for (const spec of FLAGS) {
    const value = sampleValue(spec.type);
    const eqForm = parseFlags([`--${spec.name}=${value}`]);
    assert.ok(eqForm.isSet(spec.name), `--${spec.name}=${value}`);
    if (spec.type !== 'bool' && spec.type !== 'version') {
      assert.ok(parseFlags([`--${spec.name}`, value]).isSet(spec.name), `--${spec.name} ${value}`);
    }
  }
});

test('hidden flags are exactly upstream\'s deprecated hidden ones, each with a message', () => {
  assert.deepEqual(FLAGS.filter(f => f.hidden).map(f => f.name).sort(), [...HIDDEN].sort());
  for (const name of HIDDEN) assert.ok(FLAGS_BY_NAME.get(name)?.deprecated, name);
});

test('names are unique, sections known, and descriptions present', () => {
  assert.equal(new Set(FLAGS.map(f => f.name)).size, FLAGS.length);
  for (const f of FLAGS) {
    assert.ok((FLAG_GROUPS as readonly string[]).includes(f.group), f.name);
    assert.ok(f.description.length > 10, f.name);
  }
});

test('the implemented set is the one the server acts on', () => {
  assert.deepEqual(
    FLAGS.filter(f => f.implemented).map(f => f.name).sort(),
    [
      'admission-control', 'admission-control-config-file', 'advertise-address', 'aggregator-reject-forwarding-redirect', 'allow-privileged', 'anonymous-auth', 'api-audiences', 'apiserver-count',
      'audit-log-batch-buffer-size', 'audit-log-batch-max-size', 'audit-log-batch-max-wait', 'audit-log-batch-throttle-burst',
      'audit-log-batch-throttle-enable', 'audit-log-batch-throttle-qps', 'audit-log-compress', 'audit-log-format', 'audit-log-maxage',
      'audit-log-maxbackup', 'audit-log-maxsize', 'audit-log-mode', 'audit-log-path', 'audit-log-version', 'audit-policy-file',
      'audit-webhook-batch-buffer-size', 'audit-webhook-batch-initial-backoff', 'audit-webhook-batch-max-size', 'audit-webhook-batch-max-wait',
      'audit-webhook-batch-throttle-burst', 'audit-webhook-batch-throttle-enable', 'audit-webhook-batch-throttle-qps',
      'audit-webhook-config-file', 'audit-webhook-initial-backoff', 'audit-webhook-mode', 'audit-webhook-version',
      'authorization-mode',
      'bind-address', 'cert-dir', 'client-ca-file', 'default-not-ready-toleration-seconds', 'default-unreachable-toleration-seconds', 'default-watch-cache-size', 'delete-collection-workers', 'disable-admission-plugins',
      'enable-admission-plugins', 'enable-aggregator-routing', 'enable-bootstrap-token-auth', 'enable-priority-and-fairness', 'encryption-provider-config', 'encryption-provider-config-automatic-reload', 'endpoint-reconciler-type',
      'etcd-cafile', 'etcd-certfile', 'etcd-compaction-interval', 'etcd-keyfile', 'etcd-prefix', 'etcd-servers', 'event-ttl', 'feature-gates',
      'help', 'kubelet-certificate-authority', 'kubelet-client-certificate', 'kubelet-client-key', 'kubelet-port', 'kubelet-preferred-address-types', 'kubelet-timeout',
      'kubernetes-service-node-port', 'lease-reuse-duration-seconds', 'max-mutating-requests-inflight', 'max-requests-inflight', 'min-request-timeout', 'proxy-client-cert-file', 'proxy-client-key-file', 'request-timeout',
      'requestheader-allowed-names', 'requestheader-client-ca-file', 'requestheader-extra-headers-prefix', 'requestheader-group-headers',
      'requestheader-uid-headers', 'requestheader-username-headers', 'runtime-config',
      'secure-port', 'service-account-issuer', 'service-account-jwks-uri', 'service-account-key-file', 'service-account-lookup',
      'service-account-max-token-expiration', 'service-account-signing-key-file',
      'service-cluster-ip-range', 'service-node-port-range', 'storage-backend', 'storage-media-type', 'storage-sqlite-path', 'strict-transport-security-directives',
      'tls-cert-file', 'tls-cipher-suites', 'tls-min-version', 'tls-private-key-file', 'tls-sni-cert-key', 'token-auth-file', 'v', 'version',
      'watch-cache', 'worker-processes',
    ],
  );
});

test('sample defaults match upstream', () => {
  const p = parseFlags([]);
  assert.equal(p.number('secure-port'), 6443);
  assert.equal(p.string('etcd-prefix'), '/registry');
  assert.equal(p.durationMs('etcd-compaction-interval'), 5 * 60_000);
  assert.equal(p.durationMs('request-timeout'), 60_000);
  assert.equal(p.number('min-request-timeout'), 1800);
  assert.equal(p.number('max-requests-inflight'), 400);
  assert.equal(p.number('max-mutating-requests-inflight'), 200);
  assert.equal(p.string('bind-address'), '0.0.0.0');
  assert.equal(p.string('cert-dir'), '/var/run/kubernetes');
  assert.equal(p.bool('watch-cache'), true);
  assert.equal(p.bool('anonymous-auth'), true);
  assert.equal(p.bool('enable-logs-handler'), false);
  assert.equal(p.number('default-watch-cache-size'), 100);
  assert.equal(p.durationMs('event-ttl'), 3_600_000);
  assert.deepEqual(p.portRange('service-node-port-range'), { base: 30000, size: 2768 });
  assert.deepEqual(p.strings('oidc-signing-algs'), ['RS256']);
  assert.equal(p.number('v'), 0);
  assert.equal(p.string('version'), 'false');
});

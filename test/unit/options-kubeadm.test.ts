/**
 * The command line of a kubeadm-generated static Pod (kubeadm v1.32, with the usual hardening
 * additions) must parse, validate, and map onto the typed options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../../src/options/parse.js';
import { buildOptions, optionWarnings, setButNotImplemented, validateOptions } from '../../src/options/options.js';

const KUBEADM_ARGS = [
  '--advertise-address=192.168.56.10',
  '--allow-privileged=true',
  '--anonymous-auth=true',
  '--audit-log-maxage=30',
  '--audit-log-maxbackup=10',
  '--audit-log-maxsize=100',
  '--audit-log-path=/var/log/kubernetes/audit/audit.log',
  '--audit-policy-file=/etc/kubernetes/audit/policy.yaml',
  '--authorization-mode=Node,RBAC',
  '--client-ca-file=/etc/kubernetes/pki/ca.crt',
  '--enable-admission-plugins=NodeRestriction',
  '--enable-bootstrap-token-auth=true',
  '--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml',
  '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
  '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
  '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
  '--etcd-servers=https://127.0.0.1:2379',
  '--event-ttl=1h0m0s',
  '--feature-gates=StructuredAuthenticationConfiguration=true',
  '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
  '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
  '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
  '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
  '--profiling=false',
  '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
  '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
  '--request-timeout=1m0s',
  '--requestheader-allowed-names=front-proxy-client',
  '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
  '--requestheader-extra-headers-prefix=X-Remote-Extra-',
  '--requestheader-group-headers=X-Remote-Group',
  '--requestheader-username-headers=X-Remote-User',
  '--secure-port=6443',
  '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
  '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
  '--service-account-lookup=true',
  '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
  '--service-cluster-ip-range=10.96.0.0/12',
  '--service-node-port-range=30000-32767',
  '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
  '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  '--tls-min-version=VersionTLS12',
  '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
  '--v=2',
];

test('a kubeadm static Pod command line parses and validates', () => {
  assert.ok(KUBEADM_ARGS.length >= 40);
  const parsed = parseFlags(KUBEADM_ARGS);
  const o = buildOptions(parsed);
  assert.deepEqual(validateOptions(o), []);
  assert.deepEqual(optionWarnings(o), []);

  assert.equal(o.advertiseAddress, '192.168.56.10');
  assert.equal(o.securePort, 6443);
  assert.equal(o.tlsCertFile, '/etc/kubernetes/pki/apiserver.crt');
  assert.equal(o.tlsPrivateKeyFile, '/etc/kubernetes/pki/apiserver.key');
  assert.equal(o.clientCaFile, '/etc/kubernetes/pki/ca.crt');
  assert.deepEqual(o.etcdServers, ['https://127.0.0.1:2379']);
  assert.equal(o.etcdCafile, '/etc/kubernetes/pki/etcd/ca.crt');
  assert.equal(o.etcdCertfile, '/etc/kubernetes/pki/apiserver-etcd-client.crt');
  assert.equal(o.etcdKeyfile, '/etc/kubernetes/pki/apiserver-etcd-client.key');
  assert.deepEqual(o.serviceClusterIpRanges, ['10.96.0.0/12']);
  assert.equal(o.apiServerServiceIp, '10.96.0.1');
  assert.equal(o.verbosity, 2);
  assert.equal(o.requestTimeoutMs, 60_000);
  assert.deepEqual(o.authorizationModes, ['Node', 'RBAC']);
  assert.equal(o.anonymousAuth, true);
  assert.deepEqual(o.featureGates, { StructuredAuthenticationConfiguration: true });
  assert.ok(o.enabledAdmissionPlugins.includes('NodeRestriction'));

  // Flags without a typed field are still there, with their types.
  assert.equal(parsed.bool('allow-privileged'), true);
  assert.equal(parsed.bool('profiling'), false);
  assert.equal(parsed.durationMs('event-ttl'), 3_600_000);
  assert.deepEqual(parsed.strings('service-account-issuer'), ['https://kubernetes.default.svc.cluster.local']);
  assert.deepEqual(parsed.strings('kubelet-preferred-address-types'), ['InternalIP', 'ExternalIP', 'Hostname']);
  assert.deepEqual(parsed.strings('requestheader-allowed-names'), ['front-proxy-client']);
  assert.deepEqual(parsed.portRange('service-node-port-range'), { base: 30000, size: 2768 });
  assert.equal(parsed.number('audit-log-maxsize'), 100);

  const ignored = setButNotImplemented(parsed);
  assert.ok(ignored.includes('profiling'));
  assert.ok(!ignored.includes('allow-privileged'));
  assert.ok(!ignored.includes('service-account-key-file'));
  assert.ok(!ignored.includes('etcd-servers'));
  assert.ok(!ignored.includes('v'));
});

test('the same command line in "--flag value" form gives the same options', () => {
  const split = KUBEADM_ARGS.flatMap(a => {
    const [name, ...rest] = a.split('=');
    const value = rest.join('=');
    // A bool flag never takes the next argument, so false must stay attached.
    if (value === 'true') return [name];
    return value === 'false' ? [a] : [name, value];
  });
  const a = buildOptions(parseFlags(KUBEADM_ARGS));
  const b = buildOptions(parseFlags(split));
  const { raw: _a, ...typedA } = a;
  const { raw: _b, ...typedB } = b;
  assert.deepEqual(typedB, typedA);
  assert.deepEqual(b.raw.setNames(), a.raw.setNames());
});

// manifests/kube-apiserver.yaml and manifests/encryption-config.yaml: schema-valid offline,
// accepted by our server (kubectl apply --dry-run=server), and the static Pod's command line,
// with its hostPaths mapped onto test certificates, boots the real server against a real etcd.
// needs etcd: boots the static Pod's etcd command line
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeDevPki } from '../../src/testing/dev-pki.js';
import { FLAGS_BY_NAME } from '../../src/options/flag-table.js';
import { startEtcd } from '../helpers/etcd.js';
import { validateBuiltin } from '../helpers/k8s-models.js';
import { waitFor200, probe } from '../helpers/probe.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';
import { flagPairs, localArgs, readStaticPod, repoRoot } from '../helpers/static-pod.js';

const pod = readStaticPod();
const container = pod.spec.containers[0]!;

describe('static Pod manifest', () => {
  test('is a valid v1 Pod (kubernetes-models)', async () => {
    await validateBuiltin(pod);
  });

  test('looks like kubeadm\'s: kube-system, hostNetwork, system-node-critical, requests, probes', () => {
    assert.equal(pod.metadata.namespace, 'kube-system');
    assert.equal(pod.spec.hostNetwork, true);
    assert.equal(pod.spec.priorityClassName, 'system-node-critical');
    assert.ok(container.resources?.requests?.cpu);
    assert.deepEqual(
      [container.livenessProbe, container.readinessProbe, container.startupProbe].map(p => [p.httpGet.path, p.httpGet.scheme, p.periodSeconds, p.failureThreshold]),
      [['/livez', 'HTTPS', 10, 8], ['/readyz', 'HTTPS', 1, 3], ['/livez', 'HTTPS', 10, 24]],
    );
    const hostPaths = pod.spec.volumes.map(v => v.hostPath?.path);
    for (const p of ['/etc/kubernetes/pki', '/etc/kubernetes/audit', '/var/log/kubernetes/audit']) assert.ok(hostPaths.includes(p), p);
  });

  test('every arg is an upstream flag', () => {
    for (const [name] of flagPairs(container.args)) assert.ok(FLAGS_BY_NAME.has(name), `unknown flag --${name}`);
  });
});

describe('encryption config example', () => {
  test('is an EncryptionConfiguration whose aescbc keys are 32 bytes', () => {
    const cfg = parse(readFileSync(join(repoRoot, 'manifests/encryption-config.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      resources: { resources: string[]; providers: { aescbc?: { keys: { name: string; secret: string }[] }; identity?: object }[] }[];
    };
    assert.equal(cfg.apiVersion, 'apiserver.config.k8s.io/v1');
    assert.equal(cfg.kind, 'EncryptionConfiguration');
    const keys = cfg.resources.flatMap(r => r.providers.flatMap(p => p.aescbc?.keys ?? []));
    assert.ok(keys.length > 0);
    for (const k of keys) assert.equal(Buffer.from(k.secret, 'base64').length, 32, k.name);
    assert.ok(cfg.resources[0]!.resources.includes('secrets'));
  });
});

describe('static Pod against our server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.defaultServiceAccount('kube-system');
  });
  after(async () => {
    await server?.stop();
  });

  test('kubectl apply --dry-run=server accepts it', async () => {
    const r = await server.kubectl(['apply', '--dry-run=server', '-f', join(repoRoot, 'manifests/kube-apiserver.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pod\/kube-apiserver (created|configured) \(server dry run\)/);
    const get = await server.kubectl(['get', 'pod', '-n', 'kube-system', 'kube-apiserver']);
    assert.notEqual(get.code, 0, 'a dry run must not persist the Pod');
  });
});

test('the static Pod command line boots the server; its probe paths answer 200', async () => {
  const etcd = await startEtcd();
  const nodeRoot = mkdtempSync(join(tmpdir(), 'kas-static-pod-'));
  let output = '';
  const port = await freePort();
  const pki = join(nodeRoot, 'etc/kubernetes/pki');
  try {
    await writeDevPki(pki, { serverUrl: `https://127.0.0.1:${port}` });
    // etcd's certificates come from the test etcd; the kubelet client pair only has to exist.
    mkdirSync(join(pki, 'etcd'), { recursive: true });
    copyFileSync(etcd.caFile, join(pki, 'etcd/ca.crt'));
    copyFileSync(etcd.certFile, join(pki, 'apiserver-etcd-client.crt'));
    copyFileSync(etcd.keyFile, join(pki, 'apiserver-etcd-client.key'));
    copyFileSync(join(pki, 'front-proxy-client.crt'), join(pki, 'apiserver-kubelet-client.crt'));
    copyFileSync(join(pki, 'front-proxy-client.key'), join(pki, 'apiserver-kubelet-client.key'));
    mkdirSync(join(nodeRoot, 'etc/kubernetes/audit'), { recursive: true });
    writeFileSync(join(nodeRoot, 'etc/kubernetes/audit/audit-policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n');
    mkdirSync(join(nodeRoot, 'etc/kubernetes/enc'), { recursive: true });
    copyFileSync(join(repoRoot, 'manifests/encryption-config.yaml'), join(nodeRoot, 'etc/kubernetes/enc/encryption-config.yaml'));
    mkdirSync(join(nodeRoot, 'var/log/kubernetes/audit'), { recursive: true });

    const args = localArgs(pod, nodeRoot, {
      'etcd-servers': etcd.endpoint,
      'secure-port': String(port),
      'advertise-address': '127.0.0.1',
      'bind-address': '127.0.0.1',
      'cert-dir': join(nodeRoot, 'certs'),
    });
    const child = spawn(join(repoRoot, 'bin/kube-apiserver'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const opts = { timeoutMs: 40_000, exited: () => child.exitCode !== null, describe: () => output.slice(-6000) };
      for (const p of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
        await waitFor200(port, p.httpGet.path, opts);
      }
      assert.equal((await probe(port, '/readyz')).status, 200);
      const unimplemented = flagPairs(container.args).map(([n]) => n).filter(n => FLAGS_BY_NAME.get(n)?.implemented === false);
      for (const name of unimplemented) assert.match(output, new RegExp(`--${name}\\b`), `no warning for accepted-but-unimplemented --${name}`);
      // The audit flags point into the mapped hostPath: the probes above were audited there.
      assert.match(readFileSync(join(nodeRoot, 'var/log/kubernetes/audit/audit.log'), 'utf8'), /"kind":"Event"/);
    } finally {
      child.kill('SIGTERM');
      await new Promise<void>(r => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    }
  } finally {
    await etcd.stop();
    rmSync(nodeRoot, { recursive: true, force: true });
  }
});

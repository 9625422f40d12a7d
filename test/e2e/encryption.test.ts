// Encryption at rest with --encryption-provider-config against the real server and etcd: what
// etcd holds is upstream's format, kubectl reads it back, keys rotate across a restart, and
// --encryption-provider-config-automatic-reload switches providers without one.
// needs etcd: checks etcd's stored bytes with a raw etcd client
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { rawClient, startEtcd, storageOptions, type EtcdHandle } from '../helpers/etcd.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

let etcd: EtcdHandle;
let raw: Etcd3;
let dir: string;
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

const config = (providers: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
${providers}`;
const CBC_A = `      - aescbc: {keys: [{name: key-a, secret: ${keyA}}]}\n`;
const GCM_B = `      - aesgcm: {keys: [{name: key-b, secret: ${keyB}}]}\n`;
const IDENTITY = '      - identity: {}\n';

before(async () => {
  etcd = await startEtcd();
  raw = rawClient(etcd);
  dir = mkdtempSync(join(tmpdir(), 'kas-enc-'));
});
after(async () => {
  raw?.close();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const stored = async (key: string) => (await raw.get(key).buffer())?.toString('latin1') ?? '';

const ok = (s: TestServer, args: string[]): Promise<string> => s.kubectlOk(args);

describe('encryption at rest', () => {
  it('stores secrets encrypted in upstream\'s format and serves them decrypted; other resources stay plain', async () => {
    const file = join(dir, 'enc-1.yaml');
    writeFileSync(file, config(CBC_A + IDENTITY));
    const s = await startTestServer([`--encryption-provider-config=${file}`], { etcd });
    try {
      await ok(s, ['create', 'secret', 'generic', 'enc-1', '--from-literal=password=hunter2']);
      await ok(s, ['create', 'configmap', 'plain-1', '--from-literal=k=visible']);
      const secret = await stored('/registry/secrets/default/enc-1');
      assert.ok(secret.startsWith('k8s:enc:aescbc:v1:key-a:'), secret.slice(0, 40));
      assert.ok(!secret.includes('aHVudGVyMg'), 'the base64 of the value is not in etcd');
      assert.match(await stored('/registry/configmaps/default/plain-1'), /^\{.*"visible"/);
      assert.equal(await ok(s, ['get', 'secret', 'enc-1', '-o', 'jsonpath={.data.password}']), Buffer.from('hunter2').toString('base64'));
      // A secret written before encryption (plain JSON in etcd) is still read through identity.
      await raw.put('/registry/secrets/default/legacy').value(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'legacy', namespace: 'default', uid: 'u-legacy', creationTimestamp: '2026-01-01T00:00:00Z' }, data: { k: 'dg==' } }));
      assert.equal(await ok(s, ['get', 'secret', 'legacy', '-o', 'jsonpath={.data.k}']), 'dg==');
      // Watches decrypt too.
      const w = s.kubectl(['get', 'secrets', '--watch-only', '-o', 'name', '--request-timeout=4s'], { timeoutMs: 8000 });
      await new Promise(r => setTimeout(r, 1000));
      await ok(s, ['create', 'secret', 'generic', 'enc-watched', '--from-literal=a=b']);
      assert.match((await w).stdout, /secret\/enc-watched/);
    } finally {
      await s.stop();
    }
  });

  it('rotates keys across a restart: old values readable, new writes with the new first provider', async () => {
    const file = join(dir, 'enc-2.yaml');
    writeFileSync(file, config(GCM_B + CBC_A));
    const s = await startTestServer([`--encryption-provider-config=${file}`], { etcd });
    try {
      assert.equal(await ok(s, ['get', 'secret', 'enc-1', '-o', 'jsonpath={.data.password}']), Buffer.from('hunter2').toString('base64'));
      // Rewriting the secret re-encrypts it with the first provider, as `kubectl replace` does upstream.
      await ok(s, ['label', 'secret', 'enc-1', 'rotated=yes']);
      assert.ok((await stored('/registry/secrets/default/enc-1')).startsWith('k8s:enc:aesgcm:v1:key-b:'));
      // Without identity, a plain value can no longer be read: 500, as upstream.
      const legacy = await s.http('GET', '/api/v1/namespaces/default/secrets/legacy');
      assert.equal(legacy.status, 500);
      assert.match(legacy.body, /unable to transform key \\"\/registry\/secrets\/default\/legacy\\": no matching prefix found/);
    } finally {
      await s.stop();
    }
  });

  it('with automatic reload a changed file switches the write provider without a restart', async () => {
    const file = join(dir, 'enc-3.yaml');
    writeFileSync(file, config(GCM_B + CBC_A + IDENTITY));
    const s = await startTestServer([`--encryption-provider-config=${file}`, '--encryption-provider-config-automatic-reload'], { etcd });
    try {
      await ok(s, ['create', 'secret', 'generic', 'enc-3a', '--from-literal=a=b']);
      assert.ok((await stored('/registry/secrets/default/enc-3a')).startsWith('k8s:enc:aesgcm:v1:key-b:'));
      writeFileSync(file, config(CBC_A + GCM_B + IDENTITY));
      let last = '';
      for (let i = 0; i < 50 && !last.startsWith('k8s:enc:aescbc:'); i++) {
        await new Promise(r => setTimeout(r, 200));
        await s.kubectl(['delete', 'secret', 'enc-3b', '--ignore-not-found']);
        await ok(s, ['create', 'secret', 'generic', 'enc-3b', '--from-literal=a=b']);
        last = await stored('/registry/secrets/default/enc-3b');
      }
      assert.ok(last.startsWith('k8s:enc:aescbc:v1:key-a:'), last.slice(0, 30));
      assert.equal(await ok(s, ['get', 'secret', 'enc-3a', '-o', 'jsonpath={.data.a}']), 'Yg==');
    } finally {
      await s.stop();
    }
  });

  it('a configuration that does not validate stops start-up with one line', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, config('      - aescbc: {keys: [{name: short, secret: c2hvcnQ=}]}\n'));
    const bin = resolve(new URL('../../..', import.meta.url).pathname, 'bin/kube-apiserver');
    const port = await freePort();
    const r = await new Promise<{ code: number; stderr: string }>(res => {
      execFile(bin, [`--etcd-servers=${etcd.endpoint}`, `--etcd-cafile=${etcd.caFile}`, `--etcd-certfile=${etcd.certFile}`, `--etcd-keyfile=${etcd.keyFile}`,
        `--encryption-provider-config=${file}`, `--cert-dir=${join(dir, 'certs')}`, `--secure-port=${port}`, '--bind-address=127.0.0.1'], { timeout: 20_000 },
      (err, _stdout, stderr) => res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
    });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n').filter(l => l.startsWith('Error:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /error while parsing file .*bad\.yaml: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 5, expected one of \[16 24 32\]/);
  });
});

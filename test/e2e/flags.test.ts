// The binary's flag handling and start-up defaults, checked on the real process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { startTestServer, type TestServer } from '../helpers/server.js';

const bin = resolve(new URL('../../..', import.meta.url).pathname, 'bin/kube-apiserver');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(res => {
    execFile(bin, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

describe('flags', () => {
  it('rejects an unknown flag with one line naming it and exit status 1', async () => {
    const r = await run(['--no-such-flag=1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error: unknown flag: --no-such-flag');
  });

  it('rejects a malformed value naming the flag', async () => {
    const r = await run(['--secure-port=abc', '--etcd-servers=https://localhost:1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /invalid argument "abc" for "--secure-port" flag/);
  });

  it('requires --etcd-servers with --storage-backend=etcd3, as upstream does', async () => {
    const r = await run(['--storage-backend=etcd3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--etcd-servers must be specified/);
  });

  it('refuses an unknown --endpoint-reconciler-type as upstream does', async () => {
    const r = await run(['--etcd-servers=https://localhost:1', '--endpoint-reconciler-type=bogus']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Reconciler not implemented: bogus/);
  });

  it('refuses unknown TLS versions and cipher suites with upstream\'s messages', async () => {
    const version = await run(['--etcd-servers=https://localhost:1', '--tls-min-version=TLS13']);
    assert.equal(version.code, 1);
    assert.equal(version.stderr.trim(), 'Error: unknown tls version "TLS13"');
    const suite = await run(['--etcd-servers=https://localhost:1', '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,ECDHE-RSA-AES128-GCM-SHA256']);
    assert.equal(suite.code, 1);
    assert.equal(suite.stderr.trim(), "Error: Cipher suite ECDHE-RSA-AES128-GCM-SHA256 not supported or doesn't exist");
  });

  it('refuses an unreadable --tls-sni-cert-key at start', async () => {
    const r = await run(['--etcd-servers=https://localhost:1', '--tls-sni-cert-key=/nonexistent/a.crt,/nonexistent/a.key']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to load SNI cert and key: .*no such file/);
  });

  it('prints grouped help and the version', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Etcd flags:/);
    assert.match(help.stdout, /--etcd-prefix string\s+.*\(default "\/registry"\)/);
    const v = await run(['--version']);
    assert.match(v.stdout, /^Kubernetes v1\.32\.\d+\+kube-apiserver-ts/);
  });
});

describe('start-up defaults', () => {
  let s: TestServer;
  before(async () => {
    // No --tls-cert-file: upstream generates a self-signed serving cert in --cert-dir.
    s = await startTestServer(['--v=3', '--enable-admission-plugins=NodeRestriction', '--contention-profiling=true'], { selfSignedServing: true });
  });
  after(async () => { await s?.stop(); });

  it('serves with a self-signed certificate written to --cert-dir', async () => {
    const certDir = join(s.kubeconfig, '..', 'certs');
    assert.ok(existsSync(join(certDir, 'apiserver.crt')));
    assert.ok(existsSync(join(certDir, 'apiserver.key')));
    const onDisk = new X509Certificate(readFileSync(join(certDir, 'apiserver.crt')));
    const served = await new Promise<X509Certificate>((res, rej) => {
      const sock = connect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false, servername: 'localhost' }, () => {
        const c = sock.getPeerX509Certificate();
        sock.end();
        if (c) res(c); else rej(new Error('no certificate'));
      });
      sock.on('error', rej);
    });
    assert.equal(served.fingerprint256, onDisk.fingerprint256);
    assert.match(served.subject, /CN=127\.0\.0\.1@\d+/);
  });

  it('warns about accepted but unimplemented flags', () => {
    assert.match(s.logs(), /--contention-profiling is accepted but not implemented/);
  });

  it('logs requests at --v=3', async () => {
    await s.http('GET', '/api/v1/namespaces');
    const line = /"HTTP" verb="LIST" URI="\/api\/v1\/namespaces".*resp=200/;
    for (let i = 0; i < 50 && !line.test(s.logs()); i++) await new Promise(r => setTimeout(r, 100));
    assert.match(s.logs(), line);
  });
});

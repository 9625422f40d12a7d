// The TLS listener against the real server: --tls-min-version, --tls-cipher-suites,
// --tls-sni-cert-key, HSTS, and serving certs / client CA reloaded when their files change.
// needs etcd: starts its servers on its own etcd
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { createCA, issueCert, type CertKeyPair } from '../../src/server/pki.js';
import { startEtcd, type EtcdHandle } from '../helpers/etcd.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Handshake {
  ok: boolean;
  error?: string;
  protocol?: string | null;
  cipher?: string;
  peer?: PeerCertificate;
}

function handshake(port: number, opts: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      const r = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName, peer: socket.getPeerCertificate() };
      socket.end();
      resolve(r);
    });
    socket.on('error', e => resolve({ ok: false, error: e.message }));
  });
}

async function eventually(what: string, check: () => Promise<boolean>, logs: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 200));
  }
  assert.fail(`${what} did not happen within ${timeoutMs} ms\n--- server log tail ---\n${logs().slice(-3000)}`);
}

let etcd: EtcdHandle;
let dir: string;
before(async () => {
  etcd = await startEtcd();
  dir = mkdtempSync(join(tmpdir(), 'kas-tls-'));
});
after(async () => {
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('--tls-min-version=VersionTLS13', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer(['--tls-min-version=VersionTLS13'], { etcd }); });
  after(async () => { await s?.stop(); });

  it('refuses a TLS 1.2 client and serves TLS 1.3 clients, kubectl included', async () => {
    const old = await handshake(s.port, { maxVersion: 'TLSv1.2' });
    assert.equal(old.ok, false, 'a TLS 1.2-only client must be refused');
    const modern = await handshake(s.port);
    assert.equal(modern.ok, true, modern.error);
    assert.equal(modern.protocol, 'TLSv1.3');
    const r = await s.kubectl(['get', 'namespaces', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/default/);
  });
});

describe('cipher suites, SNI, HSTS and reloading', () => {
  let s: TestServer;
  let ca: CertKeyPair;
  let otherCA: CertKeyPair;
  let servingCert: string;
  let servingKey: string;
  let clientCAFile: string;
  let adminCA: string;

  before(async () => {
    otherCA = await createCA('other-client-ca');
    const sniCA = await createCA('sni-ca', { keyAlgorithm: 'ecdsa' });
    const named = await issueCert({ ca: sniCA, commonName: 'named-sni', dnsNames: ['ignored.example.test'], usage: 'server' });
    const extracted = await issueCert({ ca: sniCA, commonName: 'extracted.example.test', dnsNames: ['also.example.test'], usage: 'server' });
    const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };
    const sniFlags = [
      `--tls-sni-cert-key=${file('named.crt', named.certPem)},${file('named.key', named.keyPem)}:*.wild.example.test,named.example.test`,
      `--tls-sni-cert-key=${file('extracted.crt', extracted.certPem)},${file('extracted.key', extracted.keyPem)}`,
    ];
    servingCert = join(dir, 'serving.crt');
    servingKey = join(dir, 'serving.key');
    clientCAFile = join(dir, 'client-ca.crt');
    s = await startTestServer([
      '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256',
      '--strict-transport-security-directives=max-age=31536000,includeSubDomains',
      ...sniFlags,
    ], {
      etcd,
      // Copies the server may watch, replacing the helper's files (the last flag wins).
      pkiFlags: pki => {
        copyFileSync(pki.apiserverCert, servingCert);
        copyFileSync(pki.apiserverKey, servingKey);
        copyFileSync(pki.caCert, clientCAFile);
        return [`--tls-cert-file=${servingCert}`, `--tls-private-key-file=${servingKey}`, `--client-ca-file=${clientCAFile}`];
      },
    });
    adminCA = readFileSync(s.pki.caCert, 'utf8');
    ca = { certPem: adminCA, keyPem: readFileSync(s.pki.caKey, 'utf8') };
  });
  after(async () => { await s?.stop(); });

  it('negotiates only the listed TLS 1.2 suites and still offers TLS 1.3', async () => {
    const refused = await handshake(s.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' });
    assert.equal(refused.ok, false, 'a suite outside --tls-cipher-suites must not be negotiated');
    const allowed = await handshake(s.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256' });
    assert.equal(allowed.ok, true, allowed.error);
    assert.equal(allowed.cipher, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    const tls13 = await handshake(s.port);
    assert.equal(tls13.protocol, 'TLSv1.3');
  });

  it('sends HSTS as --strict-transport-security-directives says', async () => {
    const r = await s.http('GET', '/version');
    assert.equal(r.status, 200);
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  it('serves SNI certs by explicit names, wildcards and certificate names, else the default cert', async () => {
    const cn = async (servername?: string) => (await handshake(s.port, servername ? { servername } : {})).peer?.subject?.CN;
    assert.equal(await cn('named.example.test'), 'named-sni');
    assert.equal(await cn('x.wild.example.test'), 'named-sni');
    assert.equal(await cn('ignored.example.test'), 'kube-apiserver', 'explicit names replace the certificate\'s own');
    assert.equal(await cn('extracted.example.test'), 'extracted.example.test');
    assert.equal(await cn('ALSO.example.test'), 'extracted.example.test');
    assert.equal(await cn('localhost'), 'kube-apiserver');
    assert.equal(await cn(), 'kube-apiserver');
  });

  it('serves a replaced serving certificate without a restart; kubectl keeps working', async () => {
    const fresh = await issueCert({ ca, commonName: 'rotated-apiserver', dnsNames: ['localhost', 'kubernetes'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    // Written in two steps, as a rotation tool would: the half-written pair must not be served.
    writeFileSync(servingKey, fresh.keyPem);
    writeFileSync(servingCert, fresh.certPem);
    await eventually('serving the rotated certificate', async () => (await handshake(s.port, { servername: 'localhost' })).peer?.subject?.CN === 'rotated-apiserver', s.logs);
    const r = await s.kubectl(['get', 'ns', 'default', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.http('GET', '/livez')).status, 200);
  });

  it('keeps the previous certificate when the files hold garbage', async () => {
    writeFileSync(servingCert, 'not a certificate');
    await new Promise(r => setTimeout(r, 1500));
    const h = await handshake(s.port, { servername: 'localhost' });
    assert.equal(h.ok, true, h.error);
    assert.equal(h.peer?.subject?.CN, 'rotated-apiserver');
    assert.match(s.logs(), /keeping the previous/);
  });

  it('trusts a client CA added to --client-ca-file without a restart', async () => {
    const client = await issueCert({ ca: otherCA, commonName: 'carol', organizations: ['team-c'], usage: 'client' });
    const who = () => s.http('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      clientCert: { cert: client.certPem, key: client.keyPem },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });
    assert.equal((await who()).status, 401, 'a certificate from an untrusted CA is 401');
    writeFileSync(clientCAFile, `${adminCA}\n${otherCA.certPem}`);
    await eventually('authenticating with the added CA', async () => (await who()).status === 201, s.logs);
    const review = (await who()).json<{ status: { userInfo: { username: string; groups: string[] } } }>();
    assert.equal(review.status.userInfo.username, 'carol');
    assert.ok(review.status.userInfo.groups.includes('team-c'));
    // The admin's CA is still trusted.
    const r = await s.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(r.code, 0, r.stderr);
    // The reloaded bundle is published for the components that authenticate this server's callers.
    await eventually('publishing the new CA', async () => {
      const cm = await s.http('GET', '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
      const bundle = cm.json<{ data?: Record<string, string> }>().data?.['client-ca-file'] ?? '';
      return bundle.includes(otherCA.certPem.trim().split('\n')[1]!);
    }, s.logs);
  });
});

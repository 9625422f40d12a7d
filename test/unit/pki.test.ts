// The PKI library: certs Node's TLS accepts both ways (mTLS), upstream's self-signed serving cert,
// and the kubeadm-like dev tree.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { writeDevPki } from '../../src/testing/dev-pki.js';
import { createCA, ensureSelfSignedServingCert, generateServiceAccountKeyPair, issueCert, parseCertificate } from '../../src/server/pki.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pki-test-'));
  dirs.push(d);
  return d;
}
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Completes an mTLS handshake and returns the client-cert subject the server saw. */
async function handshake(ca: string, server: { certPem: string; keyPem: string }, client: { certPem: string; keyPem: string }, servername: string): Promise<string> {
  const srv = createServer({ cert: server.certPem, key: server.keyPem, ca, requestCert: true, rejectUnauthorized: true }, (sock) => {
    sock.end(String(sock.getPeerCertificate().subject.CN));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port, servername, ca, cert: client.certPem, key: client.keyPem }, () => {
        let data = '';
        sock.on('data', (c: Buffer) => (data += c.toString()));
        sock.on('end', () => resolve(data));
      });
      sock.on('error', reject);
    });
  } finally {
    srv.close();
  }
}

describe('pki', () => {
  for (const keyAlgorithm of ['rsa', 'ecdsa'] as const) {
    it(`${keyAlgorithm}: server and client certs from one CA pass an mTLS handshake`, async () => {
      const ca = await createCA('test-ca', { keyAlgorithm });
      const server = await issueCert({ ca, commonName: 'srv', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], keyAlgorithm });
      const client = await issueCert({ ca, commonName: 'admin', organizations: ['system:masters'], usage: 'client', keyAlgorithm });
      assert.equal(await handshake(ca.certPem, server, client, 'localhost'), 'admin');
      const parsed = parseCertificate(client.certPem);
      assert.equal(parsed.subject, 'O=system:masters\nCN=admin');
      assert.ok(parsed.checkIssued(parseCertificate(ca.certPem)));
      assert.equal(parseCertificate(ca.certPem).ca, true);
      assert.equal(parsed.ca, false);
      assert.equal(parseCertificate(server.certPem).subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    });
  }

  it('extKeyUsage follows the usage (Go checks it; etcd rejects a client cert without clientAuth)', async () => {
    const ca = await createCA('test-ca', { keyAlgorithm: 'ecdsa' });
    const usages = { server: ['1.3.6.1.5.5.7.3.1'], client: ['1.3.6.1.5.5.7.3.2'], both: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] };
    for (const usage of ['server', 'client', 'both'] as const) {
      const cert = await issueCert({ ca, commonName: usage, usage, keyAlgorithm: 'ecdsa' });
      assert.deepEqual(parseCertificate(cert.certPem).keyUsage, usages[usage]);
    }
  });

  it('service-account keys are an RSA PKCS#1 private key and a PKIX public key', async () => {
    const sa = await generateServiceAccountKeyPair();
    assert.match(sa.privateKeyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(sa.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  });

  it('ensureSelfSignedServingCert writes apiserver.crt/key once, with upstream names and SANs, then reuses them', async () => {
    const dir = await tempDir();
    const first = await ensureSelfSignedServingCert(dir, { host: '10.0.0.7', alternateDNS: ['kubernetes.default.svc', 'kubernetes'], alternateIPs: ['10.0.0.1'] });
    assert.deepEqual(first, { certFile: join(dir, 'apiserver.crt'), keyFile: join(dir, 'apiserver.key'), generated: true });
    const pem = await readFile(first.certFile, 'utf8');
    assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 2, 'the cert file holds the cert then its CA');
    const cert = parseCertificate(pem);
    assert.match(cert.subject, /^CN=10\.0\.0\.7@\d+$/);
    assert.match(cert.issuer, /^CN=10\.0\.0\.7-ca@\d+$/);
    assert.equal(cert.subjectAltName, 'DNS:kubernetes.default.svc, DNS:kubernetes, DNS:localhost, IP Address:10.0.0.7, IP Address:10.0.0.1');
    assert.match(await readFile(first.keyFile, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    const second = await ensureSelfSignedServingCert(dir, { host: 'other' });
    assert.equal(second.generated, false);
    assert.equal(await readFile(first.certFile, 'utf8'), pem);
  });

  it('writeDevPki writes the kubeadm-like tree and keeps it on a second run', async () => {
    const dir = await tempDir();
    const paths = await writeDevPki(dir, { serverUrl: 'https://127.0.0.1:16443' });
    const caBefore = await readFile(paths.caCert, 'utf8');
    for (const f of ['ca', 'apiserver', 'apiserver-etcd-client', 'etcd/ca', 'etcd/server', 'front-proxy-ca', 'front-proxy-client']) {
      await stat(join(dir, `${f}.crt`));
      assert.equal((await stat(join(dir, `${f}.key`))).mode & 0o777, 0o600);
    }
    const apiserver = parseCertificate(await readFile(paths.apiserverCert, 'utf8'));
    for (const san of ['DNS:kubernetes.default.svc.cluster.local', 'IP Address:10.96.0.1', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(apiserver.subjectAltName?.includes(san), san);
    }
    assert.ok(parseCertificate(await readFile(paths.etcdClientCert, 'utf8')).checkIssued(parseCertificate(await readFile(paths.etcdCaCert, 'utf8'))));
    const kubeconfig = parse(await readFile(paths.adminConf, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { name: string; user: { 'client-certificate-data': string } }[];
    };
    assert.equal(kubeconfig.clusters[0].cluster.server, 'https://127.0.0.1:16443');
    assert.equal(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), caBefore);
    assert.equal(kubeconfig.users[0].name, 'kubernetes-admin');
    const admin = parseCertificate(Buffer.from(kubeconfig.users[0].user['client-certificate-data'], 'base64').toString());
    assert.equal(admin.subject, 'O=system:masters\nCN=kubernetes-admin');

    await writeDevPki(dir);
    assert.equal(await readFile(paths.caCert, 'utf8'), caBefore);
  });
});

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CABundle } from '../../src/authn/ca-bundle.js';
import { buildNameMap, certificateNames, lookupName, ServingCertificates } from '../../src/server/serving-certs.js';
import { createCA, issueCert, type CertKeyPair } from '../../src/server/pki.js';

let ca: CertKeyPair;
const leaf = async (commonName: string, dnsNames: string[] = [], ipAddresses: string[] = []) =>
  new X509Certificate((await issueCert({ ca, commonName, dnsNames, ipAddresses, usage: 'server', keyAlgorithm: 'ecdsa' })).certPem);

before(async () => {
  ca = await createCA('sni-test-ca', { keyAlgorithm: 'ecdsa' });
});

test('certificate names are the CN (when a DNS name) and the DNS SANs, never IPs', async () => {
  assert.deepEqual(certificateNames(await leaf('api.example.com', ['a.example.com', '*.b.example.com'], ['10.0.0.1'])),
    ['api.example.com', 'a.example.com', '*.b.example.com']);
  assert.deepEqual(certificateNames(await leaf('10.0.0.1', ['c.example.com'])), ['c.example.com']);
  assert.deepEqual(certificateNames(await leaf('kube apiserver', [])), []);
  assert.deepEqual(certificateNames(await leaf('*.wild.example.com')), ['*.wild.example.com']);
});

test('earlier certs win, explicit names beat extracted ones', async () => {
  const first = await leaf('shared.example.com');
  const second = await leaf('other', ['shared.example.com', 'second.example.com']);
  const third = await leaf('third.example.com');
  const map = buildNameMap([
    { cert: first, names: [] },
    { cert: second, names: [] },
    { cert: third, names: ['Second.Example.com', '*.example.com'] },
  ]);
  assert.equal(map.get('shared.example.com'), 0);
  assert.equal(map.get('second.example.com'), 2);
  assert.equal(map.get('*.example.com'), 2);
  assert.equal(map.has('third.example.com'), false, 'explicit names replace the certificate\'s own');
});

test('lookup: exact name, then one wildcard label, case- and trailing-dot-insensitive', () => {
  const map = new Map([['api.example.com', 'exact'], ['*.example.com', 'wild']]);
  assert.equal(lookupName(map, 'API.example.com.'), 'exact');
  assert.equal(lookupName(map, 'foo.example.com'), 'wild');
  assert.equal(lookupName(map, 'a.b.example.com'), undefined, 'a wildcard covers one label');
  assert.equal(lookupName(map, 'example.com'), undefined);
  assert.equal(lookupName(map, ''), undefined);
});

test('sync: a new client CA is applied even while the new serving pair is unusable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kas-serving-'));
  try {
    const serving = await issueCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], usage: 'server', keyAlgorithm: 'ecdsa' });
    const clientCA = await createCA('client-ca', { keyAlgorithm: 'ecdsa' });
    const otherCA = await createCA('other-client-ca', { keyAlgorithm: 'ecdsa' });
    const f = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };
    const certFile = f('tls.crt', serving.certPem);
    const keyFile = f('tls.key', serving.keyPem);
    const caFile = f('ca.crt', clientCA.certPem);
    const bundle = await CABundle.load(caFile);
    const certs = await ServingCertificates.load({ serving: { certFile, keyFile }, sni: [], clientCAs: [bundle], minVersion: 'TLSv1.2' });
    assert.equal(await certs.sync(), false, 'nothing changed');
    writeFileSync(certFile, 'garbage');
    writeFileSync(caFile, `${clientCA.certPem}${otherCA.certPem}`);
    assert.equal(await certs.sync(), true);
    assert.equal(bundle.roots.length, 2);
    assert.match(String(certs.serverOptions().ca), /BEGIN CERTIFICATE[\s\S]+BEGIN CERTIFICATE/, 'the listener asks for certificates from both CAs');
    assert.equal(String(certs.serverOptions().cert), serving.certPem, 'the serving pair in use is kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

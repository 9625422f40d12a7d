import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { buildNameMap, certificateNames, lookupName } from '../../src/server/serving-certs.js';
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

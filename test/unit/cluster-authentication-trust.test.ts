import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { authenticationData, combineBundles } from '../../src/controllers/cluster-authentication-trust.js';
import { createCA, issueCert, type CertKeyPair } from '../../src/server/pki.js';

let a: CertKeyPair;
let b: CertKeyPair;
let expired: string;
const subjects = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(p => new X509Certificate(p).subject);

before(async () => {
  a = await createCA('ca-a', { keyAlgorithm: 'ecdsa' });
  b = await createCA('ca-b', { keyAlgorithm: 'ecdsa' });
  expired = (await issueCert({ ca: a, commonName: 'old-ca', usage: 'both', keyAlgorithm: 'ecdsa', notBefore: new Date(Date.now() - 3 * 86_400_000), days: 1 })).certPem;
});

test('bundles are merged in order, each certificate once, expired ones dropped', () => {
  const merged = combineBundles(`${a.certPem}${expired}`, `${b.certPem}${a.certPem}`);
  assert.deepEqual(subjects(merged), ['CN=ca-a', 'CN=ca-b']);
  assert.equal(combineBundles(undefined, undefined), '');
});

test('without a front-proxy CA only client-ca-file is written', () => {
  assert.deepEqual(Object.keys(authenticationData({}, { clientCA: () => a.certPem })), ['client-ca-file']);
});

test('front-proxy settings are JSON lists merged with what another server wrote', () => {
  const existing = {
    'client-ca-file': b.certPem,
    'requestheader-client-ca-file': b.certPem,
    'requestheader-username-headers': '["X-Other-User"]',
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-group-headers': 'not json',
  };
  const data = authenticationData(existing, {
    clientCA: () => a.certPem,
    requestHeader: {
      ca: () => a.certPem, usernameHeaders: ['X-Remote-User'], uidHeaders: [], groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'], allowedNames: ['front-proxy-client'],
    },
  });
  assert.deepEqual(subjects(data['client-ca-file']!), ['CN=ca-b', 'CN=ca-a']);
  assert.deepEqual(subjects(data['requestheader-client-ca-file']!), ['CN=ca-b', 'CN=ca-a']);
  assert.equal(data['requestheader-username-headers'], '["X-Other-User","X-Remote-User"]');
  assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
  assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
  assert.equal(data['requestheader-uid-headers'], '[]');
  assert.equal(data['requestheader-allowed-names'], '["front-proxy-client"]');
});

test('what is already there and complete needs no write', () => {
  const info = { clientCA: () => a.certPem };
  const once = authenticationData({}, info);
  assert.deepEqual(authenticationData(once, info), once);
});

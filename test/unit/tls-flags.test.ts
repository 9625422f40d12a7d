import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tlsCipherSuites, tlsMinVersion, tlsVersionNames } from '../../src/options/tls-flags.js';

test('--tls-min-version maps Go names to Node versions; empty is TLS 1.2', () => {
  assert.equal(tlsMinVersion(''), 'TLSv1.2');
  assert.equal(tlsMinVersion('VersionTLS10'), 'TLSv1');
  assert.equal(tlsMinVersion('VersionTLS11'), 'TLSv1.1');
  assert.equal(tlsMinVersion('VersionTLS12'), 'TLSv1.2');
  assert.equal(tlsMinVersion('VersionTLS13'), 'TLSv1.3');
  assert.deepEqual(tlsVersionNames(), ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13']);
});

test('an unknown --tls-min-version is upstream\'s error', () => {
  assert.throws(() => tlsMinVersion('TLSv1.3'), { message: 'unknown tls version "TLSv1.3"' });
  assert.throws(() => tlsMinVersion('versiontls12'), { message: 'unknown tls version "versiontls12"' });
});

test('no --tls-cipher-suites keeps Node\'s defaults', () => {
  assert.deepEqual(tlsCipherSuites([]), { insecure: [], unavailable: [] });
});

test('Go suite names become OpenSSL names, in order, with TLS 1.3 suites kept', () => {
  const r = tlsCipherSuites(['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305']);
  const parts = r.ciphers!.split(':');
  assert.deepEqual(parts.slice(0, 3), ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305']);
  // Go cannot restrict TLS 1.3 suites, so all of Node's stay enabled.
  assert.ok(parts.includes('TLS_AES_128_GCM_SHA256'));
  assert.ok(parts.includes('TLS_AES_256_GCM_SHA384'));
  assert.deepEqual(r.insecure, []);
  assert.deepEqual(r.unavailable, []);
});

test('the legacy and the new CHACHA20 spellings select one suite', () => {
  const r = tlsCipherSuites(['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256']);
  assert.equal(r.ciphers!.split(':').filter(c => c === 'ECDHE-RSA-CHACHA20-POLY1305').length, 1);
});

test('TLS 1.3 suite names are accepted and add nothing', () => {
  const r = tlsCipherSuites(['TLS_AES_128_GCM_SHA256']);
  assert.ok(r.ciphers!.split(':').every(c => c.startsWith('TLS_')));
});

test('insecure suites are accepted and reported; ones OpenSSL lacks are reported too', () => {
  const r = tlsCipherSuites(['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_RSA_WITH_RC4_128_SHA']);
  assert.deepEqual(r.insecure, ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_RSA_WITH_RC4_128_SHA']);
  assert.deepEqual(r.unavailable, ['TLS_RSA_WITH_RC4_128_SHA']);
  assert.ok(r.ciphers!.startsWith('ECDHE-RSA-AES128-SHA256:RC4-SHA:'));
});

test('an unknown suite is upstream\'s error', () => {
  assert.throws(() => tlsCipherSuites(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256']),
    { message: "Cipher suite ECDHE-RSA-AES128-GCM-SHA256 not supported or doesn't exist" });
});

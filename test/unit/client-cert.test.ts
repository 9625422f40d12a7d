import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { test } from 'node:test';
import { parseCABundle, verifyPeerCertificate } from '../../src/authn/client-cert.js';
import { createCA, issueCert } from '../../src/server/pki.js';

/** A socket whose peer presented `pem`; counts how often the chain is read. */
function socketWith(pem: string): { socket: TLSSocket; reads: () => number } {
  const cert = new X509Certificate(pem);
  let reads = 0;
  const peer = { raw: cert.raw, fingerprint256: cert.fingerprint256, issuerCertificate: undefined };
  const socket = { getPeerCertificate: () => { reads++; return peer; } } as unknown as TLSSocket;
  return { socket, reads: () => reads };
}

test('a connection\'s chain is read once; each CA bundle gets its own answer', async () => {
  const ca = await createCA('ca-one', { keyAlgorithm: 'ecdsa' });
  const other = await createCA('ca-two', { keyAlgorithm: 'ecdsa' });
  const client = await issueCert({ ca, commonName: 'dana', usage: 'client', keyAlgorithm: 'ecdsa' });
  const { socket, reads } = socketWith(client.certPem);
  const trusted = parseCABundle(ca.certPem);
  const untrusted = parseCABundle(other.certPem);
  for (let i = 0; i < 3; i++) assert.equal(verifyPeerCertificate(socket, trusted).kind, 'verified');
  assert.deepEqual(verifyPeerCertificate(socket, untrusted), { kind: 'invalid', reason: 'x509: certificate signed by unknown authority' });
  // A reloaded bundle is a new array: it is asked afresh.
  assert.equal(verifyPeerCertificate(socket, parseCABundle(`${other.certPem}\n${ca.certPem}`)).kind, 'verified');
  assert.equal(reads(), 1);
});

test('an expired certificate is refused every time, not cached as valid', async () => {
  const ca = await createCA('ca-exp', { keyAlgorithm: 'ecdsa' });
  const old = await issueCert({ ca, commonName: 'old', usage: 'client', keyAlgorithm: 'ecdsa', notBefore: new Date(Date.now() - 3 * 86_400_000), days: 1 });
  const { socket } = socketWith(old.certPem);
  const roots = parseCABundle(ca.certPem);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(verifyPeerCertificate(socket, roots), { kind: 'invalid', reason: 'x509: certificate has expired or is not yet valid' });
  }
});

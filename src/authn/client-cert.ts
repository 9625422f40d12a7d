// Verifies the TLS peer certificate against one CA bundle. The listener trusts the union of every
// client CA (so clients are asked for certificates from all of them); each authenticator then
// checks its own bundle, as upstream verifies per authenticator.
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

export type CertCheck =
  | { kind: 'none' }
  | { kind: 'verified'; cert: X509Certificate }
  | { kind: 'invalid'; reason: string };

/** Splits a PEM bundle into its certificates. */
export function parseCABundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('data does not contain any valid RSA or ECDSA certificates');
  return blocks.map(b => new X509Certificate(b));
}

function chainOf(socket: TLSSocket): X509Certificate[] {
  if (typeof socket.getPeerCertificate !== 'function') return [];
  const out: X509Certificate[] = [];
  let cur: PeerCertificate & { issuerCertificate?: PeerCertificate } = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cur && cur.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
  }
  return out;
}

function withinValidity(c: X509Certificate, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** Verifies the leaf through the peer's intermediates up to a certificate in `roots`. */
export function verifyPeerCertificate(socket: TLSSocket, roots: readonly X509Certificate[]): CertCheck {
  const chain = chainOf(socket);
  const leaf = chain[0];
  if (!leaf) return { kind: 'none' };
  const now = Date.now();
  const ekus = leaf.keyUsage;
  if (ekus && ekus.length > 0 && !ekus.includes(CLIENT_AUTH_EKU) && !ekus.includes(ANY_EKU)) {
    return { kind: 'invalid', reason: 'x509: certificate specifies an incompatible key usage' };
  }
  let cur = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (!withinValidity(cur, now)) return { kind: 'invalid', reason: 'x509: certificate has expired or is not yet valid' };
    if (roots.some(r => withinValidity(r, now) && signedBy(cur, r))) return { kind: 'verified', cert: leaf };
    const next = chain.find(c => c !== cur && c.ca && signedBy(cur, c));
    if (!next) break;
    cur = next;
  }
  return { kind: 'invalid', reason: 'x509: certificate signed by unknown authority' };
}

/** A distinguished-name attribute's values (Node prints the subject as "CN=a\nO=b\nO=c"). */
export function subjectValues(cert: X509Certificate, attr: string): string[] {
  return cert.subject.split('\n').filter(l => l.startsWith(`${attr}=`)).map(l => l.slice(attr.length + 1));
}

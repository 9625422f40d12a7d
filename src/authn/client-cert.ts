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

function validity(c: X509Certificate): [number, number] {
  return [Date.parse(c.validFrom), Date.parse(c.validTo)];
}

function withinValidity(c: X509Certificate, now: number): boolean {
  const [from, to] = validity(c);
  return from <= now && now <= to;
}

function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function verifyChain(chain: X509Certificate[], roots: readonly X509Certificate[], now: number): { check: CertCheck; used: X509Certificate[] } {
  const leaf = chain[0];
  if (!leaf) return { check: { kind: 'none' }, used: [] };
  const ekus = leaf.keyUsage;
  if (ekus && ekus.length > 0 && !ekus.includes(CLIENT_AUTH_EKU) && !ekus.includes(ANY_EKU)) {
    return { check: { kind: 'invalid', reason: 'x509: certificate specifies an incompatible key usage' }, used: [leaf] };
  }
  const used: X509Certificate[] = [];
  let cur = leaf;
  for (let depth = 0; depth < 8; depth++) {
    used.push(cur);
    if (!withinValidity(cur, now)) return { check: { kind: 'invalid', reason: 'x509: certificate has expired or is not yet valid' }, used };
    const root = roots.find(r => withinValidity(r, now) && signedBy(cur, r));
    if (root) return { check: { kind: 'verified', cert: leaf }, used: [...used, root] };
    const next = chain.find(c => c !== cur && c.ca && signedBy(cur, c));
    if (!next) break;
    cur = next;
  }
  return { check: { kind: 'invalid', reason: 'x509: certificate signed by unknown authority' }, used };
}

interface CachedCheck {
  check: CertCheck;
  /** The time span in which the same chain and roots give the same answer. */
  from: number;
  to: number;
}

/**
 * A connection's peer certificates never change, so their parsing and verification are done once
 * per connection and CA bundle (a reloaded bundle is a new array) and reused while every
 * certificate involved stays within its validity period; re-parsing them on each request cost a
 * quarter of the server's CPU.
 */
const perConnection = new WeakMap<TLSSocket, { chain: X509Certificate[]; checks: Map<readonly X509Certificate[], CachedCheck> }>();

/** Verifies the leaf through the peer's intermediates up to a certificate in `roots`. */
export function verifyPeerCertificate(socket: TLSSocket, roots: readonly X509Certificate[]): CertCheck {
  let conn = perConnection.get(socket);
  if (!conn) {
    conn = { chain: chainOf(socket), checks: new Map() };
    if (typeof socket === 'object' && socket !== null) perConnection.set(socket, conn);
  }
  const now = Date.now();
  const cached = conn.checks.get(roots);
  if (cached && cached.from <= now && now <= cached.to) return cached.check;
  const { check, used } = verifyChain(conn.chain, roots, now);
  let from = -Infinity;
  let to = Infinity;
  for (const c of used) {
    const [f, t] = validity(c);
    from = Math.max(from, f);
    to = Math.min(to, t);
  }
  conn.checks.set(roots, { check, from, to });
  return check;
}

/** A distinguished-name attribute's values (Node prints the subject as "CN=a\nO=b\nO=c"). */
export function subjectValues(cert: X509Certificate, attr: string): string[] {
  return cert.subject.split('\n').filter(l => l.startsWith(`${attr}=`)).map(l => l.slice(attr.length + 1));
}

// x509 client-certificate authentication: a certificate verified against --client-ca-file
// names the user in its CN and the groups in its O values, as upstream's x509 authenticator.
import type { TLSSocket } from 'node:tls';
import { invalid, none, type AuthnResult } from './authenticator.js';
import type { CABundle } from './ca-bundle.js';
import { subjectValues, verifyPeerCertificate } from './client-cert.js';

export function authenticateClientCert(socket: TLSSocket, ca: CABundle): AuthnResult {
  const check = verifyPeerCertificate(socket, ca.roots);
  if (check.kind === 'none') return none;
  if (check.kind === 'invalid') return invalid(`verifying certificate failed: ${check.reason}`);
  const cn = subjectValues(check.cert, 'CN')[0] ?? '';
  if (!cn) return invalid('x509: client certificate has no common name');
  return { kind: 'user', user: { name: cn, groups: subjectValues(check.cert, 'O') } };
}

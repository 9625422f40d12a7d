// x509 client-certificate authentication: a certificate verified against --client-ca-file
// names the user in its CN and the groups in its O values, as upstream's x509 authenticator.
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './user.js';

export type X509Result =
  | { kind: 'none' }
  | { kind: 'user'; user: UserInfo }
  | { kind: 'invalid'; reason: string };

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function authenticateClientCert(socket: TLSSocket): X509Result {
  if (typeof socket.getPeerCertificate !== 'function') return { kind: 'none' };
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { kind: 'none' };
  if (!socket.authorized) {
    return { kind: 'invalid', reason: `verifying certificate failed: ${String(socket.authorizationError ?? 'unknown authority')}` };
  }
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const cn = asList(subject['CN'])[0] ?? '';
  if (!cn) return { kind: 'invalid', reason: 'client certificate has no common name' };
  return { kind: 'user', user: { name: cn, groups: asList(subject['O']) } };
}

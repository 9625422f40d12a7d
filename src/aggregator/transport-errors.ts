// Node's socket and TLS errors in the words of Go's net/http transport, which upstream's proxy
// responder writes verbatim into its 503 body (err.Error()): clients and tests match on them.
import type { Address } from './backend.js';
import { hostPort } from './backend.js';

type NodeError = Error & { code?: string; reason?: string; cert?: { subjectaltname?: string; subject?: { CN?: string } } };

const unknownAuthority = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE',
]);

/** The names a certificate is valid for, as Go lists them ("a, b" or "a, b, c" ...). */
function certNames(e: NodeError): string {
  const san = e.cert?.subjectaltname;
  if (san) return san.split(', ').map(s => s.replace(/^(DNS|IP Address):/, '')).join(', ');
  return e.cert?.subject?.CN ?? '';
}

/** Go's text for an error met while dialing `addr`, handshaking with `serverName` or reading the answer. */
export function goTransportError(e: Error, addr: Address, serverName: string): string {
  const err = e as NodeError;
  const target = hostPort(addr);
  // The backend closed the connection before answering (Node says so with code ECONNRESET): Go's transport reads EOF.
  if (err.message === 'socket hang up') return 'EOF';
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${target}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${addr.host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${target}: read: connection reset by peer`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is valid for ${certNames(err)}, not ${serverName}`;
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    default:
      if (err.code && unknownAuthority.has(err.code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
      return err.message;
  }
}

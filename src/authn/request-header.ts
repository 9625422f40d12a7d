// Front-proxy (requestheader) authentication: a client certificate from
// --requestheader-client-ca-file, whose CN is in --requestheader-allowed-names when that is set,
// makes the configured identity headers authoritative. The headers are removed once used.
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { invalid, none, type AuthnResult } from './authenticator.js';
import type { CABundle } from './ca-bundle.js';
import { subjectValues, verifyPeerCertificate } from './client-cert.js';

export interface RequestHeaderConfig {
  ca: CABundle;
  allowedNames: string[];
  usernameHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
  uidHeaders: string[];
}

/** Each line of a repeated header separately (Node joins them with ", " in req.headers; Go keeps them apart). */
type DistinctHeaders = NodeJS.Dict<string[]>;

function values(headers: IncomingHttpHeaders, name: string, distinct?: DistinctHeaders): string[] {
  const lines = distinct?.[name.toLowerCase()];
  if (lines) return lines;
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function firstNonEmpty(headers: IncomingHttpHeaders, names: string[], distinct?: DistinctHeaders): string {
  for (const n of names) {
    const v = values(headers, n, distinct).find(x => x !== '');
    if (v) return v;
  }
  return '';
}

function unescapeKey(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function extrasOf(headers: IncomingHttpHeaders, prefixes: string[], distinct?: DistinctHeaders): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of prefixes.map(x => x.toLowerCase())) {
    for (const name of Object.keys(headers)) {
      if (!name.startsWith(p) || name.length === p.length) continue;
      const key = unescapeKey(name.slice(p.length)).toLowerCase();
      (out[key] ??= []).push(...values(headers, name, distinct));
    }
  }
  return out;
}

/** Removes every identity header so nothing downstream mistakes them for client input. */
function clearIdentityHeaders(headers: IncomingHttpHeaders, cfg: RequestHeaderConfig): void {
  for (const n of [...cfg.usernameHeaders, ...cfg.groupHeaders, ...cfg.uidHeaders]) delete headers[n.toLowerCase()];
  const prefixes = cfg.extraHeaderPrefixes.map(p => p.toLowerCase());
  for (const name of Object.keys(headers)) if (prefixes.some(p => name.startsWith(p))) delete headers[name];
}

export function authenticateRequestHeader(socket: TLSSocket, headers: IncomingHttpHeaders, cfg: RequestHeaderConfig, distinct?: DistinctHeaders): AuthnResult {
  const check = verifyPeerCertificate(socket, cfg.ca.roots);
  if (check.kind === 'none') return none;
  if (check.kind === 'invalid') return invalid(`verifying certificate failed: ${check.reason}`);
  if (cfg.allowedNames.length > 0) {
    const cn = subjectValues(check.cert, 'CN')[0] ?? '';
    if (!cfg.allowedNames.includes(cn)) return invalid(`x509: subject with cn=${cn} is not in the allowed list`);
  }
  const name = firstNonEmpty(headers, cfg.usernameHeaders, distinct);
  if (!name) return none;
  const groups = cfg.groupHeaders.flatMap(h => values(headers, h, distinct));
  const uid = firstNonEmpty(headers, cfg.uidHeaders, distinct);
  const extra = extrasOf(headers, cfg.extraHeaderPrefixes, distinct);
  clearIdentityHeaders(headers, cfg);
  return { kind: 'user', user: { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) } };
}

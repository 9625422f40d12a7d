// --tls-min-version and --tls-cipher-suites take Go's crypto/tls names, as upstream; Node's TLS
// stack (OpenSSL) wants its own names, so both flags are translated here.
import { DEFAULT_CIPHERS, getCiphers, type SecureVersion } from 'node:tls';

const VERSIONS: Record<string, SecureVersion> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

/** Go suite name → OpenSSL name, for the suites Go negotiates up to TLS 1.2. */
const TLS12_SUITES: Record<string, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  // Legacy spellings upstream keeps accepting.
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
};

/** Go's InsecureCipherSuites(): accepted, with a warning, as upstream. */
const INSECURE_SUITES: Record<string, string> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
};

/** Go accepts these names but TLS 1.3 suites are not configurable there, so they select nothing extra. */
const TLS13_SUITES = new Set(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);

export function tlsVersionNames(): string[] {
  return Object.keys(VERSIONS).sort();
}

/** Maps --tls-min-version; empty means upstream's default, TLS 1.2. Throws upstream's message otherwise. */
export function tlsMinVersion(name: string): SecureVersion {
  if (name === '') return 'TLSv1.2';
  const v = VERSIONS[name];
  if (!v) throw new Error(`unknown tls version "${name}"`);
  return v;
}

export interface CipherSelection {
  /** The OpenSSL cipher string, or undefined to keep Node's defaults. */
  ciphers?: string;
  /** Go names of insecure suites that were chosen (upstream warns about each). */
  insecure: string[];
  /** Go names this Node build's OpenSSL cannot negotiate. */
  unavailable: string[];
}

/**
 * Maps --tls-cipher-suites. As in Go, the list restricts TLS 1.0–1.2 only; TLS 1.3 keeps all
 * its suites, so Node's TLS 1.3 defaults are appended (Node's `ciphers` covers both).
 */
export function tlsCipherSuites(names: readonly string[]): CipherSelection {
  if (names.length === 0) return { insecure: [], unavailable: [] };
  const openssl: string[] = [];
  const insecure: string[] = [];
  const unavailable: string[] = [];
  const available = new Set(getCiphers());
  for (const name of names) {
    if (TLS13_SUITES.has(name)) continue;
    const mapped = TLS12_SUITES[name] ?? INSECURE_SUITES[name];
    if (!mapped) throw new Error(`Cipher suite ${name} not supported or doesn't exist`);
    if (INSECURE_SUITES[name]) insecure.push(name);
    if (!available.has(mapped.toLowerCase())) unavailable.push(name);
    if (!openssl.includes(mapped)) openssl.push(mapped);
  }
  const tls13 = DEFAULT_CIPHERS.split(':').filter(c => c.startsWith('TLS_'));
  return { ciphers: [...openssl, ...tls13].join(':'), insecure, unavailable };
}

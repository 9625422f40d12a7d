// The listener's TLS material: the default serving cert, the --tls-sni-cert-key certs and the
// client CA bundles, re-read when their files change (upstream's
// DynamicServingCertificateController). New content applies to new connections; content that
// fails to load keeps the previous one and is logged.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext, type SecureVersion, type Server, type TlsOptions } from 'node:tls';
import { isDNS1123Subdomain } from '../api/validation/names.js';
import type { CABundle } from '../authn/ca-bundle.js';
import { log } from '../observability/logger.js';

export interface CertKeyFiles {
  certFile: string;
  keyFile: string;
}

export interface SNICertKeyFiles extends CertKeyFiles {
  /** Explicit names; when empty the certificate's CN and DNS SANs are used. */
  names: readonly string[];
}

export interface ServingTLSConfig {
  serving: CertKeyFiles;
  sni: readonly SNICertKeyFiles[];
  /** Client CA bundles the listener asks certificates from (each authenticator verifies its own). */
  clientCAs: readonly CABundle[];
  minVersion: SecureVersion;
  ciphers?: string;
}

interface CertKeyContent {
  cert: Buffer;
  key: Buffer;
}

/** The names a certificate answers for under SNI when no explicit names are given, as upstream. */
export function certificateNames(cert: X509Certificate): string[] {
  const names: string[] = [];
  const cn = cert.subject.split('\n').find(l => l.startsWith('CN='))?.slice(3) ?? '';
  // An IP CN would be matched as a name, so upstream leaves it out.
  if (cn !== '' && isIP(cn) === 0 && (cn === '*' || isDNS1123Subdomain(cn.replace(/^\*\./, '')).length === 0)) names.push(cn);
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.push(entry.slice(4));
  }
  return names;
}

/**
 * Maps names to SNI cert indexes: earlier certs win over later ones, explicit names over names
 * read from certificates.
 */
export function buildNameMap(sni: readonly { names: readonly string[]; cert: X509Certificate }[]): Map<string, number> {
  const extracted = new Map<string, number>();
  const explicit = new Map<string, number>();
  for (let i = sni.length - 1; i >= 0; i--) {
    const entry = sni[i]!;
    if (entry.names.length > 0) for (const n of entry.names) explicit.set(n.toLowerCase(), i);
    else for (const n of certificateNames(entry.cert)) extracted.set(n.toLowerCase(), i);
  }
  for (const [n, i] of explicit) extracted.set(n, i);
  return extracted;
}

/** Go's lookup: the exact name, then the name with its first label replaced by `*`. */
export function lookupName<T>(map: Map<string, T>, serverName: string): T | undefined {
  const name = serverName.toLowerCase().replace(/\.$/, '');
  const exact = map.get(name);
  if (exact !== undefined || name === '') return exact;
  const labels = name.split('.');
  labels[0] = '*';
  return map.get(labels.join('.'));
}

async function readPair(files: CertKeyFiles): Promise<CertKeyContent> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  if (cert.length === 0 || key.length === 0) throw new Error(`not loading an empty certificate from "${files.certFile}"`);
  return { cert, key };
}

function leafOf(pair: CertKeyContent, what: string): X509Certificate {
  try {
    return new X509Certificate(pair.cert);
  } catch (e) {
    throw new Error(`invalid ${what}: ${(e as Error).message}`);
  }
}

export class ServingCertificates {
  #serving!: CertKeyContent;
  #sni: CertKeyContent[] = [];
  #caPem = '';
  #sniContexts: SecureContext[] = [];
  #names = new Map<string, number>();
  #server: Server | undefined;

  private constructor(private readonly cfg: ServingTLSConfig) {}

  /** Loads everything once; a start-up failure is an error, as upstream. */
  static async load(cfg: ServingTLSConfig): Promise<ServingCertificates> {
    const s = new ServingCertificates(cfg);
    const serving = await readPair(cfg.serving);
    const sni: CertKeyContent[] = [];
    for (const files of cfg.sni) {
      try {
        sni.push(await readPair(files));
      } catch (e) {
        throw new Error(`failed to load SNI cert and key: ${(e as Error).message}`);
      }
    }
    s.#apply(serving, sni, s.#currentCAs());
    return s;
  }

  /** Options for https.createServer; SNI is answered from the current certs. */
  serverOptions(): TlsOptions {
    return {
      ...this.#contextOptions(this.#serving),
      requestCert: this.cfg.clientCAs.length > 0,
      // Each authenticator verifies the chain against its own bundle.
      rejectUnauthorized: false,
      SNICallback: (servername, cb) => {
        const i = lookupName(this.#names, servername);
        cb(null, i === undefined ? undefined : this.#sniContexts[i]);
      },
    };
  }

  /** The server whose default context is replaced on reload. */
  attach(server: Server): void {
    this.#server = server;
  }

  /** Re-reads every file; applies and returns true when any content changed. */
  async sync(): Promise<boolean> {
    let caChanged = false;
    for (const ca of this.cfg.clientCAs) {
      try {
        if (await ca.reload()) {
          caChanged = true;
          log.info('Loaded client CA', { file: ca.file, certificates: ca.roots.length });
        }
      } catch (e) {
        log.error('Unable to reload client CA bundle, keeping the previous one', { file: ca.file, err: (e as Error).message });
      }
    }
    let serving: CertKeyContent;
    const sni: CertKeyContent[] = [];
    try {
      serving = await readPair(this.cfg.serving);
      for (const files of this.cfg.sni) sni.push(await readPair(files));
    } catch (e) {
      log.error('Unable to read serving certificates, keeping the previous ones', { err: (e as Error).message });
      if (caChanged) this.#applyOrKeep(this.#serving, this.#sni);
      return caChanged;
    }
    const same = serving.cert.equals(this.#serving.cert) && serving.key.equals(this.#serving.key)
      && sni.every((p, i) => p.cert.equals(this.#sni[i]!.cert) && p.key.equals(this.#sni[i]!.key));
    if (same && !caChanged) return false;
    if (this.#applyOrKeep(serving, sni)) return true;
    // Unusable new certificates must not hold back a new client CA: apply it with the ones in use.
    return caChanged && this.#applyOrKeep(this.#serving, this.#sni);
  }

  #applyOrKeep(serving: CertKeyContent, sni: CertKeyContent[]): boolean {
    try {
      this.#apply(serving, sni, this.#currentCAs());
      if (this.#server) this.#server.setSecureContext(this.#contextOptions(serving));
      log.info('Loaded serving certificates', { servingCert: this.cfg.serving.certFile, sniCerts: sni.length });
      return true;
    } catch (e) {
      log.error('Invalid serving certificates, keeping the previous ones', { err: (e as Error).message });
      return false;
    }
  }

  #currentCAs(): string {
    return this.cfg.clientCAs.map(c => c.pem).join('\n');
  }

  #contextOptions(pair: CertKeyContent): TlsOptions {
    return {
      cert: pair.cert,
      key: pair.key,
      ...(this.#caPem ? { ca: this.#caPem } : {}),
      minVersion: this.cfg.minVersion,
      ...(this.cfg.ciphers ? { ciphers: this.cfg.ciphers } : {}),
    };
  }

  /** Validates and installs new content; throws without changing anything when it is unusable. */
  #apply(serving: CertKeyContent, sni: CertKeyContent[], caPem: string): void {
    const previousCA = this.#caPem;
    this.#caPem = caPem;
    try {
      leafOf(serving, 'serving cert');
      try {
        createSecureContext(this.#contextOptions(serving));
      } catch (e) {
        throw new Error(`invalid serving cert keypair: ${(e as Error).message}`);
      }
      const leaves = sni.map((p, i) => leafOf(p, `SNI cert [${i}]`));
      const contexts = sni.map((p, i) => {
        try {
          return createSecureContext(this.#contextOptions(p));
        } catch (e) {
          throw new Error(`invalid SNI cert keypair [${i}/"${this.cfg.sni[i]!.certFile}"]: ${(e as Error).message}`);
        }
      });
      this.#names = buildNameMap(leaves.map((cert, i) => ({ cert, names: this.cfg.sni[i]!.names })));
      this.#sniContexts = contexts;
      this.#serving = serving;
      this.#sni = sni;
    } catch (e) {
      this.#caPem = previousCA;
      throw e;
    }
  }
}

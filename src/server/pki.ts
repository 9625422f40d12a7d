// Certificates and keys for the control plane: CAs, serving/client certs, the service-account key
// pair and upstream's self-signed serving cert. Certs carry the extensions Go's crypto/x509
// checks (SKI/AKI, basicConstraints, keyUsage, extKeyUsage), so etcd accepts them as well as Node.
import { createPrivateKey, generateKeyPair, webcrypto, X509Certificate } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { log } from '../observability/logger.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
x509.cryptoProvider.set(crypto);

export type KeyAlgorithm = 'rsa' | 'ecdsa';
export type CertUsage = 'server' | 'client' | 'both';

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CreateCAOptions {
  organizations?: string[];
  days?: number;
  keyAlgorithm?: KeyAlgorithm;
  /** client-go's NewSelfSignedCACert also lists the CN as a DNS SAN; default true. */
  commonNameSAN?: boolean;
}

export interface IssueCertOptions {
  ca: CertKeyPair;
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: CertUsage;
  days?: number;
  keyAlgorithm?: KeyAlgorithm;
  /** Defaults to one hour ago, to tolerate clock skew as upstream does. */
  notBefore?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const RSA_ALG: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const EC_ALG: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

async function generateKeys(alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(alg === 'rsa' ? RSA_ALG : EC_ALG, true, ['sign', 'verify']);
}

/** PKCS#1 for RSA and SEC1 for EC, the block types Go's keyutil and kubeadm write. */
async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const type = keyObject.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return keyObject.export({ type, format: 'pem' }).toString();
}

async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  const keyObject = createPrivateKey(keyPem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const alg = keyObject.asymmetricKeyType === 'rsa' ? RSA_ALG : EC_ALG;
  return crypto.subtle.importKey('pkcs8', der, alg, false, ['sign']);
}

function subject(commonName: string, organizations: string[] = []): x509.JsonName {
  const name: x509.JsonName = [];
  if (organizations.length > 0) name.push({ O: organizations });
  name.push({ CN: [commonName] });
  return name;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // a positive INTEGER, as RFC 5280 requires
  if (bytes[0] === 0) bytes[0] = 1;
  return Buffer.from(bytes).toString('hex');
}

function sans(dnsNames: string[], ipAddresses: string[]): x509.Extension[] {
  const names: x509.JsonGeneralName[] = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [];
}

function extKeyUsages(usage: CertUsage): string[] {
  const out: string[] = [];
  if (usage !== 'client') out.push(x509.ExtendedKeyUsage.serverAuth);
  if (usage !== 'server') out.push(x509.ExtendedKeyUsage.clientAuth);
  return out;
}

/** A self-signed CA (10 years by default, like kubeadm), carrying its CN as a DNS SAN as client-go does. */
export async function createCA(commonName: string, opts: CreateCAOptions = {}): Promise<CertKeyPair> {
  const keys = await generateKeys(opts.keyAlgorithm ?? 'rsa');
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject(commonName, opts.organizations),
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 3650) * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ...sans(opts.commonNameSAN === false ? [] : [commonName], []),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyPem(keys.privateKey) };
}

/** A leaf certificate signed by `ca` (1 year by default, like kubeadm). */
export async function issueCert(opts: IssueCertOptions): Promise<CertKeyPair> {
  const caCert = new x509.X509Certificate(firstPemBlock(opts.ca.certPem));
  const signingKey = await importSigningKey(opts.ca.keyPem);
  const keys = await generateKeys(opts.keyAlgorithm ?? 'rsa');
  const caKeyId =
    caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
    (await x509.SubjectKeyIdentifierExtension.create(caCert.publicKey)).keyId;
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subject(opts.commonName, opts.organizations),
    // The issuer must be the CA's subject byte for byte: Go matches chains on the raw names.
    issuer: caCert.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 365) * DAY_MS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: signingKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : RSA_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(extKeyUsages(opts.usage)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.AuthorityKeyIdentifierExtension(caKeyId),
      ...sans(opts.dnsNames ?? [], opts.ipAddresses ?? []),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyPem(keys.privateKey) };
}

function firstPemBlock(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no CERTIFICATE block in PEM');
  return m[0];
}

/** An RSA 2048 key pair for signing service-account tokens: PKCS#1 private key, PKIX public key (kubeadm's sa.key/sa.pub). */
export async function generateServiceAccountKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface SelfSignedServingOptions {
  /** The advertised address: an IP becomes an IP SAN, anything else a DNS SAN. */
  host: string;
  alternateIPs?: string[];
  alternateDNS?: string[];
  /** --bind-address: unspecified (0.0.0.0, ::) adds 'localhost', a concrete IP adds that IP, as upstream. */
  bindAddress?: string;
  /** --tls-private-key-file pair name; upstream's default is 'apiserver'. */
  pairName?: string;
}

export interface ServingCertFiles {
  certFile: string;
  keyFile: string;
  /** False when both files already existed and were reused. */
  generated: boolean;
}

async function readable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Upstream's MaybeDefaultWithSelfSignedCerts: when no --tls-cert-file is given, use
 * <cert-dir>/<pair>.crt/.key, generating them (a throwaway "<host>-ca@<unix>" CA and a
 * "<host>@<unix>" serving cert, RSA 2048, valid one year; the cert file holds cert then CA)
 * if they cannot both be read.
 */
export async function ensureSelfSignedServingCert(
  certDir: string,
  opts: SelfSignedServingOptions,
): Promise<ServingCertFiles> {
  const pair = opts.pairName ?? 'apiserver';
  const certFile = join(certDir, `${pair}.crt`);
  const keyFile = join(certDir, `${pair}.key`);
  if ((await readable(certFile)) && (await readable(keyFile))) {
    return { certFile, keyFile, generated: false };
  }
  const alternateIPs = [...(opts.alternateIPs ?? [])];
  const alternateDNS = [...(opts.alternateDNS ?? [])];
  const bind = opts.bindAddress ?? '0.0.0.0';
  if (bind === '0.0.0.0' || bind === '::' || bind === '') alternateDNS.push('localhost');
  else alternateIPs.push(bind);

  const unix = Math.floor(Date.now() / 1000);
  const ca = await createCA(`${opts.host}-ca@${unix}`, { days: 365, commonNameSAN: false });
  const hostIsIP = isIP(opts.host) !== 0;
  const leaf = await issueCert({
    ca,
    commonName: `${opts.host}@${unix}`,
    usage: 'server',
    days: 365,
    dnsNames: [...(hostIsIP ? [] : [opts.host]), ...alternateDNS],
    ipAddresses: [...(hostIsIP ? [opts.host] : []), ...alternateIPs],
  });
  await mkdir(certDir, { recursive: true });
  await writeFile(certFile, leaf.certPem + ca.certPem, { mode: 0o644 });
  await writeFile(keyFile, leaf.keyPem, { mode: 0o600 });
  return { certFile, keyFile, generated: true };
}

/** Parses a PEM certificate with Node's own X509 parser (for callers that inspect SANs, expiry, issuer). */
export function parseCertificate(certPem: string): X509Certificate {
  return new X509Certificate(firstPemBlock(certPem));
}

/** The flags that pick the serving pair (a subset of ServerConfig). */
export interface ServingPairFlags {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  certDir: string;
  advertiseAddress?: string;
  bindAddress: string;
}

/**
 * --tls-cert-file and --tls-private-key-file, or else a self-signed pair in --cert-dir, made on
 * first start and reused after (the --worker-processes primary makes it before forking, so
 * every worker serves the same one).
 */
export async function servingCertFiles(cfg: ServingPairFlags): Promise<{ certFile: string; keyFile: string }> {
  if (cfg.tlsCertFile && cfg.tlsPrivateKeyFile) return { certFile: cfg.tlsCertFile, keyFile: cfg.tlsPrivateKeyFile };
  const pair = await ensureSelfSignedServingCert(cfg.certDir, {
    host: cfg.advertiseAddress ?? '127.0.0.1', alternateDNS: ['kubernetes.default.svc', 'kubernetes.default', 'kubernetes'], bindAddress: cfg.bindAddress,
  });
  if (pair.generated) log.info('Generated self-signed cert', { certFile: pair.certFile, keyFile: pair.keyFile });
  return { certFile: pair.certFile, keyFile: pair.keyFile };
}

// Service-account signing and verification keys: PEM loading (RSA and ECDSA; public keys,
// private keys and certificates), upstream's key IDs, JWS algorithms and the JWKS document.
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** Public keys from every block of a PEM file; private keys contribute their public half. */
export function publicKeysFromPem(pem: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const [block, type] = m as unknown as [string, string];
    if (type === 'CERTIFICATE') keys.push(new X509Certificate(block).publicKey);
    else if (type.endsWith('PUBLIC KEY')) keys.push(createPublicKey(block));
    else if (type.endsWith('PRIVATE KEY')) keys.push(createPublicKey(createPrivateKey(block)));
  }
  const usable = keys.filter(k => k.asymmetricKeyType === 'rsa' || k.asymmetricKeyType === 'ec');
  if (usable.length === 0) throw new Error('data does not contain any valid RSA or ECDSA public keys');
  return usable;
}

export async function loadPublicKeys(files: string[]): Promise<KeyObject[]> {
  const out: KeyObject[] = [];
  for (const f of files) {
    try {
      out.push(...publicKeysFromPem(await readFile(f, 'utf8')));
    } catch (e) {
      throw new Error(`failed to parse service-account issuer public key file ${f}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The JWS algorithm upstream signs with for a key: RS256, or ES256/384/512 by curve. */
export function algorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
  if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
  if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
  throw new Error(`unsupported key curve ${String(curve)}`);
}

/** Upstream's key ID: unpadded base64url of SHA-256 over the PKIX (SPKI) DER public key. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  alg: string;
  kid: string;
}

export async function loadSigningKey(file: string): Promise<SigningKey> {
  const pem = await readFile(file, 'utf8');
  const block = [...pem.matchAll(PEM_BLOCK)].find(m => m[1]!.endsWith('PRIVATE KEY'));
  if (!block) throw new Error(`failed to parse service-account-signing-key-file ${file}: no private key found`);
  const privateKey = createPrivateKey(block[0]);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, alg: algorithmFor(publicKey), kid: keyId(publicKey) };
}

export interface Jwks {
  keys: (JsonWebKey & { use: string; kid: string; alg: string })[];
}

export function jwksOf(keys: KeyObject[]): Jwks {
  return { keys: keys.map(k => ({ use: 'sig', kid: keyId(k), alg: algorithmFor(k), ...k.export({ format: 'jwk' }) })) };
}

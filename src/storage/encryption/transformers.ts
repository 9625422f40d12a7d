// Encryption at rest, byte-compatible with upstream's value transformers so either server reads
// what the other wrote: each stored value is `k8s:enc:<provider>:v1:<key name>:` followed by
// aescbc: a 16-byte IV and AES-CBC with PKCS#7 padding; aesgcm: a 12-byte nonce, the
// ciphertext and the 16-byte tag, the etcd key as authenticated data; secretbox: a 24-byte
// nonce and NaCl secretbox (XSalsa20-Poly1305). identity stores plain bytes, without a prefix.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';

export interface Transformer {
  toStorage(plain: Buffer, key: string): Buffer;
  fromStorage(stored: Buffer, key: string): Buffer;
}

const ENCRYPTED = Buffer.from('k8s:enc:', 'utf8');

export const identity: Transformer = {
  toStorage: plain => plain,
  fromStorage(stored) {
    if (stored.subarray(0, ENCRYPTED.length).equals(ENCRYPTED)) throw new Error('identity transformer tried to read encrypted data');
    return stored;
  },
};

export function aescbc(secret: Buffer): Transformer {
  const algorithm = `aes-${secret.length * 8}-cbc`;
  return {
    toStorage(plain) {
      const iv = randomBytes(16);
      const c = createCipheriv(algorithm, secret, iv);
      return Buffer.concat([iv, c.update(plain), c.final()]);
    },
    fromStorage(stored) {
      if (stored.length < 16) throw new Error('the stored data was shorter than the required size');
      if ((stored.length - 16) % 16 !== 0) throw new Error('the stored data is not a multiple of the block size');
      const d = createDecipheriv(algorithm, secret, stored.subarray(0, 16));
      try {
        return Buffer.concat([d.update(stored.subarray(16)), d.final()]);
      } catch {
        throw new Error('invalid padding on input');
      }
    },
  };
}

export function aesgcm(secret: Buffer): Transformer {
  const algorithm = `aes-${secret.length * 8}-gcm` as 'aes-256-gcm';
  return {
    toStorage(plain, key) {
      const nonce = randomBytes(12);
      const c = createCipheriv(algorithm, secret, nonce);
      c.setAAD(Buffer.from(key, 'utf8'));
      return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    },
    fromStorage(stored, key) {
      if (stored.length < 12 + 16) throw new Error('the stored data was shorter than the required size');
      const d = createDecipheriv(algorithm, secret, stored.subarray(0, 12));
      d.setAAD(Buffer.from(key, 'utf8'));
      d.setAuthTag(stored.subarray(stored.length - 16));
      try {
        return Buffer.concat([d.update(stored.subarray(12, stored.length - 16)), d.final()]);
      } catch {
        throw new Error('cipher: message authentication failed');
      }
    },
  };
}

export function secretbox(secret: Buffer): Transformer {
  const key = new Uint8Array(secret);
  return {
    toStorage(plain) {
      const nonce = randomBytes(24);
      return Buffer.concat([nonce, Buffer.from(nacl.secretbox(new Uint8Array(plain), new Uint8Array(nonce), key))]);
    },
    fromStorage(stored) {
      if (stored.length < 24) throw new Error('the stored data was shorter than the required size');
      const opened = nacl.secretbox.open(new Uint8Array(stored.subarray(24)), new Uint8Array(stored.subarray(0, 24)), key);
      if (!opened) throw new Error('output array was not large enough for encryption');
      return Buffer.from(opened);
    },
  };
}

export interface PrefixedTransformer {
  /** '' for identity. */
  prefix: string;
  transformer: Transformer;
}

/**
 * Upstream's prefix transformers: writes use the first; a read uses the first whose prefix the
 * value starts with (identity's empty prefix matches anything).
 */
export class PrefixTransformers implements Transformer {
  private readonly prefixes: Buffer[];

  constructor(private readonly list: readonly PrefixedTransformer[]) {
    if (list.length === 0) throw new Error('no providers');
    this.prefixes = list.map(p => Buffer.from(p.prefix, 'utf8'));
  }

  toStorage(plain: Buffer, key: string): Buffer {
    const first = this.list[0]!;
    return Buffer.concat([this.prefixes[0]!, first.transformer.toStorage(plain, key)]);
  }

  fromStorage(stored: Buffer, key: string): Buffer {
    let identityError: Error | undefined;
    for (let i = 0; i < this.list.length; i++) {
      const prefix = this.prefixes[i]!;
      if (stored.length < prefix.length || !stored.subarray(0, prefix.length).equals(prefix)) continue;
      try {
        return this.list[i]!.transformer.fromStorage(stored.subarray(prefix.length), key);
      } catch (e) {
        // identity matches everything: when it refuses (encrypted data), a later provider may read it.
        if (prefix.length === 0) {
          identityError = e as Error;
          continue;
        }
        throw new Error(`unable to transform key ${JSON.stringify(key)}: ${(e as Error).message}`);
      }
    }
    throw new Error(`unable to transform key ${JSON.stringify(key)}: ${identityError?.message ?? 'no matching prefix found'}`);
  }
}

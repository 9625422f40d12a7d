// List continue tokens, byte-compatible with upstream's storage.EncodeContinue/DecodeContinue:
// base64url (no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":"<next key minus the prefix>"}.
// rv -1 means "continue at the latest revision" (the inconsistent token handed out after compaction).
import { posix } from 'node:path';
import { StorageError } from './errors.js';

const VERSION = 'meta.k8s.io/v1';

function invalid(keyPrefix: string, detail: string): StorageError {
  return new StorageError('InvalidArgument', keyPrefix, `invalid continue token: ${detail}`);
}

/** Go's json.Marshal escapes these for HTML safety; doing the same keeps tokens identical. */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function encodeContinue(key: string, keyPrefix: string, rv: bigint): string {
  if (!key.startsWith(keyPrefix)) {
    throw new Error(`unable to encode next field: the key and key prefix do not match ${keyPrefix} ${key}`);
  }
  const json = `{"v":"${VERSION}","rv":${rv.toString()},"start":${goJsonString(key.slice(keyPrefix.length))}}`;
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Go's path.Clean for an absolute path. */
function cleanAbsolute(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function decodeBase64Url(token: string, keyPrefix: string): string {
  const bad = /[^A-Za-z0-9_-]/.exec(token);
  if (bad) throw invalid(keyPrefix, `continue key is not valid: illegal base64 data at input byte ${bad.index}`);
  if (token.length % 4 === 1) {
    throw invalid(keyPrefix, `continue key is not valid: illegal base64 data at input byte ${token.length - 1}`);
  }
  return Buffer.from(token, 'base64url').toString('utf8');
}

/**
 * Returns the full key to continue from and the revision to read at (-1: latest).
 * Throws StorageError 'InvalidArgument' with upstream's messages for anything malformed.
 */
export function decodeContinue(token: string, keyPrefix: string): { fromKey: string; rv: bigint } {
  const json = decodeBase64Url(token, keyPrefix);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw invalid(keyPrefix, `continue key is not valid: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(keyPrefix, 'continue key is not valid: not a JSON object');
  }
  const { v, rv, start } = parsed as Record<string, unknown>;
  if ((v !== undefined && v !== null && typeof v !== 'string') || (start !== undefined && start !== null && typeof start !== 'string')) {
    throw invalid(keyPrefix, 'continue key is not valid: field has the wrong type');
  }
  if (rv !== undefined && rv !== null && !(typeof rv === 'number' && Number.isSafeInteger(rv))) {
    throw invalid(keyPrefix, 'continue key is not valid: rv is not an integer');
  }
  if (v !== VERSION) {
    throw invalid(keyPrefix, `continue key is not valid: server does not recognize this encoded version ${String(v ?? '')}`);
  }
  if (typeof rv !== 'number' || rv === 0) {
    throw invalid(keyPrefix, 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof start !== 'string' || start.length === 0) {
    throw invalid(keyPrefix, 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  }
  // Clients must not range above the prefix: the cleaned path has to be the path itself.
  const key = start.startsWith('/') ? start : `/${start}`;
  if (cleanAbsolute(key) !== key) throw invalid(keyPrefix, `continue key is not valid: ${start}`);
  return { fromKey: keyPrefix + key.slice(1), rv: BigInt(rv) };
}

// How objects are stored: their JSON without metadata.resourceVersion (and selfLink), as
// upstream's PrepareObjectForStorage does; the revision is put back on every read.
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';

/** The stored form of obj (obj itself is not modified). */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, selfLink: _selfLink, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

/** Parses a stored value and stamps metadata.resourceVersion with rev (a decimal string). */
export function decodeObject(raw: string | Uint8Array, rev: string, key: string): KubeObject {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`corrupt object at ${key}: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error(`corrupt object at ${key}: not a JSON object`);
  const metadata = isObject(parsed.metadata) ? parsed.metadata : {};
  return { ...parsed, metadata: { ...metadata, resourceVersion: rev } } as KubeObject;
}

/** A copy of obj whose resourceVersion is rev ('' removes it). */
export function withResourceVersion(obj: KubeObject, rev: string): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata: rev === '' ? metadata : { ...metadata, resourceVersion: rev } };
}

// The response bytes of objects and watch events, built once per shared object (a watch cache
// revision as served, src/storage/shared.ts) and reused by every get, list and watcher; other
// objects are encoded each time, as before. The bytes are exactly what encoding the value directly
// gives, so a response does not depend on whether it came from the cache.
import { stringify as toYaml } from 'yaml';
import { encodeProtobufObject, encodeProtobufWatchEvent } from '../api/protobuf/index.js';
import type { KubeObject } from '../api/types.js';
import { isShared, jsonOf, memo, share } from '../storage/shared.js';
import { toPartialObjectMetadata } from './table.js';

const CLOSE_LINE = Buffer.from('}\n');

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

/** A whole response body (the caller checked hasProtobufForm for protobuf). */
export function encodeBody(format: BodyFormat, body: unknown): string | Buffer {
  if (format === 'protobuf') return memo(body, 'protobuf', () => encodeProtobufObject(body as Record<string, unknown>));
  if (format === 'yaml') return memo(body, 'yaml', () => toYaml(body));
  return jsonOf(body);
}

/** The PartialObjectMetadata view of an object, itself shared when the object is. */
export function partialMetadataOf(obj: KubeObject): ReturnType<typeof toPartialObjectMetadata> {
  return memo(obj, 'PartialObjectMetadata', () => {
    const view = toPartialObjectMetadata(obj);
    return isShared(obj) ? share(view) : view;
  });
}

/**
 * One watch frame: a JSON line or a length-prefixed protobuf WatchEvent (YAML cannot stream). The
 * JSON line is {"type":…,"object":…} spelled out around the object's cached JSON, which is what
 * JSON.stringify of the event gives.
 */
export function watchFrame(format: 'json' | 'protobuf', type: string, object: object): string | Buffer {
  if (format === 'protobuf') return memo(object, `protobuf watch ${type}`, () => encodeProtobufWatchEvent(type, object as Record<string, unknown>));
  return memo(object, `json watch ${type}`, () => Buffer.concat([Buffer.from(`{"type":${JSON.stringify(type)},"object":`), jsonOf(object), CLOSE_LINE]));
}

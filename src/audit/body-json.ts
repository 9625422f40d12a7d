// Request and response bodies as the audit log records them: upstream logs the decoded object
// encoded as JSON (LogRequestObject / LogResponseObject), whatever the wire format was.
import { parse as parseYaml } from 'yaml';
import { decodeProtobufObject, protobufMediaType } from '../api/protobuf/index.js';

function mediaType(contentType: string | number | string[] | undefined): string {
  return typeof contentType === 'string' ? (contentType.split(';')[0] ?? '').trim().toLowerCase() : '';
}

function isJsonType(contentType: string | number | string[] | undefined): boolean {
  return /^application\/(?:[\w.-]+\+)?json$/.test(mediaType(contentType));
}

/** The body as JSON data, or undefined when it is empty or not a decodable object body. */
export function bodyAsJson(buf: Buffer | undefined, contentType: string | number | string[] | undefined): unknown {
  if (!buf || buf.length === 0) return undefined;
  const type = mediaType(contentType);
  try {
    if (isJsonType(contentType)) return JSON.parse(buf.toString('utf8')) as unknown;
    if (type === protobufMediaType) return decodeProtobufObject(buf);
    if (type === 'application/yaml') return parseYaml(buf.toString('utf8'), { version: '1.1' }) as unknown;
  } catch {
    // Not decodable: upstream would have failed the request before logging it.
  }
  return undefined;
}

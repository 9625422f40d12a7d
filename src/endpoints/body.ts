// Reads and parses request bodies: the 3 MiB limit upstream enforces, then JSON or YAML.
import type { Request } from 'express';
import { parseJson } from '../api/decode/json-parse.js';
import { errors } from '../api/errors.js';
import { excessiveJsonNesting } from '../api/decode/depth.js';
import { parseYamlBody, YamlSyntaxError } from '../api/decode/yaml.js';
import { decodeProtobufObject } from '../api/protobuf/index.js';
import { noteYamlStrictError } from '../api/strict-errors.js';
import type { BodyType } from './negotiate.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The body as a handler read it, for the audit log's requestObject. */
    receivedBody?: Buffer;
  }
}

/** Upstream's maximum request body (kubernetes/kubernetes#105863). */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export async function readRawBody(req: Request, limit = maxRequestBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw errors.tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw errors.tooLarge();
    chunks.push(chunk);
  }
  req.receivedBody = Buffer.concat(chunks);
  return req.receivedBody;
}

/** Parses YAML into JSON data, noting its strict (duplicate key) error; throws YamlSyntaxError. */
export function parseYamlText(text: string): unknown {
  const data = parseYamlBody(text);
  noteYamlStrictError(data, text);
  return data;
}

/** Parses a body of the given type into plain JSON data. */
export function parseBody(raw: Buffer, type: BodyType): unknown {
  // protobuf (src/api/protobuf): the enveloped object, as JSON-shaped data with apiVersion and kind.
  if (type === 'protobuf') return decodeProtobufObject(raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the request body is empty');
  if (type === 'yaml' || type === 'apply-patch') {
    try {
      return parseYamlText(text);
    } catch (e) {
      throw e instanceof YamlSyntaxError ? errors.badRequest(e.message) : e;
    }
  }
  const tooDeep = excessiveJsonNesting(text);
  if (tooDeep !== undefined) throw errors.badRequest(`couldn't get version/kind; json parse error: invalid character '${tooDeep}' exceeded max depth`);
  // parseJson remembers duplicate keys, which strict field validation reports.
  try {
    return parseJson(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

// Reads a create/update body and decodes it into a typed object of the target resource.
import type { Response } from 'express';
import { decodeObject, unrecognizedBody } from '../../api/decode.js';
import { YamlSyntaxError } from '../../api/decode/yaml.js';
import { errors } from '../../api/errors.js';
import { decodeProtobufObject, supportsProtobuf } from '../../api/protobuf/index.js';
import { isObject, type KubeObject } from '../../api/types.js';
import type { HandlerContext } from './context.js';
import { parseYamlText, readRawBody } from '../body.js';
import { requestBodyType } from '../negotiate.js';
import { fieldValidationOf } from './params.js';
import { recordWarning } from '../../filters/warning-recorder.js';

/** Adds upstream-style `Warning: 299 - "..."` headers, within upstream's size limits. */
export function addWarnings(res: Response, warnings: string[]): void {
  for (const w of warnings) recordWarning(res, w);
}

/**
 * Decodes a body into the target type: parsed data, or JSON text (which the decoder parses itself,
 * so that syntax errors read as upstream's); `source` is the original text of data parsed from YAML.
 */
export function decodeTyped(ctx: HandlerContext, body: unknown, source?: string): KubeObject {
  const { obj, warnings } = decodeObject(ctx.info, body, { fieldValidation: fieldValidationOf(ctx.query), ...(source === undefined ? {} : { source }) });
  addWarnings(ctx.res, warnings);
  return obj;
}

export async function readObjectBody(ctx: HandlerContext): Promise<KubeObject> {
  const type = requestBodyType(ctx.req, false);
  // protobuf (src/api/protobuf): built-in kinds only; a custom resource gets 415 as upstream.
  const { group, version, kind } = ctx.info;
  if (type === 'protobuf' && !supportsProtobuf(group, version, kind)) throw errors.unsupportedMediaType(['application/json', 'application/yaml']);
  const raw = await readRawBody(ctx.req);
  if (type === 'protobuf') return decodeTyped(ctx, decodeProtobufObject(raw, { group, version, kind }));
  const text = raw.toString('utf8');
  if (type !== 'yaml') return decodeTyped(ctx, text);
  // upstream's YAML serializer converts to JSON first; a failure there names no kind.
  try {
    return decodeTyped(ctx, parseYamlText(text), text);
  } catch (e) {
    throw e instanceof YamlSyntaxError ? unrecognizedBody(ctx.info, e.message, text) : e;
  }
}

/**
 * An apply configuration as upstream's applyPatcher reads it (sigs.k8s.io/yaml.Unmarshal into a
 * map): 400 "error decoding YAML: ..." when it is not YAML or not a map; empty is an empty map.
 */
export function readApplyBody(raw: Buffer): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseYamlText(raw.toString('utf8'));
  } catch (e) {
    throw e instanceof YamlSyntaxError ? errors.badRequest(`error decoding YAML: ${e.message}`) : e;
  }
  if (data === null) return {};
  if (isObject(data)) return data;
  const kind = Array.isArray(data) ? 'array' : typeof data === 'number' ? 'number' : typeof data === 'boolean' ? 'bool' : 'string';
  throw errors.badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
}

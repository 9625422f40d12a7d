// Reads a create/update body and decodes it into a typed object of the target resource.
import type { Response } from 'express';
import { decodeObject } from '../../api/decode.js';
import { errors } from '../../api/errors.js';
import { decodeProtobufObject, supportsProtobuf } from '../../api/protobuf/index.js';
import { isObject, type KubeObject } from '../../api/types.js';
import type { HandlerContext } from './context.js';
import { parseBody, readRawBody } from '../body.js';
import { requestBodyType } from '../negotiate.js';
import { fieldValidationOf } from './params.js';

/**
 * Adds upstream-style `Warning: 299 - "..."` headers. As upstream's warning recorder, a text
 * already sent is not repeated, and one with control characters (a multi-line YAML error) is
 * dropped: net.NewWarningHeader refuses it.
 */
export function addWarnings(res: Response, warnings: string[]): void {
  const existing = res.getHeader('Warning');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  const before = list.length;
  for (const w of warnings) {
    const header = `299 - ${JSON.stringify(w)}`;
    if (w === '' || /[\u0000-\u001f\u007f]/.test(w) || list.includes(header)) continue;
    list.push(header);
  }
  if (list.length > before) res.setHeader('Warning', list);
}

export function decodeTyped(ctx: HandlerContext, data: unknown): KubeObject {
  if (!isObject(data)) throw errors.badRequest(`${ctx.info.kind} in version "${ctx.info.version}" cannot be handled as a ${ctx.info.kind}: the body must be a JSON object`);
  const { obj, warnings } = decodeObject(ctx.info, data, { fieldValidation: fieldValidationOf(ctx.query) });
  addWarnings(ctx.res, warnings);
  return obj;
}

export async function readObjectBody(ctx: HandlerContext): Promise<KubeObject> {
  const type = requestBodyType(ctx.req, false);
  // protobuf (src/api/protobuf): built-in kinds only; a custom resource gets 415 as upstream.
  const { group, version, kind } = ctx.info;
  if (type === 'protobuf' && !supportsProtobuf(group, version, kind)) throw errors.unsupportedMediaType(['application/json', 'application/yaml']);
  const raw = await readRawBody(ctx.req);
  return decodeTyped(ctx, type === 'protobuf' ? decodeProtobufObject(raw, { group, version, kind }) : parseBody(raw, type));
}

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
import { recordWarning } from '../../filters/warning-recorder.js';

/** Adds upstream-style `Warning: 299 - "..."` headers, within upstream's size limits. */
export function addWarnings(res: Response, warnings: string[]): void {
  for (const w of warnings) recordWarning(res, w);
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

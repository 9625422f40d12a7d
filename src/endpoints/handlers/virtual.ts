// Virtual create-only resources (reviews, token requests): no store, a handler per resource.
import type { Request, Response } from 'express';
import { errors } from '../../api/errors.js';
import { isObject } from '../../api/types.js';
import type { ResourceInfo } from '../../api/resource-info.js';
import { decodeProtobufObject, protobufMediaType } from '../../api/protobuf/index.js';
import type { RequestInfo } from '../../filters/request-info.js';
import { parseBody, readRawBody } from '../body.js';
import { requestBodyType } from '../negotiate.js';

export interface VirtualContext {
  req: Request;
  res: Response;
  ri: RequestInfo;
  /** The catalog entry of the resource (the parent's for a subresource). */
  info: ResourceInfo;
  query: URLSearchParams;
}

export type VirtualHandler = (ctx: VirtualContext) => Promise<void>;

/** "<group>/<resource>" or "<group>/<resource>/<subresource>", the key of a virtual handler. */
export function virtualKey(group: string, resource: string, subresource = ''): string {
  return subresource ? `${group}/${resource}/${subresource}` : `${group}/${resource}`;
}

/** Reads a request body of the given kind (JSON, YAML or protobuf) as plain data. */
export async function readKindBody(req: Request, group: string, version: string, kind: string): Promise<Record<string, unknown>> {
  const raw = await readRawBody(req);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const data: unknown = contentType === protobufMediaType
    ? decodeProtobufObject(raw, { group, version, kind })
    : parseBody(raw, requestBodyType(req, false));
  if (!isObject(data)) throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: the body must be a JSON object`);
  const apiVersion = group ? `${group}/${version}` : version;
  if ((data['kind'] !== undefined && data['kind'] !== kind) || (data['apiVersion'] !== undefined && data['apiVersion'] !== apiVersion)) {
    throw errors.badRequest(`${String(data['kind'])} in version "${String(data['apiVersion'])}" cannot be handled as a ${kind}`);
  }
  return data;
}

export function userInfoJson(u: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }): Record<string, unknown> {
  return { username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) };
}

// The one place an error becomes a Status response body.
import type { Request, Response } from 'express';
import { ApiError, errors, isApiError } from '../api/errors.js';
import { encodeProtobufObject, protobufMediaType } from '../api/protobuf/index.js';
import { isStorageError } from '../storage/errors.js';
import { statusInProtobuf } from './negotiate.js';

/** Converts anything thrown below the handlers into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  if (isStorageError(e, 'Unavailable')) return errors.unavailable(`${e.backend === 'sqlite' ? 'the sqlite database' : 'etcd'} is unavailable: ${e.message}`, 1);
  if (isStorageError(e, 'Expired')) return errors.expired(e.message, e.continueToken);
  if (isStorageError(e, 'TooLargeResourceVersion')) return errors.tooLargeResourceVersion(e.message);
  if (isStorageError(e, 'InvalidArgument')) return errors.badRequest(e.message);
  // Upstream answers an oversize write with etcd's error as a 500; a 413 tells clients not to retry.
  if (isStorageError(e, 'RequestTooLarge')) return errors.tooLarge(e.message);
  // Input nested past what a recursive walk can follow is the client's mistake, not the server's.
  if (e instanceof RangeError && e.message.includes('call stack')) return errors.badRequest('exceeded max depth');
  if (e instanceof SyntaxError) return errors.badRequest(e.message);
  const msg = e instanceof Error ? e.message : String(e);
  return errors.internal(msg);
}

export function writeError(res: Response, e: unknown): void {
  const err = toApiError(e);
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  // Upstream negotiates error bodies like any response: protobuf for a client that prefers it.
  const req = res.req as Request | undefined;
  if (req && statusInProtobuf(req)) {
    res.status(err.code).type(protobufMediaType).send(encodeProtobufObject(err.toStatus() as unknown as Record<string, unknown>));
    return;
  }
  res.status(err.code).type('application/json').send(JSON.stringify(err.toStatus()));
}

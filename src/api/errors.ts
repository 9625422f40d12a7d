// Typed API errors. Every layer throws these; the response writer alone turns them into a
// Status body (endpoints/status-writer.ts).
import type { Status, StatusCause, StatusDetails } from './types.js';

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict'
  | 'Gone' | 'Expired' | 'Invalid' | 'MethodNotAllowed' | 'NotAcceptable'
  | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'TooManyRequests' | 'InternalError'
  | 'ServiceUnavailable' | 'Timeout';

/** Identifies the object an error is about, as upstream's StatusDetails does. */
export interface Subject {
  group: string;
  /** The resource's plural name (upstream puts the resource, not the kind, in details.kind). */
  resource: string;
  name?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason | '',
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {},
    /** ListMeta carried on the Status (an expired list's fresh continue token). */
    readonly listMeta: { continue?: string } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: { ...this.listMeta }, status: 'Failure', message: this.message, code: this.code };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function qualified(s: Subject): string {
  return s.group ? `${s.resource}.${s.group}` : s.resource;
}

function details(s: Subject, extra: Partial<StatusDetails> = {}): StatusDetails {
  const d: StatusDetails = {};
  if (s.name !== undefined) d.name = s.name;
  if (s.group) d.group = s.group;
  d.kind = s.resource;
  return { ...d, ...extra };
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => new ApiError(401, 'Unauthorized', message),
  forbidden: (message: string, s?: Subject) =>
    new ApiError(403, 'Forbidden', message, s ? details(s) : undefined),
  notFound: (s: Subject) =>
    new ApiError(404, 'NotFound', `${qualified(s)} "${s.name ?? ''}" not found`, details(s)),
  notFoundPath: (message = 'the server could not find the requested resource') =>
    new ApiError(404, 'NotFound', message, {}),
  alreadyExists: (s: Subject) =>
    new ApiError(409, 'AlreadyExists', `${qualified(s)} "${s.name ?? ''}" already exists`, details(s)),
  conflict: (s: Subject, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(s)} "${s.name ?? ''}": ${why}`, details(s)),
  /** 422 Invalid; kind is the object's Kind (upstream names the kind here, not the resource). */
  invalid: (group: string, kind: string, name: string, causes: StatusCause[]) => {
    const what = group ? `${kind}.${group}` : kind;
    // utilerrors.Aggregate: duplicates dropped, several messages bracketed.
    const parts = [...new Set(causes.map(c => (c.field ? `${c.field}: ` : '') + (c.message ?? '')))];
    const msg = `${what} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
    const d: StatusDetails = { name, kind, causes };
    if (group) d.group = group;
    return new ApiError(422, 'Invalid', msg, d);
  },
  expired: (message: string, continueToken?: string) =>
    new ApiError(410, 'Expired', message, undefined, {}, continueToken ? { continue: continueToken } : {}),
  /** storage.NewTooLargeResourceVersionError: a NewTimeoutError, whose message starts "Timeout: ". */
  tooLargeResourceVersion: (message: string) =>
    new ApiError(504, 'Timeout', `Timeout: ${message}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, { 'Retry-After': '1' }),
  gone: (message: string) => new ApiError(410, 'Gone', message),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  unsupportedMediaType: (accepted: string[]) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  tooLarge: (message = 'Request entity too large: limit is 3145728') => new ApiError(413, 'RequestEntityTooLarge', message),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  unavailable: (message: string, retryAfterSeconds = 1) =>
    new ApiError(503, 'ServiceUnavailable', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};

/** Field-error causes, named like upstream's field.ErrorType reasons. */
export const cause = {
  required: (field: string, message = 'Required value'): StatusCause => ({ reason: 'FieldValueRequired', message, field }),
  invalid: (field: string, value: unknown, detail: string): StatusCause =>
    ({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field }),
  notSupported: (field: string, value: unknown, allowed: string[]): StatusCause =>
    ({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map(a => `"${a}"`).join(', ')}`, field }),
  forbidden: (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field }),
  typeInvalid: (field: string, value: unknown, detail: string): StatusCause =>
    ({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field }),
  duplicate: (field: string, value: unknown): StatusCause =>
    ({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(value)}`, field }),
  tooLong: (field: string, max: number): StatusCause =>
    ({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field }),
};

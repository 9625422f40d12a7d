// Upstream's WithAuditInit (apiserver/pkg/endpoints/filters/audit_init.go): each request gets an
// audit ID, the client's own Audit-ID header if it sent one, else a new UUID, echoed back in the
// Audit-Id response header.
import { randomUUID } from 'node:crypto';
import type { Request, Response, NextFunction } from 'express';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request's audit ID, as sent by the client or generated here; never truncated. */
    auditID?: string;
  }
}

export const auditIDHeader = 'Audit-Id';

/** Audit IDs in logs are cut to this many characters, as upstream's GetAuditIDTruncated does. */
const maxLoggedAuditIDLength = 64;

export function truncatedAuditID(req: Request): string {
  return (req.auditID ?? '').slice(0, maxLoggedAuditIDLength);
}

function clientAuditID(req: Request): string {
  // Go's Header.Get returns the first of repeated headers; Node joins them, so read them apart.
  return req.headersDistinct['audit-id']?.[0] ?? '';
}

export function auditIDFilter(req: Request, res: Response, next: NextFunction): void {
  const id = clientAuditID(req) || randomUUID();
  req.auditID = id;
  // An aggregated server behind us may have set it already; keep one ID per response.
  if (!res.hasHeader(auditIDHeader)) res.setHeader(auditIDHeader, id);
  next();
}

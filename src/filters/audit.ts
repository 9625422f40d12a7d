// Upstream's WithAudit, WithFailedAuthenticationAudit and the audit side of panic recovery
// (apiserver/pkg/endpoints/filters/audit.go, authn_audit.go): the policy decides a request's
// level; it then gets a RequestReceived event, a ResponseStarted one when a long-running response
// starts, and a ResponseComplete (or Panic) one when it ends, minus the stages the policy omits.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Auditor } from '../audit/auditor.js';
import {
  auditUserOf, enrichObjectRef, nowMicros, sourceIPs, statusFromBody, truncateUserAgent, withoutManagedFields,
  type AuditEvent, type ResponseStatus,
} from '../audit/event.js';
import { bodyAsJson } from '../audit/body-json.js';
import { levelAtLeast, type AuditStage, type PolicyAttributes, type RequestAuditConfig } from '../audit/policy.js';
import { withAuditAnnotations } from '../api/audit-annotations.js';
import { metrics } from '../observability/metrics.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { isLongRunning } from './timeout.js';

declare module 'express-serve-static-core' {
  interface Request {
    /**
     * Annotations for the request's audit events (authorization.k8s.io/decision and /reason,
     * ...); fill them with addAuditAnnotation. Events emitted afterwards carry them.
     */
    auditAnnotations?: Record<string, string>;
  }
}

/** Sets an audit annotation; like upstream, the first value set for a key stays. */
export function addAuditAnnotation(req: Request, key: string, value: string): void {
  const annotations = (req.auditAnnotations ??= {});
  if (!(key in annotations)) annotations[key] = value;
}

function requestInfoOf(req: Request): RequestInfo {
  if (req.requestInfo) return req.requestInfo;
  const url = new URL(req.originalUrl, 'https://local');
  return parseRequestInfo(req.method, url.pathname, url.searchParams);
}

function attributesOf(req: Request, ri: RequestInfo): PolicyAttributes {
  const attrs: PolicyAttributes = {
    verb: ri.verb, isResourceRequest: ri.isResourceRequest, path: ri.path, namespace: ri.namespace,
    apiGroup: ri.apiGroup, resource: ri.resource, subresource: ri.subresource, name: ri.name,
  };
  if (req.user) attrs.user = { name: req.user.name, groups: req.user.groups };
  return attrs;
}

function newEvent(req: Request, ri: RequestInfo, cfg: RequestAuditConfig): AuditEvent {
  const received = nowMicros();
  const ev: AuditEvent = {
    level: cfg.level,
    auditID: req.auditID ?? '',
    stage: 'RequestReceived',
    requestURI: req.originalUrl,
    verb: ri.verb,
    user: auditUserOf(req.user),
    sourceIPs: sourceIPs(req.headersDistinct['x-forwarded-for']?.[0], req.headersDistinct['x-real-ip']?.[0], req.socket.remoteAddress),
    userAgent: truncateUserAgent(req.get('user-agent') ?? ''),
    requestReceivedMicros: received,
    stageMicros: received,
  };
  if (ri.isResourceRequest) {
    ev.objectRef = {
      resource: ri.resource, namespace: ri.namespace, name: ri.name, apiGroup: ri.apiGroup, apiVersion: ri.apiVersion, subresource: ri.subresource,
    };
  }
  return ev;
}

function chunkToBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return undefined;
}

/** One audited request: the event as it grows, and the stages sent so far. */
class RequestAudit {
  panicked = false;
  private readonly omit: Set<AuditStage>;

  constructor(private readonly auditor: Auditor, readonly cfg: RequestAuditConfig, readonly ev: AuditEvent) {
    this.omit = new Set(cfg.omitStages);
  }

  /** Sends a copy of the event at `stage`; true when the backend took it or the stage is omitted. */
  emit(stage: AuditStage, annotations?: Record<string, string>): Promise<boolean> {
    if (this.omit.has(stage)) return Promise.resolve(true);
    const ev: AuditEvent = {
      ...this.ev,
      stage,
      stageMicros: stage === 'RequestReceived' ? this.ev.requestReceivedMicros : nowMicros(),
      ...(this.ev.objectRef ? { objectRef: { ...this.ev.objectRef } } : {}),
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    };
    metrics.auditEvents.inc();
    return this.auditor.process(ev);
  }
}

const audits = new WeakMap<Request, RequestAudit>();

function writeInternalError(req: Request, res: Response, message: string): void {
  res.status(500).setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`Internal Server Error: ${JSON.stringify(req.originalUrl)}: ${message}\n`);
}

/** Fills in what the handler contributed: the decoded request body, as LogRequestObject / LogRequestPatch. */
function addRequestObject(audit: RequestAudit, req: Request, ri: RequestInfo): void {
  if (audit.ev.requestObject !== undefined) return;
  const obj = bodyAsJson(req.receivedBody, req.headers['content-type']);
  if (obj === undefined) return;
  if (audit.ev.objectRef && (ri.verb === 'create' || ri.verb === 'update')) enrichObjectRef(audit.ev.objectRef, obj);
  if (levelAtLeast(audit.cfg.level, 'Request')) audit.ev.requestObject = audit.cfg.omitManagedFields ? withoutManagedFields(obj) : obj;
}

export function auditFilter(auditor: Auditor): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ri = requestInfoOf(req);
    const cfg = auditor.evaluate(attributesOf(req, ri));
    metrics.auditLevel.inc({ level: cfg.level });
    if (cfg.level === 'None') {
      next();
      return;
    }
    const audit = new RequestAudit(auditor, cfg, newEvent(req, ri, cfg));
    audits.set(req, audit);
    const authenticatedUser = req.user;
    const longRunning = isLongRunning(req);
    const captureAll = levelAtLeast(cfg.level, 'RequestResponse') && !longRunning;

    // Whatever later filters and handlers have added by the time a stage is sent.
    const refresh = (): void => {
      if (req.user && req.user !== authenticatedUser) audit.ev.impersonatedUser = auditUserOf(req.user);
      addRequestObject(audit, req, ri);
    };

    let started = false;
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!started) {
        started = true;
        audit.ev.responseStatus = { code: typeof args[0] === 'number' ? args[0] : res.statusCode };
        if (longRunning) {
          refresh();
          void audit.emit('ResponseStarted', req.auditAnnotations);
        }
      }
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];

    const body: Buffer[] = [];
    let capture: boolean | undefined;
    const record = (chunk: unknown, encoding: unknown): void => {
      // Bodies are kept when they go into the event: every JSON body at RequestResponse, else error Statuses.
      capture ??= captureAll || res.statusCode >= 300;
      if (!capture) return;
      const buf = chunkToBuffer(chunk, encoding);
      if (buf) body.push(buf);
    };
    const write = res.write;
    res.write = function (this: Response, ...args: unknown[]) {
      record(args[0], args[1]);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Response['write'];
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      if (typeof args[0] !== 'function') record(args[0], args[1]);
      return (end as (...a: unknown[]) => Response).apply(this, args);
    } as Response['end'];

    let completed = false;
    const complete = (): void => {
      if (completed || audit.panicked) return;
      completed = true;
      refresh();
      const json = bodyAsJson(Buffer.concat(body), res.getHeader('content-type'));
      let status: ResponseStatus | undefined = audit.ev.responseStatus;
      if (status) status = statusFromBody(json, status.code) ?? status;
      if (json !== undefined && captureAll) audit.ev.responseObject = cfg.omitManagedFields ? withoutManagedFields(json) : json;
      const faked: ResponseStatus = { code: 200, status: 'Success', message: 'Connection closed early' };
      if (!status && longRunning) {
        audit.ev.responseStatus = faked;
        void audit.emit('ResponseStarted', req.auditAnnotations);
      }
      audit.ev.responseStatus = status ?? faked;
      void audit.emit('ResponseComplete', req.auditAnnotations);
    };
    res.once('finish', complete);
    res.once('close', complete);

    audit.emit('RequestReceived').then(ok => {
      // Code below (admission plugins) annotates this request's events through api/audit-annotations.ts.
      if (ok) return withAuditAnnotations((k, v) => addAuditAnnotation(req, k, v), next);
      metrics.auditRequestsRejected.inc();
      completed = true;
      writeInternalError(req, res, 'failed to store audit event');
    }, (e: unknown) => next(e));
  };
}

/** Express error middleware placed before the final error handler: a Panic event, and no ResponseComplete. */
export function auditPanic(err: unknown, req: Request, _res: Response, next: NextFunction): void {
  const audit = audits.get(req);
  if (audit && !audit.panicked) {
    audit.panicked = true;
    audit.ev.responseStatus = {
      code: 500, status: 'Failure', reason: 'InternalError',
      message: `APIServer panic'd: ${err instanceof Error ? err.message : String(err)}`,
    };
    void audit.emit('Panic', req.auditAnnotations);
  }
  next(err);
}

/** Upstream's getAuthMethods: which credentials the failed request carried. */
function authMethods(req: Request): string {
  const methods: string[] = [];
  const auth = (req.get('authorization') ?? '').trim();
  const scheme = auth.split(' ')[0]?.toLowerCase();
  if (scheme === 'basic' && auth.includes(' ')) methods.push('basic');
  if (scheme === 'bearer' && auth.split(' ').length > 1) methods.push('bearer');
  const q = req.originalUrl.indexOf('?');
  if ((new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1)).get('access_token') ?? '').trim() !== '') methods.push('access_token');
  const socket = req.socket as { getPeerCertificate?: () => { raw?: Buffer } };
  if (socket.getPeerCertificate?.()?.raw) methods.push('x509');
  return methods.length > 0 ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}

/**
 * Placed right before authentication: a request that authentication answers with 401 is
 * audited (no user; the policy sees no user) with one ResponseStarted event, as upstream does.
 */
export function failedAuthenticationAudit(auditor: Auditor): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      if (req.user === undefined && res.statusCode === 401 && !audits.has(req)) {
        const ri = requestInfoOf(req);
        const cfg = auditor.evaluate(attributesOf(req, ri));
        metrics.auditLevel.inc({ level: cfg.level });
        if (cfg.level !== 'None') {
          const audit = new RequestAudit(auditor, cfg, newEvent(req, ri, cfg));
          audits.set(req, audit);
          const sent = bodyAsJson(chunkToBuffer(args[0], args[1]), res.getHeader('content-type'));
          audit.ev.responseStatus = statusFromBody(sent, 401) ?? { code: 401, message: authMethods(req) };
          void audit.emit('ResponseStarted', req.auditAnnotations);
        }
      }
      return (end as (...a: unknown[]) => Response).apply(this, args);
    } as Response['end'];
    next();
  };
}

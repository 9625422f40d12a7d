// Upstream's WithRequestDeadline + WithTimeoutForNonLongRunningRequests
// (apiserver/pkg/endpoints/filters/request_deadline.go, server/filters/timeout.go): every request
// that is not long-running gets --request-timeout, shortened by ?timeout=; past it the client gets
// a 504 Timeout Status and whatever the handler writes later is dropped.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { ApiError, errors } from '../api/errors.js';
import { writeError } from '../endpoints/status-writer.js';
import { parseGoDurationMs } from '../options/go-duration.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Aborted when the request's deadline passes; handlers pass it on to slow work. */
    deadline?: AbortSignal;
    /** True once the timeout filter has answered (or cut off) the request. */
    timedOut?: boolean;
  }
}

// kube-apiserver's BasicLongRunningRequestCheck arguments (pkg/controlplane/apiserver/config.go).
const longRunningVerbs = new Set(['watch', 'proxy']);
const longRunningSubresources = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** Watches, proxies, exec/attach/log/portforward and profiling: no timeout and no in-flight slot. */
export function isLongRunning(req: Request): boolean {
  const info = req.requestInfo;
  if (!info) return false;
  if (longRunningVerbs.has(info.verb)) return true;
  if (info.isResourceRequest) return longRunningSubresources.has(info.subresource);
  return info.path.startsWith('/debug/pprof/');
}

const timeoutMessage = 'Timeout: request did not complete within requested timeout - context deadline exceeded';

/** After the 504 is out, the late handler's writes go nowhere instead of failing on a finished response. */
function dropLateWrites(res: Response): void {
  const self = (): Response => res;
  const code = res.statusCode;
  Object.defineProperty(res, 'statusCode', { get: () => code, set: () => undefined });
  res.setHeader = self as Response['setHeader'];
  res.appendHeader = self as Response['appendHeader'];
  res.removeHeader = () => undefined;
  res.writeHead = self as Response['writeHead'];
  res.flushHeaders = () => undefined;
  res.write = ((...args: unknown[]) => {
    const cb = args.find(a => typeof a === 'function') as (() => void) | undefined;
    if (cb) queueMicrotask(cb);
    return true;
  }) as Response['write'];
  res.end = self as Response['end'];
}

/** Drops the headers the handler set, so the 504 carries only those set before it ran (as upstream). */
function restoreHeaders(res: Response, before: Record<string, unknown>): void {
  for (const name of res.getHeaderNames()) if (!(name in before)) res.removeHeader(name);
  for (const [name, value] of Object.entries(before)) res.setHeader(name, value as string | string[] | number);
}

export interface TimeoutOptions {
  /** --request-timeout in seconds (default 60). */
  requestTimeoutSeconds?: number;
}

export function timeoutFilter(opts: TimeoutOptions = {}): RequestHandler {
  const maxMillis = (opts.requestTimeoutSeconds ?? 60) * 1000;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isLongRunning(req)) {
      next();
      return;
    }
    let millis = maxMillis;
    const q = req.originalUrl.indexOf('?');
    const requested = new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1)).get('timeout');
    if (requested) {
      let userMillis: number;
      try {
        userMillis = parseGoDurationMs(requested);
      } catch (e) {
        writeError(res, errors.badRequest(`invalid timeout specified in the request URL - ${(e as Error).message}`));
        return;
      }
      // 0 means "no timeout of my own"; more than the maximum gets the maximum.
      if (userMillis > 0 && userMillis < maxMillis) millis = userMillis;
    }

    const controller = new AbortController();
    req.deadline = controller.signal;
    const headersBefore = res.getHeaders() as Record<string, unknown>;
    const timer = setTimeout(() => {
      req.timedOut = true;
      req.terminatedWith = 504;
      controller.abort(new Error('context deadline exceeded'));
      if (res.headersSent) {
        // The response has started; like upstream, cut the connection rather than send a broken body.
        req.responseAborted = true;
        res.destroy();
        return;
      }
      restoreHeaders(res, headersBefore);
      writeError(res, new ApiError(504, 'Timeout', timeoutMessage, {}));
      dropLateWrites(res);
    }, millis);
    const clear = (): void => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

// Per-request metrics, as upstream's InstrumentRouteFunc / MonitorRequest record them
// (apiserver/pkg/endpoints/metrics): apiserver_request_total, _request_duration_seconds,
// _request_sli_duration_seconds, _response_sizes and _longrunning_requests, plus the
// terminations and aborts that the max-in-flight and timeout filters mark on the request.
// Install it right after requestInfo so it sees every outcome, including rejections by later filters.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { RequestInfo } from './request-info.js';
import { metrics } from '../observability/metrics.js';
import { isLongRunning } from './timeout.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by a filter that ended the request to protect the server (429, 504): the status it sent. */
    terminatedWith?: number;
    /** Set when a response had started and had to be cut off (a timeout after the first write). */
    responseAborted?: boolean;
    /** Seconds spent in admission webhooks or queues, left out of the SLI latency. */
    sliExcludedSeconds?: number;
  }
}

export const apiServerComponent = 'apiserver';

/** Upstream's validRequestMethods: any other verb is reported as "other". */
const reportedVerbs = new Set([
  'APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST',
  'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST',
]);
const connectSubresources = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);
const applyPatchContentType = 'application/apply-patch+yaml';

/** The health endpoints upstream instruments; other non-resource paths are not recorded. */
export const defaultInstrumentedPaths: readonly string[] = ['/healthz', '/livez', '/readyz'];

function infoOf(req: Request): RequestInfo {
  return req.requestInfo ?? {
    isResourceRequest: false, path: req.path, verb: req.method.toLowerCase(), apiPrefix: '', apiGroup: '',
    apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [],
  };
}

function queryOf(req: Request): URLSearchParams {
  const q = req.originalUrl.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
}

/** Upstream's CleanScope: resource, namespace, cluster, or '' for non-resource requests. */
export function cleanScope(info: RequestInfo): string {
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  if (info.isResourceRequest) return 'cluster';
  return '';
}

/** Upstream's CanonicalVerb: a GET or HEAD of a collection is a LIST. */
export function canonicalVerb(method: string, scope: string): string {
  if (method === 'GET' || method === 'HEAD') return scope !== 'resource' && scope !== '' ? 'LIST' : 'GET';
  return method;
}

function isWatchQuery(req: Request): boolean {
  if (req.method !== 'GET') return false;
  const w = queryOf(req).getAll('watch')[0];
  if (w === undefined) return false;
  const v = w.toLowerCase();
  return v !== '0' && v !== 'false';
}

/** Upstream's CleanVerb: tells WATCH from LIST, APPLY from PATCH and CONNECT from the rest. */
export function cleanVerb(verb: string, req: Request, info: RequestInfo): string {
  let reported = verb;
  if (isWatchQuery(req)) reported = 'WATCH';
  if (verb === 'WATCHLIST') reported = 'WATCH';
  if (verb === 'PATCH' && req.get('content-type') === applyPatchContentType) reported = 'APPLY';
  if (info.isResourceRequest && connectSubresources.has(info.subresource)) reported = 'CONNECT';
  return reported;
}

/** The verb upstream's httplog prints (NormalizedVerb). */
export function normalizedVerb(req: Request): string {
  const info = infoOf(req);
  return cleanVerb(canonicalVerb(req.method.toUpperCase(), cleanScope(info)), req, info);
}

/**
 * The verb label of the request metrics: upstream's cleanVerb, which also maps the legacy
 * /watch/ path to WATCH and any unknown method to "other".
 */
export function reportedVerb(req: Request): string {
  const info = infoOf(req);
  if (info.verb === 'watch') return 'WATCH';
  const v = normalizedVerb(req);
  return reportedVerbs.has(v) ? v : 'other';
}

/** Upstream's cleanDryRun: '' when absent, the sorted distinct values, or "invalid". */
export function cleanDryRun(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  if (q < 0 || !req.originalUrl.includes('dryRun', q)) return '';
  const values = queryOf(req).getAll('dryRun');
  if (values.some(v => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

/** The labels shared by the request metrics, for resource and non-resource requests alike. */
export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

export function requestLabels(req: Request): RequestLabels {
  const info = infoOf(req);
  const common = { verb: reportedVerb(req), scope: cleanScope(info) };
  if (info.isResourceRequest) {
    return {
      ...common, group: info.apiGroup, version: info.apiVersion, resource: info.resource,
      subresource: info.subresource, component: apiServerComponent,
    };
  }
  // Upstream instruments the health endpoints with the path as subresource and no component.
  return { ...common, group: '', version: '', resource: '', subresource: info.path, component: '' };
}

/** Upstream records response sizes only for the routes it installs as GET or LIST (a ?watch list included). */
function recordsResponseSize(req: Request, info: RequestInfo): boolean {
  if (!info.isResourceRequest) return true;
  if (connectSubresources.has(info.subresource)) return false;
  return info.verb === 'get' || info.verb === 'list' || (info.verb === 'watch' && isWatchQuery(req));
}

/** Counts the body bytes written through res.write and res.end. */
function countBodyBytes(res: Response): () => number {
  let bytes = 0;
  const add = (chunk: unknown, encoding: unknown): void => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]): boolean {
    add(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]): Response {
    if (typeof chunk !== 'function') add(chunk, rest[0]);
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
  return () => bytes;
}

export interface MetricsFilterOptions {
  /** Non-resource paths recorded (exact match); others are not, to keep label cardinality bounded. */
  instrumentedPaths?: readonly string[];
}

/**
 * What upstream records when a filter ends a request in self-defense: the termination, and for
 * a 429 also the request count (RecordDroppedRequest), under the component "apiserver".
 */
function recordTermination(info: RequestInfo, labels: RequestLabels, dryRun: string, code: string): void {
  const component = apiServerComponent;
  const subresource = info.isResourceRequest ? info.subresource : info.path;
  metrics.requestTerminations.inc({ ...labels, subresource, component, code });
  if (code === '429') {
    metrics.requestTotal.inc({ ...labels, subresource: info.subresource, component, dry_run: dryRun, code });
  }
}

export function metricsFilter(opts: MetricsFilterOptions = {}): RequestHandler {
  const instrumented = new Set(opts.instrumentedPaths ?? defaultInstrumentedPaths);
  return (req: Request, res: Response, next: NextFunction): void => {
    const info = infoOf(req);
    const monitored = info.isResourceRequest || instrumented.has(info.path);
    const start = process.hrtime.bigint();
    const labels = requestLabels(req);
    const dryRun = cleanDryRun(req);
    const bodyBytes = monitored ? countBodyBytes(res) : () => 0;
    // Upstream's RecordLongRunning wraps the watch and connect handlers of resources.
    const longRunning = info.isResourceRequest && isLongRunning(req);
    if (longRunning) metrics.longrunningRequests.inc({ ...labels });

    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      if (longRunning) metrics.longrunningRequests.dec({ ...labels });
      const code = String(res.statusCode);
      if (req.terminatedWith !== undefined) {
        recordTermination(info, labels, dryRun, String(req.terminatedWith));
        // A dropped request never reached a handler: upstream records no latency or size for it.
        if (req.terminatedWith === 429) return;
      }
      if (req.responseAborted) {
        const { component: _component, ...abortLabels } = labels;
        metrics.requestAborts.inc({ ...abortLabels, subresource: info.subresource });
      }
      if (!monitored) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.requestTotal.inc({ ...labels, dry_run: dryRun, code });
      metrics.requestDuration.observe({ ...labels, dry_run: dryRun }, seconds);
      metrics.requestSliDuration.observe({ ...labels }, Math.max(0, seconds - (req.sliExcludedSeconds ?? 0)));
      if (recordsResponseSize(req, info)) metrics.responseSizes.observe({ ...labels }, bodyBytes());
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

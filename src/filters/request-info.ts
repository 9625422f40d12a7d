// Parses a request path into upstream's RequestInfo (apiserver/pkg/endpoints/request/requestinfo.go):
// every later filter (metrics, audit, authorization) and the router read it.
import type { Request, Response, NextFunction } from 'express';
import { decodePathSegment, hasInvalidEscape } from './path-escapes.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** get list watch create update patch delete deletecollection, or the lower-cased HTTP method for non-resource requests. */
  verb: string;
  /** 'api' or 'apis' for resource requests. */
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (e.g. proxy paths). */
  parts: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, rawPath: string, query: URLSearchParams): RequestInfo {
  const path = rawPath.split('?')[0] ?? '/';
  const info: RequestInfo = {
    isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '',
    apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [],
  };
  let segs = path.split('/').filter(s => s !== '').map(decodePathSegment);
  if (segs.length === 0 || (segs[0] !== 'api' && segs[0] !== 'apis')) return info;
  info.apiPrefix = segs[0]!;
  segs = segs.slice(1);
  if (info.apiPrefix === 'apis') {
    if (segs.length < 3) return info; // /apis, /apis/g, /apis/g/v are discovery
    info.apiGroup = segs[0]!;
    segs = segs.slice(1);
  } else if (segs.length < 2) {
    return info; // /api, /api/v1
  }
  info.apiVersion = segs[0]!;
  segs = segs.slice(1);
  info.isResourceRequest = true;

  switch (method.toUpperCase()) {
    case 'POST': info.verb = 'create'; break;
    case 'GET': case 'HEAD': info.verb = 'get'; break;
    case 'PUT': info.verb = 'update'; break;
    case 'PATCH': info.verb = 'patch'; break;
    case 'DELETE': info.verb = 'delete'; break;
    default: info.verb = '';
  }
  // The legacy /watch/ path prefix.
  if (segs[0] === 'watch') {
    if (info.verb === 'get') info.verb = 'watch';
    segs = segs.slice(1);
  }
  if (segs[0] === 'namespaces') {
    if (segs.length > 1) {
      info.namespace = segs[1]!;
      // /namespaces/{ns} and /namespaces/{ns}/{status|finalize} address the namespace itself.
      if (segs.length > 2 && !namespaceSubresources.has(segs[2]!)) segs = segs.slice(2);
    }
  }
  if (segs.length > 0) info.resource = segs[0]!;
  if (segs.length > 1) info.name = segs[1]!;
  if (segs.length > 2) info.subresource = segs[2]!;
  info.parts = segs.slice(3);
  if (info.resource === 'namespaces' && info.name && info.namespace === info.name) {
    // /api/v1/namespaces/{ns}: the namespace object is cluster-scoped.
    info.namespace = '';
  }

  if (info.name === '' && info.verb === 'get') {
    const w = query.get('watch');
    info.verb = w !== null && w !== '0' && w.toLowerCase() !== 'false' ? 'watch' : 'list';
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

declare module 'express-serve-static-core' {
  interface Request {
    requestInfo?: RequestInfo;
  }
}

export function requestInfoFilter(req: Request, res: Response, next: NextFunction): void {
  // Go's server refuses a malformed request URL itself, with a bare plain-text 400.
  if (hasInvalidEscape(req.originalUrl.split('?')[0] ?? '')) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('400 Bad Request');
    return;
  }
  const url = new URL(req.originalUrl, 'https://local');
  req.requestInfo = parseRequestInfo(req.method, url.pathname, url.searchParams);
  next();
}

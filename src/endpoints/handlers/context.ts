// What every resource handler receives: the resolved resource, its store and the request.
import type { Request, Response } from 'express';
import type { ResourceInfo } from '../../api/resource-info.js';
import type { RequestInfo } from '../../filters/request-info.js';
import type { Store } from '../../registry/store.js';

export interface HandlerContext {
  req: Request;
  res: Response;
  ri: RequestInfo;
  info: ResourceInfo;
  store: Store;
  query: URLSearchParams;
  /** Long-running request limits (--min-request-timeout, seconds). */
  minRequestTimeoutSeconds: number;
}

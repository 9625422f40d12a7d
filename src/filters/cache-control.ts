// Upstream's WithCacheControl (apiserver/pkg/endpoints/filters/cachecontrol.go): every response is
// behind authentication, so shared caches must not keep it; a handler may still set its own.
import type { Request, Response, NextFunction } from 'express';

export function cacheControlFilter(_req: Request, res: Response, next: NextFunction): void {
  if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-cache, private');
  next();
}

// Node's parser accepts an HTTP/0.9 request line ("GET /path" with no version); Go's server
// answers it 400 Bad Request and closes the connection, before any filter runs.
import type { NextFunction, Request, Response } from 'express';

export function httpVersionFilter(req: Request, res: Response, next: NextFunction): void {
  if (req.httpVersionMajor >= 1) return next();
  const raw = `${req.method} ${req.url}`;
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end(`400 Bad Request: malformed HTTP request ${JSON.stringify(raw)}`);
}

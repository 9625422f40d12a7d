// Upstream's WithHTTPLogging (apiserver/pkg/server/httplog): at --v=3 and above, one "HTTP" line per
// request once its response is done, with the same keys as upstream; below --v=3, nothing.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { log, type Logger } from '../observability/logger.js';
import { formatGoDuration } from '../options/go-duration.js';
import { normalizedVerb } from './metrics.js';
import { truncatedAuditID } from './audit-id.js';

const httpLogLevel = 3;

/** The client's address as Go's RemoteAddr prints it: ip:port, [ipv6]:port. */
function remoteAddr(req: Request): string {
  const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const port = req.socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The filter, logging through `logger`; verbosity is read per request, so --v changes apply at once. */
export function createHttpLogging(logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const verbose = logger.v(httpLogLevel);
    if (!verbose.enabled) {
      next();
      return;
    }
    const start = process.hrtime.bigint();
    // Read now: later filters may rewrite the headers (impersonation, authentication).
    const userAgent = req.get('user-agent') ?? '';
    const srcIP = remoteAddr(req);
    let logged = false;
    const write = (): void => {
      if (logged) return;
      logged = true;
      verbose.info('HTTP', {
        verb: normalizedVerb(req),
        URI: req.originalUrl,
        latency: formatGoDuration(process.hrtime.bigint() - start),
        userAgent,
        'audit-ID': truncatedAuditID(req),
        srcIP,
        resp: res.statusCode,
      });
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}

export const httpLoggingFilter: RequestHandler = createHttpLogging(log);

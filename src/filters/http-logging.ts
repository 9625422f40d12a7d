// Upstream's WithHTTPLogging (apiserver/pkg/server/httplog): at --v=3 and above, one "HTTP" line per
// request once its response is done, with the same keys as upstream; below --v=3, nothing.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { log, type Logger } from '../observability/logger.js';
import { normalizedVerb } from './metrics.js';
import { truncatedAuditID } from './audit-id.js';

const httpLogLevel = 3;

/** Writes a duration of `ns` nanoseconds as Go's time.Duration.String does ("1.5ms", "2m3.25s"). */
export function formatGoDuration(ns: bigint): string {
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  if (u === 0n) return '0s';
  const fraction = (v: bigint, digits: number): [string, bigint] => {
    let out = '';
    let print = false;
    for (let i = 0; i < digits; i++) {
      const d = v % 10n;
      print ||= d !== 0n;
      if (print) out = `${d}${out}`;
      v /= 10n;
    }
    return [print ? `.${out}` : '', v];
  };
  let text: string;
  if (u < 1_000_000_000n) {
    const [digits, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, '\u00b5s'] : [6, 'ms'];
    const [frac, whole] = fraction(u, digits);
    text = `${whole}${frac}${unit}`;
  } else {
    const [frac, seconds] = fraction(u, 9);
    u = seconds;
    text = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      text = `${u % 60n}m${text}`;
      u /= 60n;
      if (u > 0n) text = `${u}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

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

// The aggregator's proxy handler: a request for /apis/<group>/<version>/... whose APIService
// names a Service goes to that server, after this server authenticated, audited and authorized
// it, with the user in X-Remote-* headers. Bodies stream both ways; an upgrade (exec,
// port-forward, attach) is spliced through. Unavailable or unreachable backends answer 503 with
// upstream's plain-text body; everything else falls through to the local handlers.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { anonymousUser } from '../authn/user.js';
import { authProxyHeaders, type BackendDeps, resolveService, tlsOptions } from './backend.js';
import type { APIServiceLister } from './registry.js';
import { isAvailable, isRemote } from './types.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** Go's dialer timeout for the proxy transport. */
const DIAL_TIMEOUT_MS = 30_000;

/** http.Error: text/plain with a trailing newline, as upstream's proxyError writes. */
export function plainError(res: Response, code: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(code);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`${message}\n`);
}

/** The APIService name a path belongs to: "<version>.<group>" for /apis/<group>/<version>[/...]. */
export function apiServiceNameFor(path: string): string | undefined {
  const m = /^\/apis\/([^/]+)\/([^/?]+)(?:[/?]|$)/.exec(path);
  return m ? `${m[2]}.${m[1]}` : undefined;
}

function forwardHeaders(req: Request, upgrade: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
  if (upgrade) {
    out['connection'] = 'Upgrade';
    out['upgrade'] = req.headers.upgrade;
  }
  return out;
}

/** Writes the backend's 101 and splices the two sockets together. */
function spliceUpgrade(req: Request, backendRes: IncomingMessage, backendSocket: Socket, head: Buffer): void {
  const client = req.socket;
  const lines = [`HTTP/1.1 ${backendRes.statusCode ?? 101} ${backendRes.statusMessage ?? 'Switching Protocols'}`];
  for (let i = 0; i < backendRes.rawHeaders.length; i += 2) lines.push(`${backendRes.rawHeaders[i]}: ${backendRes.rawHeaders[i + 1]}`);
  client.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) client.write(head);
  backendSocket.pipe(client);
  client.pipe(backendSocket);
  const close = () => { backendSocket.destroy(); client.destroy(); };
  backendSocket.on('error', close);
  client.on('error', close);
  backendSocket.on('close', close);
  client.on('close', close);
}

export function aggregatorProxy(services: APIServiceLister, backend: BackendDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const name = apiServiceNameFor(req.path);
    const s = name ? services.get(name) : undefined;
    if (!s || !isRemote(s)) return next();
    if (!isAvailable(s)) return plainError(res, 503, 'service unavailable');
    void resolveService(backend, s.spec.service).then(addr => {
      const upgrade = typeof req.headers.upgrade === 'string' && /\bupgrade\b/i.test(req.headers.connection ?? '');
      const out = request({
        host: addr.host, port: addr.port, method: req.method, path: req.originalUrl,
        headers: authProxyHeaders(forwardHeaders(req, upgrade), req.user ?? anonymousUser),
        ...tlsOptions(backend, s),
      });
      const dialTimer = setTimeout(() => out.destroy(new Error('dial timeout')), DIAL_TIMEOUT_MS);
      out.on('socket', sock => sock.once('secureConnect', () => clearTimeout(dialTimer)));
      // The client went away or its deadline passed: stop the backend request too.
      res.on('close', () => { clearTimeout(dialTimer); if (!upgrade) out.destroy(); });
      req.deadline?.addEventListener('abort', () => out.destroy(), { once: true });
      out.on('response', backendRes => {
        clearTimeout(dialTimer);
        const headers: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(backendRes.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
        res.writeHead(backendRes.statusCode ?? 502, headers);
        // Watches and logs: every chunk goes out as it arrives.
        res.flushHeaders();
        backendRes.pipe(res);
        backendRes.on('error', () => res.destroy());
      });
      out.on('upgrade', (backendRes, socket, head) => {
        clearTimeout(dialTimer);
        spliceUpgrade(req, backendRes, socket, head);
      });
      out.on('error', e => {
        clearTimeout(dialTimer);
        plainError(res, 503, `error trying to reach service: ${e.message}`);
      });
      if (upgrade) out.end();
      else req.pipe(out);
    }, () => plainError(res, 503, 'service unavailable'));
  };
}

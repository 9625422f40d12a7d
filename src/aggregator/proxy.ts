// The aggregator's proxy handler: a request for /apis/<group>/<version>/... whose APIService
// names a Service goes to that server, after this server authenticated, audited and authorized
// it, with the user in X-Remote-* headers. Bodies stream both ways; an upgrade (exec,
// port-forward, attach) is spliced through. Unavailable or unreachable backends answer 503 with
// upstream's plain-text body (Go's transport error); a backend too slow for the request's
// deadline is left to the timeout filter's 504. Everything else falls through to the local handlers.
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { anonymousUser } from '../authn/user.js';
import { rawResponseHead, splice } from '../kubelet/upgrade-proxy.js';
import { type Hijacked, hijack } from '../server/upgrade.js';
import { type Address, authProxyHeaders, type BackendDeps, hostPort, resolveService, tlsOptions } from './backend.js';
import type { APIServiceLister } from './registry.js';
import { goTransportError } from './transport-errors.js';
import { type APIService, isAvailable, isRemote } from './types.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** Go's dialer timeout and net/http's TLSHandshakeTimeout for the proxy transport. */
const DIAL_TIMEOUT_MS = 30_000;
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

const redirectMessage = 'the backend attempted to redirect this request, which is not permitted';

export interface ProxyOptions {
  /** --aggregator-reject-forwarding-redirect (upstream default true): a backend's 3xx with a Location becomes a 502. */
  rejectForwardingRedirects?: boolean;
}

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

/** Fails the backend request the way Go's transport would: no connection in 30s, no TLS session 10s after it. */
function connectDeadlines(out: ClientRequest, addr: Address): () => void {
  let timer = setTimeout(() => out.destroy(new Error(`dial tcp ${hostPort(addr)}: i/o timeout`)), DIAL_TIMEOUT_MS);
  const clear = () => clearTimeout(timer);
  out.on('socket', (sock: Socket) => {
    sock.once('connect', () => {
      clear();
      timer = setTimeout(() => out.destroy(new Error('net/http: TLS handshake timeout')), TLS_HANDSHAKE_TIMEOUT_MS);
    });
    sock.once('secureConnect', clear);
  });
  return clear;
}

/** The backend's answer to an ordinary request, streamed; a redirect replaced when the flag says so. */
function relayResponse(res: Response, backendRes: IncomingMessage, rejectRedirects: boolean): void {
  const code = backendRes.statusCode ?? 502;
  if (rejectRedirects && code >= 300 && code <= 399 && backendRes.headers.location) {
    backendRes.resume();
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(redirectMessage.length) });
    res.end(redirectMessage);
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(backendRes.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
  res.writeHead(code, headers);
  // Watches and logs: every chunk goes out as it arrives.
  res.flushHeaders();
  backendRes.pipe(res);
  // A backend that drops the connection mid-body: Go's ReverseProxy aborts the client's too.
  backendRes.on('close', () => { if (!backendRes.complete) res.destroy(); });
}

/** The backend's answer to an upgrade: a 101 spliced through, an error echoed, anything else upstream's 503. */
function relayUpgrade(res: Response, raw: Hijacked, backendRes: IncomingMessage, backendSocket: Socket | undefined, head: Buffer | undefined): void {
  const code = backendRes.statusCode ?? 0;
  if (code === 101 && backendSocket) {
    raw.switching();
    raw.socket.write(rawResponseHead(backendRes));
    if (head && head.length > 0) raw.socket.write(head);
    if (raw.head.length > 0) backendSocket.write(raw.head);
    splice(raw.socket, backendSocket);
    return;
  }
  if (code < 400) {
    backendRes.resume();
    plainError(res, 503, `invalid upgrade response: status code ${code}`);
    return;
  }
  relayResponse(res, backendRes, false);
}

function forward(req: Request, res: Response, s: APIService, addr: Address, backend: BackendDeps, opts: ProxyOptions): void {
  const raw = hijack(req, res);
  const upgrade = raw !== undefined && typeof req.headers.upgrade === 'string';
  const tls = tlsOptions(backend, s);
  const out = request({
    host: addr.host, port: addr.port, method: req.method, path: req.originalUrl,
    headers: authProxyHeaders(forwardHeaders(req, upgrade), req.user ?? anonymousUser),
    ...tls,
  });
  const clearDeadlines = connectDeadlines(out, addr);
  // The client went away or its deadline passed: stop the backend request too.
  res.on('close', () => { clearDeadlines(); if (!upgrade) out.destroy(); });
  req.deadline?.addEventListener('abort', () => out.destroy(), { once: true });
  out.on('response', backendRes => {
    clearDeadlines();
    if (raw && upgrade) relayUpgrade(res, raw, backendRes, undefined, undefined);
    else relayResponse(res, backendRes, opts.rejectForwardingRedirects ?? true);
  });
  out.on('upgrade', (backendRes, socket, head) => {
    clearDeadlines();
    if (raw) relayUpgrade(res, raw, backendRes, socket, head);
    else socket.destroy();
  });
  out.on('error', e => {
    clearDeadlines();
    // The timeout filter has answered 504 already; the late error goes nowhere, as upstream's.
    if (req.timedOut) return;
    const message = goTransportError(e, addr, tls.servername ?? addr.host);
    plainError(res, 503, upgrade ? `error dialing backend: ${message}` : message);
  });
  if (upgrade) out.end();
  else req.pipe(out);
}

export function aggregatorProxy(services: APIServiceLister, backend: BackendDeps, opts: ProxyOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const name = apiServiceNameFor(req.path);
    const s = name ? services.get(name) : undefined;
    if (!s || !isRemote(s)) return next();
    if (!isAvailable(s)) return plainError(res, 503, 'service unavailable');
    void resolveService(backend, s.spec.service).then(addr => forward(req, res, s, addr, backend, opts), () => plainError(res, 503, 'service unavailable'));
  };
}

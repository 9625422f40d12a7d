// The secure listener: HTTP/2 over ALPN ("h2") with HTTP/1.1 for clients that offer only
// http/1.1 or no ALPN, as upstream's SecureServingInfo.Serve. HTTP/1.1 keeps today's limits and
// upgrades (exec, attach, port-forward, proxies); HTTP/2 requests reach the same Express app
// through request/response classes that look to the filters like HTTP/1.1 ones.
import { Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  constants, createSecureServer, Http2ServerRequest, Http2ServerResponse,
  type Http2Session, type OutgoingHttpHeaders,
} from 'node:http2';
import type { Server as TlsServer, TlsOptions } from 'node:tls';
import express, { type Express } from 'express';

export interface Http2Serving {
  /** --disable-http2-serving: HTTP/1.1 only. */
  disabled?: boolean;
  /** --http2-max-streams-per-connection; 0 (the default) means upstream's 100. */
  maxStreamsPerConnection?: number;
}

/** Upstream's MaxHeaderBytes: long selectors and large bearer tokens fit. */
export const MAX_HEADER_BYTES = 1 << 20;
/** upstream's ReadHeaderTimeout: a connection whose request headers trickle in is closed after 32 s. */
const READ_HEADER_TIMEOUT_MS = 32_000;
const KEEP_ALIVE_TIMEOUT_MS = 60_000;
/** Upstream's http2 IdleTimeout (http.DefaultTransport's keep-alive): a session without streams this long gets GOAWAY. */
const H2_IDLE_TIMEOUT_MS = 90_000;
/**
 * Upstream's resourceBody99Percentile: the per-stream receive window and the largest frame read,
 * big enough for most POST bodies in one frame; the connection window is this times the stream limit.
 */
const RESOURCE_BODY_99_PERCENTILE = 256 * 1024;
/** Upstream's stream limit when the flag is 0: http2.initialMaxConcurrentStreams of Go clients. */
const DEFAULT_MAX_STREAMS = 100;
/** Go's http2 adds 32 bytes per field for ~10 typical fields to MaxHeaderBytes in SETTINGS_MAX_HEADER_LIST_SIZE. */
const MAX_HEADER_LIST_SIZE = MAX_HEADER_BYTES + 10 * 32;

/** The stream limit advertised in SETTINGS_MAX_CONCURRENT_STREAMS. */
export function maxConcurrentStreams(flag = 0): number {
  return flag > 0 ? Math.min(flag, 2 ** 32 - 1) : DEFAULT_MAX_STREAMS;
}

// Go's http2 server drops these from responses (RFC 9113 8.2.2); Node refuses to send them.
const connectionSpecific = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * An HTTP/2 request as the filters expect an HTTP/1.1 one: headers without pseudo-headers (as
 * Go's Request.Header), Host from :authority, and headersDistinct. (Accessors are defined on the
 * prototype: the base class types them as plain properties.)
 */
class KubeHttp2Request extends Http2ServerRequest {}

const headersOf = Symbol('headers');
const distinctOf = Symbol('headersDistinct');
type CachedRequest = Http2ServerRequest & { [headersOf]?: Record<string, string | string[]>; [distinctOf]?: Record<string, string[]> };

function distinctHeaders(req: CachedRequest): Record<string, string[]> {
  if (req[distinctOf]) return req[distinctOf];
  const out: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!name.startsWith(':')) (out[name] ??= []).push(raw[i + 1]!);
  }
  if (!out['host'] && req.authority) out['host'] = [req.authority];
  return (req[distinctOf] = out);
}

Object.defineProperties(KubeHttp2Request.prototype, {
  headersDistinct: { configurable: true, get(this: CachedRequest) { return distinctHeaders(this); } },
  headers: {
    configurable: true,
    get(this: CachedRequest) {
      if (this[headersOf]) return this[headersOf];
      const out: Record<string, string | string[]> = {};
      for (const [name, values] of Object.entries(distinctHeaders(this))) {
        out[name] = name === 'set-cookie' ? values : values.join(name === 'cookie' ? '; ' : ', ');
      }
      return (this[headersOf] = out);
    },
    set(this: CachedRequest, value: Record<string, string | string[]>) { this[headersOf] = value; },
  },
});

function withoutConnectionHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!connectionSpecific.has(name.toLowerCase())) out[name] = value;
  return out;
}

/** An HTTP/2 response that drops connection-specific headers, reports destroyed, and resets the stream on destroy. */
class KubeHttp2Response extends Http2ServerResponse {
  override setHeader(name: string, value: number | string | readonly string[]): this {
    if (!connectionSpecific.has(name.toLowerCase())) super.setHeader(name, value);
    return this;
  }

  override appendHeader(name: string, value: string | string[]): this {
    if (!connectionSpecific.has(name.toLowerCase())) super.appendHeader(name, value);
    return this;
  }

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const headers = rest.find(a => typeof a === 'object' && a !== null && !Array.isArray(a)) as OutgoingHttpHeaders | undefined;
    // A status message has no place in HTTP/2; Node warns about one.
    return headers ? super.writeHead(statusCode, withoutConnectionHeaders(headers)) : super.writeHead(statusCode);
  }

  /** Like a handler aborted in Go's http2 server: RST_STREAM INTERNAL_ERROR, the connection stays. */
  override destroy(): this {
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return this;
  }
}

Object.defineProperty(KubeHttp2Response.prototype, 'destroyed', {
  configurable: true,
  get(this: Http2ServerResponse) { return this.stream.destroyed; },
});

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The app as an HTTP/2 request listener. Express re-parents each request and response onto
 * app.request/app.response (built on http.IncomingMessage/ServerResponse), which would hide the
 * HTTP/2 classes' own accessors; this handle gives Express the same methods on the HTTP/2 classes.
 */
function http2Listener(app: Express): Listener {
  const onto = (proto: object, methods: object, owner: Express) =>
    Object.create(Object.create(proto, Object.getOwnPropertyDescriptors(methods)), {
      app: { configurable: true, enumerable: true, writable: true, value: owner },
    }) as object;
  const handle = Object.create(app) as Express;
  handle.request = onto(KubeHttp2Request.prototype, express.request, app) as Express['request'];
  handle.response = onto(KubeHttp2Response.prototype, express.response, app) as Express['response'];
  return (req, res) => (handle as unknown as { handle: Listener }).handle(req, res);
}

export interface SecureListener {
  /** An https.Server, or an http2 secure server with HTTP/1.1 fallback. */
  server: TlsServer;
  /** Stops accepting; idle HTTP/1.1 connections close and HTTP/2 sessions get GOAWAY. */
  close(done: () => void): void;
  /** Ends every connection still open. */
  closeAll(): void;
}

/** The HTTPS listener for `app`, HTTP/2 unless disabled. */
export function createSecureListener(tls: TlsOptions, app: Express, opts: Http2Serving = {}): SecureListener {
  if (opts.disabled) {
    const server = Object.assign(createHttpsServer({ ...tls, maxHeaderSize: MAX_HEADER_BYTES }, app), http1Timeouts);
    return {
      server,
      close: done => { server.close(() => done()); server.closeIdleConnections(); },
      closeAll: () => server.closeAllConnections(),
    };
  }
  const streams = maxConcurrentStreams(opts.maxStreamsPerConnection);
  const connectionWindow = Math.min(RESOURCE_BODY_99_PERCENTILE * streams, 2 ** 31 - 1);
  const server = createSecureServer({
    ...tls,
    allowHTTP1: true,
    settings: {
      maxConcurrentStreams: streams,
      initialWindowSize: RESOURCE_BODY_99_PERCENTILE,
      maxFrameSize: RESOURCE_BODY_99_PERCENTILE,
      maxHeaderListSize: MAX_HEADER_LIST_SIZE,
    },
    // Node refuses new streams past this much buffered per session (MB); room for the full window.
    maxSessionMemory: Math.ceil(connectionWindow / 2 ** 20) + 10,
    Http2ServerRequest: KubeHttp2Request,
    Http2ServerResponse: KubeHttp2Response as typeof Http2ServerResponse,
  });
  // The HTTP/1.1 fallback reads these from the server, as an https.Server would.
  Object.assign(server, { maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: true }, http1Timeouts);
  const h2 = http2Listener(app);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => (req.httpVersionMajor >= 2 ? h2 : app)(req, res));
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setLocalWindowSize(connectionWindow);
    idleTimeout(session);
  });
  const http1 = HttpServer.prototype;
  return {
    server,
    close: done => {
      server.close(() => done());
      http1.closeIdleConnections.call(server);
      for (const s of sessions) s.close();
    },
    closeAll: () => {
      http1.closeAllConnections.call(server);
      for (const s of sessions) s.destroy();
    },
  };
}

const http1Timeouts = {
  // Watches are long-lived; per-request timeouts are the filters' job.
  requestTimeout: 0,
  headersTimeout: READ_HEADER_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
};

/** GOAWAY for a session that has had no open stream for upstream's idle timeout. */
function idleTimeout(session: Http2Session): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => { if (!session.closed) session.close(); }, H2_IDLE_TIMEOUT_MS);
    timer.unref();
  };
  arm();
  session.on('stream', stream => {
    open++;
    clearTimeout(timer);
    stream.once('close', () => { if (--open === 0 && !session.closed) arm(); });
  });
  session.once('close', () => clearTimeout(timer));
}

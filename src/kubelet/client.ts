// How the API server reaches kubelets (kubernetes pkg/kubelet/client): the address from the
// Node's status by --kubelet-preferred-address-types, the port from
// status.daemonEndpoints.kubeletEndpoint (else --kubelet-port), HTTPS with the client
// certificate, and the kubelet's serving certificate checked against
// --kubelet-certificate-authority — or not at all when that flag is unset, as upstream.
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { KubeObject } from '../api/types.js';
import { ApiError } from '../api/errors.js';

export const defaultPreferredAddressTypes = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];

export interface KubeletClientConfig {
  /** --kubelet-preferred-address-types. */
  preferredAddressTypes?: string[];
  /** --kubelet-port (default 10250), used when the Node reports no kubelet endpoint. */
  port?: number;
  /** --kubelet-client-certificate / --kubelet-client-key. */
  certFile?: string;
  keyFile?: string;
  /** --kubelet-certificate-authority; unset means the kubelet's certificate is not verified. */
  caFile?: string;
  /** --kubelet-timeout in milliseconds (default 5s): how long the kubelet may take to answer. */
  timeoutMs?: number;
}

export interface KubeletEndpoint {
  host: string;
  port: number;
}

interface NodeAddress { type?: string; address?: string }

/** Upstream's GetPreferredNodeAddress: the first address of the first preferred type present. */
export function preferredNodeAddress(node: KubeObject, types: string[]): string {
  const status = (node['status'] ?? {}) as { addresses?: NodeAddress[] };
  const addresses = status.addresses ?? [];
  for (const t of types) {
    const hit = addresses.find(a => a.type === t);
    if (hit?.address !== undefined) return hit.address;
  }
  throw new Error(`no preferred addresses found; known addresses: [${addresses.map(a => `{${a.type ?? ''} ${a.address ?? ''}}`).join(' ')}]`);
}

/** The scheme-less part of a kubelet URL, bracketing IPv6 literals as net.JoinHostPort does. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's net/http client error text for a failed request: `Get "url": dial tcp host:port: ...`. */
export function goRequestError(method: string, url: URL, err: unknown): string {
  return `${method[0]}${method.slice(1).toLowerCase()} "${url.href}": ${goDialError(url, err)}`;
}

/** Go's error text for the dial itself, the part upgrades report after "error dialing backend: ". */
export function goDialError(url: URL, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const addr = url.host;
  switch (e.code) {
    case 'ECONNREFUSED': return `dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH': return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH': return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'ETIMEDOUT': case 'ECONNTIMEOUT': return `dial tcp ${addr}: i/o timeout`;
    case 'ECONNRESET': return `read tcp ${addr}: read: connection reset by peer`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'SELF_SIGNED_CERT_IN_CHAIN': case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED': return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID': return `tls: failed to verify certificate: x509: certificate is valid for other names, not ${url.hostname}`;
    case 'TLS_HANDSHAKE_TIMEOUT': return 'net/http: TLS handshake timeout';
    default: return e.message ?? String(err);
  }
}

export interface UpgradedConnection {
  /** The kubelet's 101 (or refusal) response head. */
  response: IncomingMessage;
  /** The raw connection after a 101; absent when the kubelet refused the upgrade. */
  socket?: Socket;
  /** Bytes the kubelet sent right after its 101 head. */
  head?: Buffer;
}

function codeError(code: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}

export class KubeletClient implements Backend {
  readonly preferredAddressTypes: string[];
  readonly defaultPort: number;
  readonly timeoutMs: number;

  private constructor(cfg: KubeletClientConfig, private readonly tls: { cert?: Buffer; key?: Buffer; ca?: Buffer }) {
    this.preferredAddressTypes = cfg.preferredAddressTypes ?? defaultPreferredAddressTypes;
    this.defaultPort = cfg.port ?? 10250;
    this.timeoutMs = cfg.timeoutMs ?? 5000;
  }

  /** Reads the certificate files once; an unreadable file stops start-up. */
  static async load(cfg: KubeletClientConfig): Promise<KubeletClient> {
    const read = (f?: string) => (f ? readFile(f) : Promise.resolve(undefined));
    const [cert, key, ca] = await Promise.all([read(cfg.certFile), read(cfg.keyFile), read(cfg.caFile)]);
    return new KubeletClient(cfg, { ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}) });
  }

  endpoint(node: KubeObject): KubeletEndpoint {
    const host = preferredNodeAddress(node, this.preferredAddressTypes);
    const status = (node['status'] ?? {}) as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
    const reported = status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
    return { host, port: reported > 0 ? reported : this.defaultPort };
  }

  url(ep: KubeletEndpoint, path: string, query?: URLSearchParams): URL {
    const u = new URL(`https://${joinHostPort(ep.host, ep.port)}`);
    u.pathname = path;
    if (query && [...query.keys()].length > 0) u.search = query.toString();
    return u;
  }

  private options(url: URL, method: string, headers: OutgoingHttpHeaders, insecure: boolean) {
    const verify = !insecure && this.tls.ca !== undefined;
    return {
      method, headers, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: `${url.pathname}${url.search}`,
      agent: false as const,
      ...(this.tls.cert ? { cert: this.tls.cert } : {}),
      ...(this.tls.key ? { key: this.tls.key } : {}),
      ...(verify ? { ca: this.tls.ca } : {}),
      rejectUnauthorized: verify,
      // Kubelets are addressed by IP as often as by name; Go checks the IP SAN the same way.
      servername: /^[\d.]+$|:/.test(url.hostname) ? '' : url.hostname,
    };
  }

  /** A plain request (pods/log, node proxies); resolves with the response head, rejects with Go's error text. */
  request(url: URL, method: string, headers: OutgoingHttpHeaders, opts: RequestOptions = {}): Promise<IncomingMessage> {
    return sendRequest(() => httpsRequest(this.options(url, method, headers, opts.insecure ?? false)), this.timeoutMs, url, method, opts);
  }

  /** Sends an upgrade request (SPDY/3.1 or WebSocket) and hands back the raw connection. */
  upgrade(url: URL, method: string, headers: OutgoingHttpHeaders): Promise<UpgradedConnection> {
    return sendUpgrade(() => httpsRequest(this.options(url, method, headers, false)), this.timeoutMs, url);
  }
}

export interface RequestOptions {
  insecure?: boolean;
  body?: NodeJS.ReadableStream;
  signal?: AbortSignal;
}

/** Where a proxy sends requests: a kubelet (KubeletClient) or any pod or service endpoint (ProxyTransport). */
export interface Backend {
  request(url: URL, method: string, headers: OutgoingHttpHeaders, opts?: RequestOptions): Promise<IncomingMessage>;
  upgrade(url: URL, method: string, headers: OutgoingHttpHeaders): Promise<UpgradedConnection>;
}

/**
 * Upstream's proxy transport for pods/proxy, services/proxy and nodes/proxy to other ports:
 * plain HTTP, or HTTPS without verifying the backend and without a client certificate.
 */
export class ProxyTransport implements Backend {
  constructor(private readonly timeoutMs = 30_000) {}

  private open(url: URL, method: string, headers: OutgoingHttpHeaders): ClientRequest {
    const base = { method, headers, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: `${url.pathname}${url.search}`, agent: false as const };
    return url.protocol === 'https:' ? httpsRequest({ ...base, rejectUnauthorized: false }) : httpRequest(base);
  }

  request(url: URL, method: string, headers: OutgoingHttpHeaders, opts: RequestOptions = {}): Promise<IncomingMessage> {
    return sendRequest(() => this.open(url, method, headers), this.timeoutMs, url, method, opts);
  }

  upgrade(url: URL, method: string, headers: OutgoingHttpHeaders): Promise<UpgradedConnection> {
    return sendUpgrade(() => this.open(url, method, headers), this.timeoutMs, url);
  }
}

function sendRequest(open: () => ClientRequest, timeoutMs: number, url: URL, method: string, opts: RequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = open();
    const fail = (e: unknown) => { req.destroy(); reject(e instanceof ApiError ? e : new Error(goRequestError(method, url, e))); };
    const timer = setTimeout(() => {
      fail(new ApiError(504, 'Timeout', `${method[0]}${method.slice(1).toLowerCase()} "${url.href}": net/http: timeout awaiting response headers`));
    }, timeoutMs);
    req.once('response', res => { clearTimeout(timer); resolve(res); });
    req.once('error', e => { clearTimeout(timer); fail(e); });
    opts.signal?.addEventListener('abort', () => { clearTimeout(timer); req.destroy(); }, { once: true });
    if (opts.body) opts.body.pipe(req);
    else req.end();
  });
}

function sendUpgrade(open: () => ClientRequest, timeoutMs: number, url: URL): Promise<UpgradedConnection> {
  return new Promise((resolve, reject) => {
    const req = open();
    const timer = setTimeout(() => {
      req.destroy(codeError('ETIMEDOUT', 'timeout'));
    }, timeoutMs);
    req.once('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      resolve({ response, socket, head });
    });
    req.once('response', response => { clearTimeout(timer); resolve({ response }); });
    req.once('error', e => { clearTimeout(timer); reject(new Error(`error dialing backend: ${goDialError(url, e)}`)); });
    req.end();
  });
}

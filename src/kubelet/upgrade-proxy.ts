// Upstream's UpgradeAwareHandler for connection upgrades: the client's upgrade request is
// replayed to the kubelet (with the API server's client certificate instead of the caller's
// credentials), the kubelet's answer goes back verbatim, and after a 101 the two connections are
// spliced byte for byte. Used for SPDY clients and for WebSocket clients the kubelet serves itself.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Backend } from './client.js';

/** Headers that describe the caller's own hop or credentials and must not reach the kubelet. */
const dropped = /^(authorization|host|impersonate-.*|x-remote-.*|content-length|transfer-encoding)$/i;

export function forwardedHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headersDistinct)) {
    if (!dropped.test(name) && value) out[name] = value.length === 1 ? value[0] : value;
  }
  return out;
}

/** Serialises a response head the way it arrived. */
export function rawResponseHead(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 500} ${res.statusMessage ?? ''}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Joins two byte streams; either side ending or failing ends the other. */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => { a.destroy(); b.destroy(); };
  a.once('close', close);
  b.once('close', close);
  a.once('error', close);
  b.once('error', close);
}

export interface UpgradeTarget {
  client: Duplex;
  /** Bytes the client sent after its request head. */
  head: Buffer;
  /** Called once the kubelet answered 101, before any byte reaches the client (audit's 101). */
  onSwitching(): void;
}

export async function proxyUpgrade(req: IncomingMessage, target: UpgradeTarget, kubelet: Backend, url: URL): Promise<void> {
  const upgraded = await kubelet.upgrade(url, req.method ?? 'GET', { ...forwardedHeaders(req), host: url.host });
  const { response, socket } = upgraded;
  if (!socket) {
    // The kubelet refused; its answer (typically a Status or plain text) goes back as it is.
    const body: Buffer[] = [];
    for await (const chunk of response) body.push(chunk as Buffer);
    response.rawHeaders.splice(0, response.rawHeaders.length,
      ...rawPairs(response).filter(([n]) => !/^(transfer-encoding|content-length|connection)$/i.test(n)).flat());
    const payload = Buffer.concat(body);
    target.client.end(`${rawResponseHead(response).slice(0, -2)}Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n${payload.toString('latin1')}`, 'latin1');
    return;
  }
  target.onSwitching();
  target.client.write(rawResponseHead(response));
  if (upgraded.head && upgraded.head.length > 0) target.client.write(upgraded.head);
  if (target.head.length > 0) socket.write(target.head);
  splice(target.client, socket);
}

function rawPairs(res: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
  return pairs;
}

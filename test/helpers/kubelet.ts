// A kubelet stand-in for e2e tests: an HTTPS server that demands a client certificate and serves
// the kubelet's streaming endpoints the way a real one does — /containerLogs/ as plain HTTP,
// /exec/, /attach/ and /portForward/ as SPDY/3.1 upgrades. exec runs the command on this host.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SpdyConnection, type SpdyStream } from '../../src/kubelet/spdy/connection.js';

export interface KubeletStandIn {
  port: number;
  /** Every request path with query the stand-in saw, and the client certificate's CN. */
  seen: { url: string; clientCN: string }[];
  /** Every terminal size message that arrived on an exec's resize stream. */
  resizes: string[];
  close(): Promise<void>;
}

export interface KubeletTLS {
  cert: string;
  key: string;
  /** CA the API server's client certificate must chain to. */
  clientCA: string;
}

const logLines = (prefix: string) => Array.from({ length: 5 }, (_, i) => `${prefix} ${i + 1}`);

function serveLogs(req: IncomingMessage, res: import('node:http').ServerResponse, url: URL): void {
  const [, , , , container] = url.pathname.split('/');
  if (container === 'missing') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('container not found');
    return;
  }
  let lines = logLines(url.searchParams.get('previous') === 'true' ? 'previous' : `${container}`);
  const tail = url.searchParams.get('tailLines');
  if (tail !== null) lines = lines.slice(-Number(tail));
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write(lines.map(l => `${l}\n`).join(''));
  if (url.searchParams.get('follow') !== 'true') {
    res.end();
    return;
  }
  let n = 0;
  const t = setInterval(() => { res.write(`tick ${++n}\n`); }, 50);
  req.once('close', () => clearInterval(t));
}

/** Gathers the client's streams by type until every expected one arrived. */
function collectStreams(conn: SpdyConnection, expected: string[]): Promise<Map<string, SpdyStream>> {
  return new Promise(resolve => {
    const got = new Map<string, SpdyStream>();
    conn.on('stream', s => {
      got.set(s.headers['streamtype'] ?? '', s);
      if (expected.every(t => got.has(t))) resolve(got);
    });
  });
}

function exitStatus(command: string[], code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${code}: `,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

async function runStreams(conn: SpdyConnection, url: URL, kind: string, resizes: string[]): Promise<void> {
  const q = url.searchParams;
  const expected = ['error', ...(q.get('input') ? ['stdin'] : []), ...(q.get('output') ? ['stdout'] : []), ...(q.get('error') && !q.get('tty') ? ['stderr'] : []), ...(q.get('tty') ? ['resize'] : [])];
  const streams = await collectStreams(conn, expected);
  const stdin = streams.get('stdin');
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  const errorStream = streams.get('error')!;
  streams.get('resize')?.on('data', (b: Buffer) => resizes.push(...b.toString().split('\n').filter(l => l !== '')));
  if (kind === 'attach') {
    // The "attached process" echoes its input and ends with it.
    if (stdin && stdout) stdin.pipe(stdout);
    else stdout?.end();
    stderr?.end();
    await once(stdout ?? errorStream, 'finish');
    errorStream.end(exitStatus([], 0));
    return;
  }
  const command = q.getAll('command');
  const child = spawn(command[0] ?? 'true', command.slice(1), { stdio: 'pipe' });
  if (stdin) stdin.pipe(child.stdin);
  else child.stdin.end();
  child.stdin.on('error', () => {});
  if (stdout) child.stdout.pipe(stdout);
  else child.stdout.resume();
  if (stderr) child.stderr.pipe(stderr);
  else child.stderr.resume();
  const [code] = await once(child, 'close') as [number | null];
  errorStream.end(exitStatus(command, code ?? 1));
}

function servePortForward(conn: SpdyConnection): void {
  conn.on('stream', s => {
    if (s.headers['streamtype'] !== 'data') {
      s.resume();
      return;
    }
    const target = connect(Number(s.headers['port']), '127.0.0.1');
    s.pipe(target);
    target.pipe(s);
    target.on('error', () => s.resetStream());
    s.on('close', () => target.destroy());
  });
}

export async function startKubeletStandIn(tls: KubeletTLS): Promise<KubeletStandIn> {
  const seen: KubeletStandIn['seen'] = [];
  const resizes: string[] = [];
  const server: Server = createServer({ cert: tls.cert, key: tls.key, ca: tls.clientCA, requestCert: true, rejectUnauthorized: true });
  // Upgraded (SPDY) sockets leave the server's own bookkeeping: close() ends them explicitly.
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', sock => { sockets.add(sock); sock.once('close', () => sockets.delete(sock)); });
  const note = (req: IncomingMessage) => {
    const cert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    seen.push({ url: req.url ?? '', clientCN: typeof cert.subject?.CN === 'string' ? cert.subject.CN : '' });
  };
  server.on('request', (req, res) => {
    note(req);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (url.pathname.startsWith('/containerLogs/')) return serveLogs(req, res, url);
    // What nodes/proxy reaches: the kubelet's own endpoints, echoing what arrived.
    if (url.pathname.startsWith('/stats/') || url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, authorization: req.headers.authorization ?? '' }));
      return;
    }
    res.writeHead(404).end('404 page not found');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    note(req);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const kind = url.pathname.split('/')[1] ?? '';
    const offered = (req.headersDistinct['x-stream-protocol-version'] ?? []).flatMap(v => v.split(',').map(p => p.trim()));
    const supported = kind === 'portForward' ? ['portforward.k8s.io'] : ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
    const protocol = offered.find(p => supported.includes(p));
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1' || !protocol || !['exec', 'attach', 'portForward'].includes(kind)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\nunable to upgrade: bad');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    const conn = new SpdyConnection(socket, true);
    if (kind === 'portForward') servePortForward(conn);
    else void runStreams(conn, url, kind, resizes).catch(() => conn.destroy()).then(() => setTimeout(() => conn.close(), 100));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    resizes,
    close: () => new Promise(resolve => {
      for (const sock of sockets) sock.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// The aggregator proxy against misbehaving backends: Go's transport errors as the 503 body, the
// timeout filter's 504 for a backend that never answers, a connection dropped mid-body passed on
// as a dropped connection, redirects refused, and upgrades spliced through serveUpgrades.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { BackendDeps } from '../../src/aggregator/backend.js';
import { aggregatorProxy } from '../../src/aggregator/proxy.js';
import type { APIServiceLister } from '../../src/aggregator/registry.js';
import type { APIService } from '../../src/aggregator/types.js';
import { goTransportError } from '../../src/aggregator/transport-errors.js';
import { timeoutFilter } from '../../src/filters/timeout.js';
import { createCA, issueCert } from '../../src/server/pki.js';
import { serveUpgrades } from '../../src/server/upgrade.js';

const available = { conditions: [{ type: 'Available', status: 'True' as const, reason: 'Passed' }] };
const apiService = (group: string, service: string, port: number): APIService => ({
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `v1.${group}` },
  spec: { group, version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, insecureSkipTLSVerify: true, service: { namespace: 'ns', name: service, port } },
  status: available,
});

let backend: Server;
let front: Server;
let caPem: string;
let closedPort: number;

function frontApp(services: APIService[], deps: BackendDeps, rejectForwardingRedirects: boolean): express.Express {
  const lister: APIServiceLister = { get: n => services.find(s => s.metadata.name === n), list: () => services, revision: () => 1, onChange: () => {} };
  const app = express();
  const timeout = timeoutFilter({ requestTimeoutSeconds: 60 });
  // Upgrades are long-running upstream (exec, attach); plain requests get the deadline.
  app.use((req, res, next) => (req.headers.upgrade ? next() : timeout(req, res, next)));
  app.use((req, _res, next) => { req.user = { name: 'alice', groups: ['dev'] }; next(); });
  app.use(aggregatorProxy(lister, deps, { rejectForwardingRedirects }));
  app.use((_req, res) => { res.status(404).end('local'); });
  return app;
}

before(async () => {
  const ca = await createCA('faults-ca');
  caPem = ca.certPem;
  const serving = await issueCert({ ca, commonName: 'localhost', ipAddresses: ['127.0.0.1'], usage: 'server' });
  backend = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const path = (req.url ?? '').replace(/^\/apis\/[^/]+\/v1\//, '');
    if (path === 'redirect') { res.writeHead(302, { Location: 'https://elsewhere.example.com/' }); res.end(); }
    else if (path === 'drop-before') req.socket.end();
    else if (path === 'drop-mid') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"items":['); setTimeout(() => req.socket.destroy(), 50); }
    else if (path.startsWith('slow')) { /* never answers */ }
    else { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"ok":true}'); }
  });
  backend.on('upgrade', (req, socket) => {
    if ((req.url ?? '').endsWith('/refuse')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    else if ((req.url ?? '').endsWith('/forbid')) socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nno way');
    else { socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nX-Remote-Seen: ${String(req.headers['x-remote-user'])}\r\n\r\n`); socket.pipe(socket); }
  });
  await new Promise<void>(r => backend.listen(0, '127.0.0.1', () => r()));
  const port = (backend.address() as AddressInfo).port;
  const closed = createServer();
  await new Promise<void>(r => closed.listen(0, '127.0.0.1', () => r()));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>(r => closed.close(() => r()));
  const deps: BackendDeps = {
    getService: async (_ns, name) => ({ metadata: { name }, spec: { clusterIP: '127.0.0.1', ports: [{ port: name === 'closed' ? closedPort : port }] } }),
    getEndpoints: async () => null, endpointRouting: false,
  };
  const services = [apiService('faults.example.com', 'api', port), apiService('closed.example.com', 'closed', closedPort), apiService('lenient.example.com', 'api', port)];
  const strict = frontApp(services, deps, true);
  const lenient = frontApp(services, deps, false);
  const frontCert = await issueCert({ ca, commonName: 'front', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const app = (req: IncomingMessage, res: ServerResponse) => ((req.url ?? '').startsWith('/apis/lenient.example.com/') ? lenient(req, res) : strict(req, res));
  front = createServer({ cert: frontCert.certPem, key: frontCert.keyPem }, app);
  serveUpgrades(front, app);
  await new Promise<void>(r => front.listen(0, '127.0.0.1', () => r()));
});

after(() => { backend.closeAllConnections(); backend.close(); front.closeAllConnections(); front.close(); });

type Reply = { status: number; type: string; body: string; aborted: boolean };
const call = (path: string) => new Promise<Reply>((resolve, reject) => {
  const req = httpsRequest({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, path, ca: caPem }, res => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    const done = (aborted: boolean) => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString(), aborted });
    res.on('end', () => done(false));
    res.on('close', () => { if (!res.complete) done(true); });
  });
  req.on('error', reject);
  req.end();
});

/** Sends a raw upgrade request through the front; resolves the response head and whatever followed. */
function upgradeThrough(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, ca: caPem }, () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: front\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n${payload}`);
    });
    let got = '';
    sock.on('data', (c: Buffer) => {
      got += c.toString();
      if (payload !== '' && got.includes('\r\n\r\n') && got.endsWith(payload)) { sock.end(); resolve(got); }
    });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); resolve(got); }, 3000);
  });
}

describe('aggregator proxy against misbehaving backends', () => {
  it('answers 503 with Go\'s dial error for a backend that refuses connections', async () => {
    const r = await call('/apis/closed.example.com/v1/things');
    assert.equal(r.status, 503);
    assert.equal(r.body, `dial tcp 127.0.0.1:${closedPort}: connect: connection refused\n`);
    assert.match(r.type, /^text\/plain/);
  });

  it('answers 503 "EOF" when the backend hangs up before answering', async () => {
    const r = await call('/apis/faults.example.com/v1/drop-before');
    assert.deepEqual([r.status, r.body], [503, 'EOF\n']);
  });

  it('cuts the client off when the backend drops the connection mid-body', async () => {
    const r = await call('/apis/faults.example.com/v1/drop-mid');
    assert.equal(r.status, 200);
    assert.equal(r.aborted, true);
    assert.equal(r.body, '{"items":[');
  });

  it('leaves a backend that never answers to the timeout filter: 504 Timeout Status', async () => {
    const started = Date.now();
    const r = await call('/apis/faults.example.com/v1/slow?timeout=1s');
    assert.equal(r.status, 504);
    assert.equal(JSON.parse(r.body).message, 'Timeout: request did not complete within requested timeout - context deadline exceeded');
    assert.ok(Date.now() - started < 5000);
    // The front keeps serving.
    assert.equal((await call('/apis/faults.example.com/v1/ok')).status, 200);
  });

  it('turns a redirect into 502 unless --aggregator-reject-forwarding-redirect=false', async () => {
    const r = await call('/apis/faults.example.com/v1/redirect');
    assert.deepEqual([r.status, r.body], [502, 'the backend attempted to redirect this request, which is not permitted']);
    const passed = await call('/apis/lenient.example.com/v1/redirect');
    assert.equal(passed.status, 302);
  });

  it('splices an upgrade: the backend\'s 101 reaches the client and bytes flow both ways', async () => {
    const got = await upgradeThrough('/apis/faults.example.com/v1/namespaces/x/things/a/exec', 'hello-echo');
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(got, /X-Remote-Seen: alice\r\n/);
    assert.ok(got.endsWith('\r\n\r\nhello-echo'), got);
  });

  it('answers a non-101, non-error upgrade reply with upstream\'s 503 and echoes an error reply', async () => {
    assert.match(await upgradeThrough('/apis/faults.example.com/v1/x/refuse', ''), /^HTTP\/1\.1 503 [^]*invalid upgrade response: status code 200\n$/);
    assert.match(await upgradeThrough('/apis/faults.example.com/v1/x/forbid', ''), /^HTTP\/1\.1 403 [^]*no way$/);
  });
});

describe('Go transport error text', () => {
  it('names the certificate\'s names for a host name mismatch', () => {
    const e = Object.assign(new Error('mismatch'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID', cert: { subjectaltname: 'DNS:other.ns.svc, IP Address:127.0.0.1' } });
    assert.equal(goTransportError(e, { host: '127.0.0.1', port: 443 }, 'api.ns.svc'), 'tls: failed to verify certificate: x509: certificate is valid for other.ns.svc, 127.0.0.1, not api.ns.svc');
  });
});

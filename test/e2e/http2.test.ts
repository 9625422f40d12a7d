// HTTP/2 on the secure port against the real server: ALPN (h2 when offered, HTTP/1.1 otherwise),
// the SETTINGS upstream sends, many requests and watches multiplexed on one connection, a reset
// stream ending its watch on the server, client certificates per connection, and kubectl (which
// speaks h2 by default).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as h2connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually } from '../helpers/eventually.js';

interface H2Result { status: number; headers: IncomingHttpHeaders; body: string }

function alpn(port: number, protocols: string[] | undefined): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...(protocols ? { ALPNProtocols: protocols } : {}) }, () => {
      resolve(socket.alpnProtocol ?? false);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function session(s: TestServer, creds: { cert?: string; key?: string } = {}): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const c = h2connect(s.url, { ca: readFileSync(s.pki.caCert), servername: 'localhost', ...creds });
    c.once('remoteSettings', () => resolve(c));
    c.once('error', reject);
  });
}

function request(c: ClientHttp2Session, method: string, path: string, body?: unknown): Promise<H2Result> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ':method': method, ':path': path, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const st = c.request(headers);
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    st.on('response', h => { status = Number(h[':status']); resHeaders = h; });
    st.on('data', (d: Buffer) => chunks.push(d));
    st.on('end', () => resolve({ status, headers: resHeaders, body: Buffer.concat(chunks).toString('utf8') }));
    st.on('error', reject);
    st.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A watch on the session: its response headers, the events so far, and the stream itself. */
function watch(c: ClientHttp2Session, path: string) {
  const st = c.request({ ':method': 'GET', ':path': path, accept: 'application/json' });
  const events: { type: string; object: { metadata: { name: string } } }[] = [];
  let buffered = '';
  const headers = new Promise<IncomingHttpHeaders>(resolve => st.once('response', resolve));
  st.setEncoding('utf8');
  st.on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)));
      buffered = buffered.slice(nl + 1);
    }
  });
  st.on('error', () => {});
  return { stream: st, events, headers };
}

async function watchGauge(s: TestServer, resource: string): Promise<number> {
  const m = await s.http('GET', '/metrics');
  const line = m.body.split('\n').find(l => l.startsWith('apiserver_longrunning_requests{') && l.includes(`resource="${resource}"`) && l.includes('verb="WATCH"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('HTTP/2 serving', () => {
  let s: TestServer;
  let admin: { cert: string; key: string };
  before(async () => {
    s = await startTestServer(['--http2-max-streams-per-connection=250']);
    admin = adminCreds(s);
  });
  after(async () => { await s?.stop(); });

  it('negotiates h2 over ALPN when offered and HTTP/1.1 otherwise', async () => {
    assert.equal(await alpn(s.port, ['h2', 'http/1.1']), 'h2');
    assert.equal(await alpn(s.port, ['http/1.1']), 'http/1.1');
    assert.equal(await alpn(s.port, undefined), false);
    // Without ALPN the connection speaks HTTP/1.1, as today.
    const r = await s.http('GET', '/version');
    assert.equal(r.status, 200);
  });

  it("advertises the stream limit, upstream's 256 KiB window and frame size, and 1 MiB of headers", async () => {
    const c = await session(s, admin);
    try {
      assert.equal(c.remoteSettings.maxConcurrentStreams, 250);
      assert.equal(c.remoteSettings.initialWindowSize, 256 * 1024);
      assert.equal(c.remoteSettings.maxFrameSize, 256 * 1024);
      assert.ok((c.remoteSettings.maxHeaderListSize ?? 0) >= 1 << 20);
    } finally { c.close(); }
  });

  it('serves GET, POST and concurrent streams on one session with the client certificate identity', async () => {
    const c = await session(s, admin);
    try {
      const ns = await request(c, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'h2-basic' } });
      assert.equal(ns.status, 201, ns.body);
      const creates = await Promise.all(Array.from({ length: 20 }, (_, i) => request(c, 'POST', '/api/v1/namespaces/h2-basic/configmaps', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) },
      })));
      assert.deepEqual(creates.map(r => r.status), creates.map(() => 201));
      const gets = await Promise.all(Array.from({ length: 20 }, (_, i) => request(c, 'GET', `/api/v1/namespaces/h2-basic/configmaps/cm-${i}`)));
      assert.deepEqual(gets.map(r => JSON.parse(r.body).data.i), gets.map((_, i) => String(i)));
      const review = await request(c, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      assert.equal(review.status, 201, review.body);
      assert.ok(JSON.parse(review.body).status.userInfo.groups.includes('system:masters'));
      const bad = await request(c, 'GET', '/api/v1/namespaces/h2-basic/configmaps/absent');
      assert.equal(bad.status, 404);
      assert.equal(JSON.parse(bad.body).reason, 'NotFound');
    } finally { c.close(); }
  });

  it('keeps identities per connection: a session without a certificate beside an admin one is unauthorized', async () => {
    const [anonymous, adminSession] = await Promise.all([session(s), session(s, admin)]);
    try {
      for (let i = 0; i < 3; i++) {
        const [a, b] = await Promise.all([request(anonymous, 'GET', '/api/v1/namespaces'), request(adminSession, 'GET', '/api/v1/namespaces')]);
        // Anonymous requests are off with AlwaysAllow, as upstream.
        assert.equal(a.status, 401, a.body);
        assert.equal(b.status, 200, b.body);
      }
    } finally { anonymous.close(); adminSession.close(); }
  });

  it('multiplexes several watches and requests on one session and ends a watch whose stream is reset', async () => {
    const c = await session(s, admin);
    try {
      assert.equal((await request(c, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'h2-watch' } })).status, 201);
      const before = await watchGauge(s, 'secrets');
      const watches = Array.from({ length: 5 }, () => watch(c, '/api/v1/namespaces/h2-watch/secrets?watch=true'));
      const headers = await Promise.all(watches.map(w => w.headers));
      for (const h of headers) {
        assert.equal(h[':status'], 200);
        assert.equal(h['content-type'], 'application/json');
        assert.equal(h['transfer-encoding'], undefined);
      }
      await eventually(s, '5 watches open on the server', async () => (await watchGauge(s, 'secrets')) === before + 5);
      for (let i = 0; i < 3; i++) {
        const r = await request(c, 'POST', '/api/v1/namespaces/h2-watch/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}` } });
        assert.equal(r.status, 201, r.body);
      }
      await eventually(s, 'every watch saw 3 ADDED events', async () => watches.every(w => w.events.filter(e => e.type === 'ADDED').length === 3));
      for (const w of watches) assert.deepEqual(w.events.map(e => e.object.metadata.name), ['s-0', 's-1', 's-2']);

      watches[0]!.stream.close(constants.NGHTTP2_CANCEL);
      await eventually(s, 'the reset watch ended on the server', async () => (await watchGauge(s, 'secrets')) === before + 4);
      // The session and the other watches carry on.
      assert.equal((await request(c, 'POST', '/api/v1/namespaces/h2-watch/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's-3' } })).status, 201);
      await eventually(s, 'the other watches saw s-3', async () => watches.slice(1).every(w => w.events.some(e => e.object.metadata.name === 's-3')));
      assert.equal(watches[0]!.events.length, 3);
      // A client's close() waits for open streams; dropping the connection ends them all.
      c.destroy();
      await eventually(s, 'dropping the connection ended the other watches', async () => (await watchGauge(s, 'secrets')) === before);
    } finally { c.destroy(); }
  });

  it('kubectl speaks h2 for get, apply and watch', async () => {
    const env = { ...process.env, GODEBUG: 'http2debug=1' };
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default' }, data: { a: '1' } });
    const apply = await kubectl(s, ['apply', '-f', '-'], env, manifest);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /configmap\/applied created/);
    assert.match(apply.stderr, /http2: Transport/, 'kubectl should have used HTTP/2');
    const get = await kubectl(s, ['get', 'configmap', 'applied', '-o', 'jsonpath={.data.a}'], env);
    assert.equal(get.stdout, '1', get.stderr);
    assert.match(get.stderr, /http2: Transport/);
    const w = await kubectl(s, ['get', 'configmaps', '--watch', '--request-timeout=3s', '-o', 'name', '--field-selector=metadata.name=applied'], env);
    assert.match(w.stdout, /configmap\/applied/, w.stderr);
  });
});

function adminCreds(s: TestServer): { cert: string; key: string } {
  const cfg = readFileSync(s.kubeconfig, 'utf8');
  const pick = (key: string) => Buffer.from(new RegExp(`${key}: (\\S+)`).exec(cfg)![1]!, 'base64').toString('utf8');
  return { cert: pick('client-certificate-data'), key: pick('client-key-data') };
}

function kubectl(s: TestServer, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = execFile('kubectl', [`--kubeconfig=${s.kubeconfig}`, ...args], { env, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

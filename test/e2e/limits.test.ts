// Request limits answer with Status bodies: 413 (body over 3 MiB), 429 (max in flight, so with
// API Priority and Fairness off), 504 (timeout).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueCert } from '../../src/server/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

let s: TestServer;
before(async () => { s = await startTestServer(['--max-requests-inflight=1', '--max-mutating-requests-inflight=1', '--enable-priority-and-fairness=false']); });
after(async () => { await s?.stop(); });

function statusOf(body: string): { kind: string; reason: string; code: number } {
  return JSON.parse(body) as { kind: string; reason: string; code: number };
}

describe('limits', () => {
  it('413 for a body over 3 MiB', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } });
    const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: big, headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 413);
    const st = statusOf(r.body);
    assert.equal(st.kind, 'Status');
    assert.equal(st.reason, 'RequestEntityTooLarge');
  });

  it('504 Timeout when a request outlives ?timeout', async () => {
    const r = await s.http('GET', '/api/v1/configmaps?timeout=1ms');
    assert.equal(r.status, 504, r.body);
    const st = statusOf(r.body);
    assert.equal(st.kind, 'Status');
    assert.equal(st.reason, 'Timeout');
  });

  it('429 with Retry-After past --max-requests-inflight for non-privileged users', async () => {
    // A user outside system:masters (which upstream never throttles here).
    const caKey = readFileSync(s.pki.caKey, 'utf8');
    const caCert = readFileSync(s.pki.caCert, 'utf8');
    const bob = await issueCert({ ca: { certPem: caCert, keyPem: caKey }, commonName: 'bob', usage: 'client' });
    const get = () => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((res, rej) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/v1/configmaps', method: 'GET', ca: caCert, servername: 'localhost', cert: bob.certPem, key: bob.keyPem, agent: false }, r => {
        let body = '';
        r.on('data', (c: Buffer) => { body += c.toString(); });
        r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
      });
      req.on('error', rej);
      req.end();
    });
    const results = await Promise.all(Array.from({ length: 30 }, get));
    const limited = results.filter(r => r.status === 429);
    assert.ok(limited.length > 0, `statuses: ${results.map(r => r.status).join(',')}`);
    assert.equal(limited[0]!.headers['retry-after'], '1');
    const st = statusOf(limited[0]!.body);
    assert.equal(st.kind, 'Status');
    assert.equal(st.reason, 'TooManyRequests');
    assert.ok(results.some(r => r.status === 200));
  });
});

// Issue 18 against the real server on etcd: every worst request gets its 4xx (never a 5xx), a
// malformed DELETE deletes nothing, an oversize write leaves watches up, and /readyz keeps answering.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bigPodTemplate, worstRequests } from '../helpers/worst-requests.js';

let s: TestServer;
const ns = 'default';
const name = 'target';
const item = `/api/v1/namespaces/${ns}/configmaps/${name}`;

before(async () => {
  s = await startTestServer();
  const r = await s.http('POST', `/api/v1/namespaces/${ns}/configmaps`, {
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(r.status, 201, r.body);
});
after(async () => { await s?.stop(); });

describe('hardening: worst requests', () => {
  for (const w of worstRequests(ns, name)) {
    it(`${w.name} -> ${w.status}`, async () => {
      const r = await s.http(w.method, w.path, { ...(w.body !== undefined ? { body: w.body } : {}), ...(w.headers ? { headers: w.headers } : {}) });
      assert.equal(r.status, w.status, r.body.slice(0, 500));
      const warnings = r.headers['warning'];
      const size = Array.isArray(warnings) ? warnings.join('').length : (warnings ?? '').length;
      assert.ok(size < 16 * 1024, `warning headers of ${size} bytes`);
    });
  }

  it('a malformed DELETE body deletes nothing', async () => {
    for (const body of ['{"dryRun":"All"}', '{"preconditions":"x"}', '{"gracePeriodSeconds":"x"}', '[]']) {
      const r = await s.http('DELETE', item, { body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 400, r.body);
    }
    assert.equal((await s.http('GET', item)).status, 200);
  });

  it('ConfigMap data keys named like Object.prototype members are accepted', async () => {
    const data = Object.fromEntries(['constructor', 'toString', 'hasOwnProperty', 'valueOf'].map(k => [k, 'x']));
    const r = await s.http('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proto-keys' }, data }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 201, r.body);
    const patched = await s.http('PATCH', `/api/v1/namespaces/${ns}/configmaps/proto-keys`, {
      body: '{"metadata":{"labels":{"__proto__":"x"}}}', headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(patched.status, 422, 'the key is kept, and refused as a label name');
  });

  it('an oversize write is 413 and the watch stream stays open', async () => {
    let events = 0;
    let ended = false;
    const watch = request({
      host: '127.0.0.1', port: s.port, method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps?watch=1&fieldSelector=metadata.name=watched`,
      ...tlsOf(s), servername: 'localhost',
    }, r => { r.on('data', () => { events++; }); r.on('end', () => { ended = true; }); });
    watch.end();
    await new Promise(r => setTimeout(r, 300));
    for (const size of [1_700_000, 2_200_000]) {
      const r = await s.http('POST', `/api/v1/namespaces/${ns}/podtemplates`, {
        body: JSON.stringify(bigPodTemplate(`huge-${size}`, size)),
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(r.status, 413, r.body.slice(0, 300));
    }
    const created = await s.http('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' } }), headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(created.status, 201);
    for (let i = 0; i < 50 && events === 0; i++) await new Promise(r => setTimeout(r, 100));
    watch.destroy();
    assert.ok(events > 0, 'the watch saw the create after the oversize writes');
    assert.equal(ended, false);
  });
});

/** The admin credentials of the test kubeconfig, for a raw streaming request. */
function tlsOf(server: TestServer): { ca: string; cert: string; key: string } {
  const text = readFileSync(server.kubeconfig, 'utf8');
  const pick = (field: string) => Buffer.from(new RegExp(`${field}: (\\S+)`).exec(text)?.[1] ?? '', 'base64').toString('utf8');
  return { ca: pick('certificate-authority-data'), cert: pick('client-certificate-data'), key: pick('client-key-data') };
}

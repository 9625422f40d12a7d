// Status bodies for client mistakes, checked with plain HTTPS requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => {
  // A short compaction interval so the 410 cases happen within the test.
  s = await startTestServer(['--etcd-compaction-interval=1s']);
});
after(async () => {
  await s?.stop();
});

interface StatusBody {
  kind: string; apiVersion: string; status: string; message: string; reason: string; code: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; reason?: string; message?: string }[] };
  metadata: { continue?: string };
}

function assertStatus(r: { status: number; body: string }, code: number, reason: string): StatusBody {
  assert.equal(r.status, code, r.body);
  const st = JSON.parse(r.body) as StatusBody;
  assert.equal(st.kind, 'Status');
  assert.equal(st.apiVersion, 'v1');
  assert.equal(st.status, 'Failure');
  assert.equal(st.code, code);
  assert.equal(st.reason, reason);
  return st;
}

const json = { 'Content-Type': 'application/json' };

describe('Status responses', () => {
  it('404 for a missing object, with details naming it', async () => {
    const st = assertStatus(await s.http('GET', '/api/v1/namespaces/default/configmaps/nope'), 404, 'NotFound');
    assert.equal(st.message, 'configmaps "nope" not found');
    assert.deepEqual(st.details, { name: 'nope', kind: 'configmaps' });
  });

  it('404 for an unknown resource and group', async () => {
    assertStatus(await s.http('GET', '/api/v1/widgets'), 404, 'NotFound');
    assertStatus(await s.http('GET', '/apis/example.com/v1/widgets'), 404, 'NotFound');
  });

  it('400 for a malformed body and a bad label selector', async () => {
    assertStatus(await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: '{not json', headers: json }), 400, 'BadRequest');
    assertStatus(await s.http('GET', '/api/v1/configmaps?labelSelector=a%20in%20(', {}), 400, 'BadRequest');
    assertStatus(await s.http('GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx', {}), 400, 'BadRequest');
  });

  it('409 AlreadyExists and 409 Conflict on a stale resourceVersion', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c409' }, data: { a: '1' } });
    const created = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body, headers: json });
    assert.equal(created.status, 201, created.body);
    const st = assertStatus(await s.http('POST', '/api/v1/namespaces/default/configmaps', { body, headers: json }), 409, 'AlreadyExists');
    assert.equal(st.message, 'configmaps "c409" already exists');
    const cm = created.json<{ metadata: { resourceVersion: string } }>();
    const upd = (rv: string, v: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c409', resourceVersion: rv }, data: { a: v } });
    const first = await s.http('PUT', '/api/v1/namespaces/default/configmaps/c409', { body: upd(cm.metadata.resourceVersion, '2'), headers: json });
    assert.equal(first.status, 200, first.body);
    const stale = assertStatus(await s.http('PUT', '/api/v1/namespaces/default/configmaps/c409', { body: upd(cm.metadata.resourceVersion, '3'), headers: json }), 409, 'Conflict');
    assert.match(stale.message, /the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('422 Invalid listing each bad field', async () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', labels: { 'bad key!': 'x' } }, data: { 'no/slash': 'x' } };
    const st = assertStatus(await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify(bad), headers: json }), 422, 'Invalid');
    const fields = (st.details?.causes ?? []).map(c => c.field).sort();
    assert.ok(fields.includes('metadata.name'), JSON.stringify(st));
    assert.ok(fields.includes('metadata.labels'), JSON.stringify(st));
    assert.ok(fields.some(f => f?.startsWith('data')), JSON.stringify(st));
    assert.equal(st.details?.kind, 'ConfigMap');
    assert.equal(st.details?.name, 'Bad_Name');
  });

  it('410 Expired for a compacted continue token and watch', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page${i}` } }), headers: json });
      assert.equal(r.status, 201, r.body);
    }
    const first = await s.http('GET', '/api/v1/namespaces/default/configmaps?limit=1');
    const page = first.json<{ metadata: { continue: string; resourceVersion: string } }>();
    assert.ok(page.metadata.continue);
    // Writes move the revision on; compaction (every 1s, to the revision seen an interval ago) passes the token's.
    const deadline = Date.now() + 20_000;
    let expired: { status: number; body: string } | undefined;
    while (Date.now() < deadline) {
      await s.http('PUT', '/api/v1/namespaces/default/configmaps/page0', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'page0' }, data: { t: String(Date.now()) } }), headers: json });
      const r = await s.http('GET', `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(page.metadata.continue)}`);
      if (r.status === 410) { expired = r; break; }
      await new Promise(r2 => setTimeout(r2, 500));
    }
    assert.ok(expired, 'continue token never expired');
    const st = assertStatus(expired, 410, 'Expired');
    assert.ok(st.metadata.continue, 'an inconsistent continue token is offered');

    const w = await s.http('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${page.metadata.resourceVersion}&timeoutSeconds=2`);
    assert.equal(w.status, 200);
    const ev = JSON.parse(w.body.trim().split('\n')[0]!) as { type: string; object: StatusBody };
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
  });

  it('415 for an unknown content type and 405 for a verb the resource lacks', async () => {
    assertStatus(await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: 'x', headers: { 'Content-Type': 'text/plain' } }), 415, 'UnsupportedMediaType');
    assertStatus(await s.http('GET', '/apis/authentication.k8s.io/v1/tokenreviews'), 405, 'MethodNotAllowed');
  });
});

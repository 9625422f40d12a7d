// Health endpoints and /metrics on the real server, including etcd going away and coming back.
// needs etcd: kills and restarts etcd under the server
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => { s = await startTestServer([], { storage: 'etcd3' }); });
after(async () => { await s?.stop(); });

async function eventually(fn: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('health checks', () => {
  it('answers ok on /livez, /readyz and /healthz', async () => {
    for (const p of ['/livez', '/readyz', '/healthz']) {
      const r = await s.http('GET', p);
      assert.equal(r.status, 200, `${p}: ${r.body}`);
      assert.equal(r.body, 'ok');
    }
  });

  it('lists checks with ?verbose, honours ?exclude and serves per-check paths', async () => {
    const v = await s.http('GET', '/readyz?verbose');
    assert.equal(v.status, 200);
    assert.match(v.body, /^\[\+\]ping ok$/m);
    assert.match(v.body, /^\[\+\]etcd ok$/m);
    assert.match(v.body, /^\[\+\]etcd-readiness ok$/m);
    assert.match(v.body, /^\[\+\]shutdown ok$/m);
    assert.match(v.body, /readyz check passed\s*$/);
    const ex = await s.http('GET', '/livez?verbose&exclude=etcd');
    assert.match(ex.body, /^\[\+\]etcd excluded: ok$/m);
    assert.equal((await s.http('GET', '/livez/ping')).body, 'ok');
    assert.equal((await s.http('GET', '/livez/nope')).status, 404);
  });

  it('fails /readyz while etcd is unreachable and recovers after', async () => {
    s.etcd.kill();
    try {
      await eventually(async () => (await s.http('GET', '/readyz')).status === 500, 'readyz to fail');
      const v = await s.http('GET', '/readyz?verbose');
      assert.match(v.body, /^\[-\]etcd-readiness failed: reason withheld$/m);
      // A request that needs etcd gets a Status, never a hang.
      const r = await s.http('GET', '/api/v1/namespaces/default/configmaps');
      assert.ok(r.status >= 500, String(r.status));
      assert.equal(JSON.parse(r.body).kind, 'Status');
    } finally {
      await s.etcd.restart();
    }
    await eventually(async () => (await s.http('GET', '/readyz')).status === 200, 'readyz to pass again');
  });
});

/** True when some sample of `name` carries every given label value. */
function hasSample(text: string, name: string, labels: Record<string, string>): boolean {
  return text.split('\n').some(line => line.startsWith(`${name}{`) &&
    Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
}

describe('/metrics', () => {
  it('exposes upstream metric names and labels', async () => {
    await s.http('GET', '/api/v1/namespaces/default/configmaps');
    await s.http('GET', '/api/v1/namespaces/default/configmaps/nope');
    const m = (await s.http('GET', '/metrics')).body;
    assert.ok(hasSample(m, 'apiserver_request_total', { verb: 'LIST', resource: 'configmaps', scope: 'namespace', version: 'v1', component: 'apiserver', code: '200' }));
    assert.ok(hasSample(m, 'apiserver_request_total', { verb: 'GET', resource: 'configmaps', scope: 'resource', code: '404' }));
    assert.ok(hasSample(m, 'apiserver_request_duration_seconds_bucket', { verb: 'LIST', resource: 'configmaps', le: '0.05' }));
    assert.match(m, /^etcd_request_duration_seconds_bucket\{/m);
    assert.match(m, /^process_resident_memory_bytes \d+/m);
  });
});

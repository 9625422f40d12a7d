// Audit at RequestResponse logs requestObject and responseObject as JSON for every wire format
// (apiserver/pkg/audit LogRequestObject / LogResponseObject encode the decoded object), not
// only for JSON bodies: protobuf (kubectl's typed clients) and YAML too.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeProtobufObject, protobufMediaType } from '../../src/api/protobuf/index.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

const policy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: RequestResponse
    resources: [{group: "", resources: ["configmaps"]}]
  - level: None
`;

interface Ev { auditID: string; stage: string; verb: string; objectRef?: { name?: string }; requestObject?: { kind?: string; metadata?: { name?: string; uid?: string }; data?: Record<string, string> }; responseObject?: { kind?: string; metadata?: { name?: string; uid?: string }; items?: unknown[] } }

let s: TestServer;
let dir: string;

async function completeEvent(r: HttpResult): Promise<Ev> {
  const id = String(r.headers['audit-id'] ?? '');
  const deadline = Date.now() + 5000;
  for (;;) {
    for (const f of readdirSync(dir).filter(n => n.startsWith('audit'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1)) {
        const e = JSON.parse(line) as Ev;
        if (e.auditID === id && e.stage === 'ResponseComplete') return e;
      }
    }
    if (Date.now() > deadline) assert.fail(`no ResponseComplete event for ${id}`);
    await new Promise(res => setTimeout(res, 50));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kas-audit-wire-'));
  writeFileSync(join(dir, 'policy.yaml'), policy);
  s = await startTestServer([`--audit-policy-file=${join(dir, 'policy.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`]);
});
after(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('audit objects for every wire format', () => {
  it('protobuf request and response bodies are logged as JSON', async () => {
    const body = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb' }, data: { a: 'b' } });
    const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body, headers: { 'Content-Type': protobufMediaType, Accept: protobufMediaType } });
    assert.equal(r.status, 201, r.body);
    const e = await completeEvent(r);
    assert.equal(e.requestObject?.metadata?.name, 'pb');
    assert.deepEqual(e.requestObject?.data, { a: 'b' });
    assert.equal(e.responseObject?.kind, 'ConfigMap');
    assert.match(e.responseObject?.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    const list = await s.http('GET', '/api/v1/namespaces/default/configmaps', { headers: { Accept: protobufMediaType } });
    assert.equal(list.status, 200);
    const le = await completeEvent(list);
    assert.equal(le.responseObject?.kind, 'ConfigMapList');
    assert.ok(Array.isArray(le.responseObject?.items));
  });

  it('YAML request and response bodies are logged as JSON', async () => {
    const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', {
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yml}\ndata: {k: v}\n', headers: { 'Content-Type': 'application/yaml', Accept: 'application/yaml' },
    });
    assert.equal(r.status, 201, r.body);
    const e = await completeEvent(r);
    assert.deepEqual(e.requestObject?.data, { k: 'v' });
    assert.equal(e.responseObject?.metadata?.name, 'yml');
  });

  it('kubectl create is logged with both objects', async () => {
    await s.kubectlOk(['create', 'configmap', 'kc', '-n', 'default', '--from-literal=x=y']);
    const deadline = Date.now() + 5000;
    let found: Ev | undefined;
    while (!found && Date.now() < deadline) {
      for (const f of readdirSync(dir).filter(n => n.startsWith('audit'))) {
        for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1)) {
          const ev = JSON.parse(line) as Ev;
          if (ev.verb === 'create' && ev.objectRef?.name === 'kc' && ev.stage === 'ResponseComplete') found = ev;
        }
      }
      if (!found) await new Promise(res => setTimeout(res, 50));
    }
    assert.ok(found, 'kubectl create was audited');
    assert.deepEqual(found.requestObject?.data, { x: 'y' });
    assert.equal(found.responseObject?.metadata?.name, 'kc');
  });
});

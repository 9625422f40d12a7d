// Auditing end to end: a policy file and a log file in a temp dir; every request the policy
// matches leaves one valid audit.k8s.io/v1 event per stage it does not omit, and nothing else.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCA, issueCert } from '../../src/server/pki.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

const policy = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/readyz*", "/livez*", "/healthz*"]
  - level: None
    resources: [{group: "", resources: ["events"]}]
  - level: Metadata
    omitStages: [RequestReceived]
    resources: [{group: "", resources: ["secrets"]}]
  - level: Request
    resources: [{group: "", resources: ["configmaps"]}]
  - level: RequestResponse
    resources: [{group: "", resources: ["namespaces", "pods"]}]
  - level: Metadata
`;

interface AuditEventJson {
  kind: string; apiVersion: string; level: string; auditID: string; stage: string; requestURI: string; verb: string;
  user: { username?: string; groups?: string[] }; sourceIPs?: string[]; userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiVersion?: string; apiGroup?: string };
  responseStatus?: { metadata: object; code: number; status?: string; reason?: string; message?: string };
  requestObject?: Record<string, unknown>; responseObject?: Record<string, unknown>;
  requestReceivedTimestamp: string; stageTimestamp: string; annotations?: Record<string, string>;
}

let s: TestServer;
let dir: string;
const microTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function readEvents(): AuditEventJson[] {
  const out: AuditEventJson[] = [];
  for (const f of readdirSync(dir).filter(n => n.startsWith('audit')).sort()) {
    // The server may be mid-way through a line: only complete lines count.
    const lines = readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1);
    for (const line of lines) out.push(JSON.parse(line) as AuditEventJson);
  }
  return out;
}

/** Events of one request, once its last expected stage is in the log (it is written after the response). */
async function eventsOf(r: HttpResult, lastStage = 'ResponseComplete'): Promise<AuditEventJson[]> {
  const id = String(r.headers['audit-id'] ?? '');
  assert.ok(id, 'the response carries Audit-Id');
  const deadline = Date.now() + 5000;
  for (;;) {
    const evs = readEvents().filter(e => e.auditID === id);
    if (evs.some(e => e.stage === lastStage) || Date.now() > deadline) return evs;
    await new Promise(res => setTimeout(res, 50));
  }
}

const json = { 'Content-Type': 'application/json' };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kas-audit-'));
  writeFileSync(join(dir, 'policy.yaml'), policy);
  s = await startTestServer([`--audit-policy-file=${join(dir, 'policy.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`, '--audit-log-maxsize=1', '--authorization-mode=Node,RBAC']);
});
after(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('Request level: RequestReceived and ResponseComplete, requestObject but no responseObject', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { a: 'b' } };
    const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify(body), headers: { ...json, 'User-Agent': 'audit-e2e' } });
    assert.equal(r.status, 201, r.body);
    const evs = await eventsOf(r);
    assert.deepEqual(evs.map(e => e.stage), ['RequestReceived', 'ResponseComplete']);
    const [received, complete] = evs as [AuditEventJson, AuditEventJson];
    for (const e of evs) {
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.equal(e.level, 'Request');
      assert.equal(e.verb, 'create');
      assert.equal(e.requestURI, '/api/v1/namespaces/default/configmaps');
      assert.equal(e.user.username, 'kubernetes-admin');
      assert.ok(e.user.groups?.includes('system:authenticated'));
      assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
      assert.equal(e.userAgent, 'audit-e2e');
      assert.match(e.requestReceivedTimestamp, microTime);
      assert.match(e.stageTimestamp, microTime);
      assert.equal(e.responseObject, undefined);
    }
    assert.equal(received.stageTimestamp, received.requestReceivedTimestamp);
    assert.equal(received.responseStatus, undefined);
    assert.equal(received.requestObject, undefined, 'the body is not read yet at RequestReceived');
    assert.deepEqual(complete.requestObject, body);
    assert.deepEqual(complete.objectRef, { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' });
    assert.deepEqual(complete.responseStatus, { metadata: {}, code: 201 });
    assert.ok(complete.stageTimestamp >= complete.requestReceivedTimestamp);
  });

  it('RequestResponse level adds the responseObject', async () => {
    const r = await s.http('POST', '/api/v1/namespaces', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'audit-ns' } }), headers: json });
    assert.equal(r.status, 201, r.body);
    const complete = (await eventsOf(r)).find(e => e.stage === 'ResponseComplete')!;
    assert.equal(complete.level, 'RequestResponse');
    assert.equal((complete.requestObject?.['metadata'] as { name: string }).name, 'audit-ns');
    const created = r.json<{ metadata: { uid: string } }>();
    assert.equal((complete.responseObject?.['metadata'] as { uid: string }).uid, created.metadata.uid);
    assert.equal(complete.responseObject?.['kind'], 'Namespace');
  });

  it('the authorization decision and reason are annotated after RequestReceived', async () => {
    const DECISION = 'authorization.k8s.io/decision';
    const REASON = 'authorization.k8s.io/reason';
    const admin = await s.http('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(admin.status, 200);
    const [received, complete] = await eventsOf(admin);
    assert.equal(received?.annotations, undefined, 'authorization runs after RequestReceived');
    // system:masters is allowed before any authorizer is asked, with no reason.
    assert.deepEqual(complete?.annotations, { [DECISION]: 'allow', [REASON]: '' });

    const publicInfo = await s.http('GET', '/version', { anonymous: true });
    assert.equal(publicInfo.status, 200);
    const allowed = (await eventsOf(publicInfo)).find(e => e.stage === 'ResponseComplete')!;
    assert.deepEqual(allowed.annotations, {
      [DECISION]: 'allow',
      [REASON]: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
    });

    const denied = await s.http('GET', '/api/v1/namespaces/default/configmaps', { anonymous: true });
    assert.equal(denied.status, 403);
    const forbidden = (await eventsOf(denied)).find(e => e.stage === 'ResponseComplete')!;
    assert.deepEqual(forbidden.annotations, { [DECISION]: 'forbid', [REASON]: '' });
    assert.equal(forbidden.responseStatus?.code, 403);
  });

  it('errors carry the Status fields in responseStatus', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/configmaps/missing');
    assert.equal(r.status, 404);
    const complete = (await eventsOf(r)).find(e => e.stage === 'ResponseComplete')!;
    assert.equal(complete.verb, 'get');
    assert.deepEqual(complete.responseStatus, { metadata: {}, status: 'Failure', message: 'configmaps "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'configmaps' }, code: 404 });
  });

  it('omitStages leaves stages out; Metadata level has no bodies', async () => {
    const r = await s.http('POST', '/api/v1/namespaces/default/secrets', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hush' }, stringData: { k: 'v' } }), headers: json });
    assert.equal(r.status, 201, r.body);
    const evs = await eventsOf(r);
    assert.deepEqual(evs.map(e => e.stage), ['ResponseComplete']);
    assert.equal(evs[0]!.level, 'Metadata');
    assert.equal(evs[0]!.requestObject, undefined);
    assert.equal(evs[0]!.responseObject, undefined);
    assert.equal(evs[0]!.objectRef?.name, 'hush', 'objectRef.name comes from the created object');
  });

  it('requests the policy excludes leave no events', async () => {
    const ev = await s.http('POST', '/api/v1/namespaces/default/events', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'R', message: 'm' }), headers: json,
    });
    const ready = await s.http('GET', '/readyz');
    const marker = await s.http('GET', '/version');
    await eventsOf(marker); // the later request is logged, so the earlier ones would be too
    assert.ok(ev.headers['audit-id'] && ready.headers['audit-id']);
    const ids = new Set(readEvents().map(e => e.auditID));
    assert.ok(!ids.has(String(ev.headers['audit-id'])), 'events are at level None');
    assert.ok(!ids.has(String(ready.headers['audit-id'])), '/readyz is at level None');
    const version = (await eventsOf(marker)).find(e => e.stage === 'ResponseComplete')!;
    assert.equal(version.verb, 'get');
    assert.equal(version.objectRef, undefined);
    assert.equal(version.level, 'Metadata');
  });

  it('a watch gets ResponseStarted when its response starts, then ResponseComplete', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1');
    assert.equal(r.status, 200);
    const evs = await eventsOf(r);
    assert.deepEqual(evs.map(e => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    assert.ok(evs.every(e => e.verb === 'watch' && e.level === 'RequestResponse'));
    assert.deepEqual(evs[1]!.responseStatus, { metadata: {}, code: 200 });
    assert.equal(evs[2]!.responseObject, undefined, 'watch streams are not logged as responseObject');
  });

  it('failed authentication is audited without a user', async () => {
    // A client certificate from a CA the server does not trust.
    const foreignCA = await createCA('foreign-ca', { keyAlgorithm: 'ecdsa' });
    const client = await issueCert({ ca: foreignCA, commonName: 'mallory', usage: 'client', keyAlgorithm: 'ecdsa' });
    const [cert, key] = [client.certPem, client.keyPem];
    const r = await new Promise<HttpResult>((res, rej) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/v1/namespaces', method: 'GET', rejectUnauthorized: false, cert, key }, resp => {
        const chunks: Buffer[] = [];
        resp.on('data', (c: Buffer) => chunks.push(c));
        resp.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          res({ status: resp.statusCode ?? 0, headers: resp.headers, body, json: <T>() => JSON.parse(body) as T });
        });
      });
      req.on('error', rej);
      req.end();
    });
    assert.equal(r.status, 401, r.body);
    const evs = await eventsOf(r, 'ResponseStarted');
    assert.deepEqual(evs.map(e => e.stage), ['ResponseStarted']);
    assert.deepEqual(evs[0]!.user, {});
    assert.equal(evs[0]!.level, 'RequestResponse');
    assert.equal(evs[0]!.responseStatus?.code, 401);
    assert.equal(evs[0]!.objectRef?.resource, 'namespaces');
  });

  it('the log rotates by size (--audit-log-maxsize=1) and every line stays a valid event', async () => {
    const big = 'x'.repeat(450 * 1024);
    for (let i = 0; i < 3; i++) {
      const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}` }, data: { v: big } }), headers: json });
      assert.equal(r.status, 201, r.body);
      await eventsOf(r);
    }
    const files = readdirSync(dir).filter(n => n.startsWith('audit'));
    const rotated = files.filter(n => /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/.test(n));
    assert.ok(rotated.length >= 1, files.join(' '));
    for (const f of files) {
      if (f === 'audit.log' || rotated.includes(f)) continue;
      assert.fail(`unexpected file ${f}`);
    }
    const evs = readEvents();
    assert.ok(evs.every(e => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1'));
    const bigDone = evs.filter(e => e.stage === 'ResponseComplete' && e.objectRef?.name?.startsWith('big-'));
    assert.equal(bigDone.length, 3);
  });

  it('a policy file that does not validate stops start-up', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Loud\n');
    const bin = resolve(new URL('../../..', import.meta.url).pathname, 'bin/kube-apiserver');
    const child = spawn(bin, [`--audit-policy-file=${join(dir, 'bad.yaml')}`, `--audit-log-path=${join(dir, 'other.log')}`, '--etcd-servers=https://localhost:1', '--secure-port=1', '--service-cluster-ip-range=10.96.0.0/12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const code = await new Promise<number | null>(res => child.once('exit', res));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /loading audit policy file: .*rules\[0\]\.level: Unsupported value: "Loud"/);
  });

  it('counts events in apiserver_audit_event_total', async () => {
    const r = await s.http('GET', '/metrics');
    const m = /^apiserver_audit_event_total (\d+)/m.exec(r.body);
    assert.ok(m && Number(m[1]) > 5, r.body.slice(0, 200));
    assert.match(r.body, /^apiserver_audit_level_total\{level="None"\} \d+/m);
  });
});

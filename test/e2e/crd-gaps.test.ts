// Custom resources through the rest of the server, end to end with kubectl 1.32: kubectl
// describe and edit, a mutating admission webhook, audit events, a protobuf body refused with
// 415, RBAC on the custom resource, CRD default validation and validation ratcheting.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createCA, issueCert, type CertKeyPair } from '../../src/server/pki.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

const GROUP = 'gaps.example.com';
const BASE = `/apis/${GROUP}/v1/namespaces/default/gizmos`;
const json = { 'Content-Type': 'application/json' };

const policy = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/readyz*", "/livez*", "/healthz*"]
  - level: RequestResponse
    resources: [{group: "${GROUP}", resources: ["gizmos"]}]
  - level: None
`;

let s: TestServer;
let hook: Server;
let auditDir: string;
let ca: CertKeyPair;
const reviews: { kind?: string; name?: string }[] = [];

function crd(plural: string, kind: string, name: JSONSchema = { type: 'string' }): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP, scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string', default: 'red' }, name } } },
          },
        },
      }],
    },
  };
}
type JSONSchema = Record<string, unknown>;

const gizmo = (name: string, spec: Record<string, unknown>, kind = 'Gizmo') =>
  stringify({ apiVersion: `${GROUP}/v1`, kind, metadata: { name, namespace: 'default' }, spec });

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  assert.fail(`${what} never happened\n${s.logs().slice(-2000)}`);
}

before(async () => {
  const hookCA = await createCA('webhook-ca');
  const cert = await issueCert({ ca: hookCA, commonName: 'hook', ipAddresses: ['127.0.0.1'], usage: 'server' });
  hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c as Buffer));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string; kind: { kind: string }; name?: string; object: { metadata: { name: string } } } };
      reviews.push({ kind: review.request.kind.kind, name: review.request.object.metadata.name });
      const patch = [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }, { op: 'add', path: '/spec/size', value: 7 }];
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({
        apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
        response: { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') },
      }));
    });
  });
  await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
  auditDir = mkdtempSync(join(tmpdir(), 'kas-crd-gaps-'));
  writeFileSync(join(auditDir, 'policy.yaml'), policy);
  s = await startTestServer([`--audit-policy-file=${join(auditDir, 'policy.yaml')}`, `--audit-log-path=${join(auditDir, 'audit.log')}`, '--authorization-mode=Node,RBAC']);
  ca = { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') };
  await s.kubectlOk(['apply', '-f', '-'], stringify(crd('gizmos', 'Gizmo')));
  await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', `crd/gizmos.${GROUP}`]);
  await s.kubectlOk(['apply', '-f', '-'], stringify({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'gizmo-mutator' },
    webhooks: [{
      name: 'gizmo-mutator.example.com', sideEffects: 'None', admissionReviewVersions: ['v1'],
      clientConfig: { url: `https://127.0.0.1:${(hook.address() as AddressInfo).port}/mutate`, caBundle: Buffer.from(hookCA.certPem).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [GROUP], apiVersions: ['v1'], resources: ['gizmos'] }],
      objectSelector: { matchLabels: { webhook: 'enabled' } },
    }],
  }));
});
after(async () => {
  await s?.stop();
  hook?.close();
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

describe('custom resources across the server', () => {
  it('kubectl describe and kubectl edit (EDITOR script) work on a custom resource', async () => {
    await s.kubectlOk(['apply', '-f', '-'], gizmo('g1', { size: 3 }));
    const described = await s.kubectlOk(['describe', 'gizmo', 'g1', '-n', 'default']);
    assert.match(described, /^Name:\s+g1$/m);
    assert.match(described, /^API Version:\s+gaps\.example\.com\/v1$/m);
    assert.match(described, /^Kind:\s+Gizmo$/m);
    assert.match(described, /^Spec:\n\s+Color:\s+red\n\s+Size:\s+3$/m);
    process.env['KUBE_EDITOR'] = "sed -i -e 's/size: 3/size: 4/'";
    try {
      const edited = await s.kubectlOk(['edit', 'gizmo', 'g1', '-n', 'default']);
      assert.match(edited, /gizmo\.gaps\.example\.com\/g1 edited/);
    } finally {
      delete process.env['KUBE_EDITOR'];
    }
    assert.equal(await s.kubectlOk(['get', 'gizmo', 'g1', '-n', 'default', '-o', 'jsonpath={.spec.size}']), '4');
  });

  it('a mutating webhook patches custom resources it selects', async () => {
    let n = 0;
    await eventually('the mutation', async () => {
      const name = `hooked-${n++}`;
      await s.kubectlOk(['create', '-f', '-'], stringify({ apiVersion: `${GROUP}/v1`, kind: 'Gizmo', metadata: { name, namespace: 'default', labels: { webhook: 'enabled' } }, spec: { size: 1 } }));
      const got = JSON.parse(await s.kubectlOk(['get', 'gizmo', name, '-n', 'default', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { size: number; color: string } };
      if (got.metadata.labels['mutated'] !== 'yes') return false;
      assert.equal(got.spec.size, 7);
      assert.equal(got.spec.color, 'red', 'defaults still apply');
      return true;
    });
    assert.equal(reviews.at(-1)?.kind, 'Gizmo');
  });

  it('audit events name the custom resource and carry its bodies', async () => {
    const body = { apiVersion: `${GROUP}/v1`, kind: 'Gizmo', metadata: { name: 'audited' }, spec: { size: 2 } };
    const r = await s.http('POST', BASE, { body: JSON.stringify(body), headers: json });
    assert.equal(r.status, 201, r.body);
    const complete = await auditEvent(r);
    assert.deepEqual(complete.objectRef, { resource: 'gizmos', namespace: 'default', name: 'audited', apiGroup: GROUP, apiVersion: 'v1' });
    assert.equal(complete.level, 'RequestResponse');
    assert.equal(complete.verb, 'create');
    assert.deepEqual((complete.requestObject as { spec: unknown }).spec, { size: 2 });
    assert.deepEqual((complete.responseObject as { spec: unknown }).spec, { size: 2, color: 'red' });
    assert.equal(complete.responseStatus?.code, 201);
  });

  it('a protobuf body is refused with 415; kubectl sends custom resources as JSON', async () => {
    const r = await s.http('POST', BASE, { body: Buffer.from([0x6b, 0x38, 0x73, 0x00]), headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
    assert.equal(r.status, 415, r.body);
    const st = r.json<{ reason: string; message: string }>();
    assert.equal(st.reason, 'UnsupportedMediaType');
    assert.match(st.message, /the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml/);
    const { code, stderr } = await s.kubectl(['create', '-f', '-', '-v=7'], { input: gizmo('from-kubectl', { size: 1 }) });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /POST https:\/\/[^ ]+\/apis\/gaps\.example\.com\/v1\/namespaces\/default\/gizmos/);
    assert.match(stderr, /Content-Type: application\/json/);
  });

  it('RBAC: a Role on the custom resource allows its user; others are refused with upstream\'s message', async () => {
    const bob = await issueCert({ ca, commonName: 'bob', usage: 'client' });
    const alice = await issueCert({ ca, commonName: 'alice', usage: 'client' });
    await s.kubectlOk(['apply', '-f', '-'], [
      stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gizmo-reader', namespace: 'default' }, rules: [{ apiGroups: [GROUP], resources: ['gizmos'], verbs: ['get', 'list'] }] }),
      stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'gizmo-reader', namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gizmo-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }] }),
    ].join('---\n'));
    const as = (u: CertKeyPair, method: string, path: string, body?: unknown) =>
      s.http(method, path, { clientCert: { cert: u.certPem, key: u.keyPem }, ...(body ? { body: JSON.stringify(body), headers: json } : {}) });
    const list = await as(bob, 'GET', BASE);
    assert.equal(list.status, 200, list.body);
    assert.equal(list.json<{ kind: string }>().kind, 'GizmoList');
    const create = await as(bob, 'POST', BASE, { apiVersion: `${GROUP}/v1`, kind: 'Gizmo', metadata: { name: 'by-bob' }, spec: {} });
    assert.equal(create.status, 403);
    assert.equal(create.json<{ message: string }>().message, 'gizmos.gaps.example.com is forbidden: User "bob" cannot create resource "gizmos" in API group "gaps.example.com" in the namespace "default"');
    const denied = await as(alice, 'GET', `${BASE}/g1`);
    assert.equal(denied.status, 403);
    assert.equal(denied.json<{ message: string }>().message, 'gizmos.gaps.example.com "g1" is forbidden: User "alice" cannot get resource "gizmos" in API group "gaps.example.com" in the namespace "default"');
  });
});

describe('CRD schemas', () => {
  it('a default that fails its schema is refused with the path of the default', async () => {
    const bad = crd('badgers', 'Badger', { type: 'integer', default: 'abc' });
    const { code, stderr } = await s.kubectl(['apply', '-f', '-'], { input: stringify(bad) });
    assert.notEqual(code, 0);
    assert.match(stderr, /properties\[spec\]\.properties\[name\]\.default: Invalid value: "string":  in body must be of type integer: "string"/);
  });

  it('x-kubernetes-validations with optional fields and timestamp accessors', async () => {
    const rules = crd('clocks', 'Clock');
    const spec = ((rules['spec'] as { versions: { schema: { openAPIV3Schema: { properties: Record<string, JSONSchema> } } }[] }).versions[0]!.schema.openAPIV3Schema.properties['spec']!);
    Object.assign(spec['properties'] as JSONSchema, { at: { type: 'string', format: 'date-time' } });
    spec['x-kubernetes-validations'] = [
      { rule: 'self.?size.orValue(0) <= 10', message: 'size must be at most 10' },
      { rule: "!has(self.at) || timestamp(self.at).getDayOfWeek('Europe/Berlin') != 0", message: 'no Sundays in Berlin' },
    ];
    await s.kubectlOk(['apply', '-f', '-'], stringify(rules));
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', `crd/clocks.${GROUP}`]);
    // A Saturday in UTC both times; 22:30Z is already Sunday in Berlin (CEST).
    await s.kubectlOk(['apply', '-f', '-'], gizmo('c1', { size: 3, at: '2024-06-08T21:30:00Z' }, 'Clock'));
    const { code, stderr } = await s.kubectl(['apply', '-f', '-'], { input: gizmo('c2', { size: 11, at: '2024-06-08T22:30:00Z' }, 'Clock') });
    assert.notEqual(code, 0);
    assert.match(stderr, /\* spec: Invalid value: "object": size must be at most 10\n\* spec: Invalid value: "object": no Sundays in Berlin/);
  });

  it('ratcheting: values made invalid by a schema change may stay, but not change to invalid ones', async () => {
    await s.kubectlOk(['apply', '-f', '-'], stringify(crd('ratchets', 'Ratchet')));
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', `crd/ratchets.${GROUP}`]);
    await s.kubectlOk(['apply', '-f', '-'], gizmo('r1', { size: 1, name: 'much-too-long' }, 'Ratchet'));
    await s.kubectlOk(['apply', '-f', '-'], stringify(crd('ratchets', 'Ratchet', { type: 'string', maxLength: 5 })));
    const path = `/apis/${GROUP}/v1/namespaces/default/ratchets`;
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    // The new schema is served once the CRD update reaches the handler.
    await eventually('the tightened schema', async () => {
      const r = await s.http('POST', path, { body: JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Ratchet', metadata: { name: `probe-${Date.now()}` }, spec: { name: 'too-long' } }), headers: json });
      return r.status === 422;
    });
    const unchanged = await s.http('PATCH', `${path}/r1`, { body: JSON.stringify({ spec: { size: 2 } }), headers: merge });
    assert.equal(unchanged.status, 200, unchanged.body);
    const changed = await s.http('PATCH', `${path}/r1`, { body: JSON.stringify({ spec: { name: 'still-too-long' } }), headers: merge });
    assert.equal(changed.status, 422, changed.body);
    assert.equal(changed.json<{ message: string }>().message, 'Ratchet.gaps.example.com "r1" is invalid: spec.name: Too long: may not be more than 5 bytes');
  });
});

interface AuditEvent {
  level: string; verb: string; stage: string; auditID: string;
  objectRef?: Record<string, string>; requestObject?: unknown; responseObject?: unknown; responseStatus?: { code: number };
}

/** The ResponseComplete event of a request, once it is in the log. */
async function auditEvent(r: HttpResult): Promise<AuditEvent> {
  const id = String(r.headers['audit-id'] ?? '');
  for (let i = 0; i < 100; i++) {
    const events = readdirSync(auditDir).filter(n => n.startsWith('audit.log'))
      .flatMap(f => readFileSync(join(auditDir, f), 'utf8').split('\n').slice(0, -1).map(l => JSON.parse(l) as AuditEvent));
    const done = events.find(e => e.auditID === id && e.stage === 'ResponseComplete');
    if (done) return done;
    await new Promise(res => setTimeout(res, 50));
  }
  return assert.fail(`no ResponseComplete audit event for ${id}`);
}

// Admission webhooks end to end: an HTTPS webhook server in this process (as a cluster's own
// webhook would be), registered through Mutating/ValidatingWebhookConfigurations by URL and by
// Service, driven with kubectl.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createCA, issueCert } from '../../src/server/pki.js';
import { eventually } from '../helpers/eventually.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Review { request: { uid: string; operation: string; dryRun: boolean; name?: string; namespace?: string; userInfo: { username: string }; object?: { metadata: { labels?: Record<string, string> } } } }

let s: TestServer;
let hook: Server;
let port: number;
let caBundle: string;
const seen: { path: string; review: Review }[] = [];

function answer(path: string, review: Review): unknown {
  const { uid, object } = review.request;
  const labels = object?.metadata.labels ?? {};
  const response: Record<string, unknown> = { uid, allowed: true };
  if (labels['warn'] === 'yes') response['warnings'] = ['careful with that label'];
  if (path.startsWith('/validate') && labels['deny'] === 'yes') {
    Object.assign(response, { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no thanks' } });
  }
  if (path.startsWith('/mutate')) {
    const patch = object?.metadata.labels
      ? [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]
      : [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }];
    Object.assign(response, { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') });
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

before(async () => {
  const ca = await createCA('webhook-ca');
  const cert = await issueCert({ ca, commonName: 'hook', dnsNames: ['localhost', 'hook-svc.default.svc'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  caBundle = Buffer.from(ca.certPem).toString('base64');
  hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c as Buffer));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as Review;
      seen.push({ path: req.url ?? '', review });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(answer(req.url ?? '', review)));
    });
  });
  await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
  port = (hook.address() as AddressInfo).port;
  s = await startTestServer([]);
});
after(async () => {
  await s?.stop();
  hook?.close();
});

async function apply(yaml: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return s.kubectl(['apply', '-f', '-'], { input: yaml });
}

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);

const configMap = (name: string, labels: Record<string, string>) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
data: {a: b}
`;

describe('admission webhooks', () => {
  it('a mutating webhook (by URL) patches matching objects only', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label-adder}
webhooks:
  - name: label-adder.example.com
    clientConfig: {url: "https://127.0.0.1:${port}/mutate", caBundle: ${caBundle}}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
    objectSelector: {matchLabels: {webhook: "on"}}
    sideEffects: None
    admissionReviewVersions: [v1]
`);
    let n = 0;
    await eventually(s, 'the mutation', async () => {
      const name = `mutated-${n++}`;
      await ok(['apply', '-f', '-'], configMap(name, { webhook: 'on' }));
      return (await ok(['get', 'cm', name, '-o', 'jsonpath={.metadata.labels.mutated}'])) === 'yes';
    });
    await ok(['apply', '-f', '-'], configMap('not-selected', { webhook: 'off' }));
    assert.equal(await ok(['get', 'cm', 'not-selected', '-o', 'jsonpath={.metadata.labels.mutated}']), '');
    const review = seen.filter(x => x.path.startsWith('/mutate')).at(-1)!.review;
    assert.equal(review.request.operation, 'CREATE');
    assert.equal(review.request.userInfo.username, 'kubernetes-admin');
    assert.equal(review.request.namespace, 'default');
    assert.match(seen.at(-1)!.path, /\?timeout=10s$/);
  });

  it('a validating webhook (by Service) refuses with its own status; dry runs reach webhooks without side effects', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Service
metadata: {name: hook-svc, namespace: default}
spec: {type: ExternalName, externalName: "127.0.0.1"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: denier}
webhooks:
  - name: denier.example.com
    clientConfig: {service: {namespace: default, name: hook-svc, path: /validate, port: ${port}}, caBundle: ${caBundle}}
    rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
    sideEffects: None
    admissionReviewVersions: [v1]
`);
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the refusal', async () => {
      r = await apply(configMap('refused', { deny: 'yes' }));
      return r.code !== 0;
    });
    assert.match(r.stderr, /admission webhook "denier.example.com" denied the request: no thanks/);
    const raw = await s.http('POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'refused-raw', labels: { deny: 'yes' } } }), headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(raw.status, 403);
    assert.deepEqual([raw.json()['reason'], raw.json()['message']], ['Forbidden', 'admission webhook "denier.example.com" denied the request: no thanks']);

    // Warnings in an allowing answer reach the client.
    const warned = await apply(configMap('warned', { warn: 'yes' }));
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: careful with that label/);

    await ok(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']);
    const dry = seen.filter(x => x.path.startsWith('/validate') && x.review.request.name === 'dry');
    assert.equal(dry.length, 1);
    assert.equal(dry[0]!.review.request.dryRun, true);
    await ok(['delete', 'validatingwebhookconfiguration', 'denier']);
  });

  it('failurePolicy: Fail refuses with 500 when the webhook is unreachable; Ignore lets the request through', async () => {
    const config = (policy: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: unreachable}
webhooks:
  - name: unreachable.example.com
    clientConfig: {url: "https://127.0.0.1:1/validate", caBundle: ${caBundle}}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
    failurePolicy: ${policy}
    sideEffects: None
    timeoutSeconds: 2
    admissionReviewVersions: [v1]
`;
    await ok(['apply', '-f', '-'], config('Fail'));
    let r = { code: 0, stdout: '', stderr: '' };
    let n = 0;
    await eventually(s, 'the failure', async () => {
      r = await s.kubectl(['create', 'secret', 'generic', `fail-${n++}`, '--from-literal=a=b']);
      return r.code !== 0;
    });
    assert.match(r.stderr, /Internal error occurred: failed calling webhook "unreachable.example.com": failed to call webhook: Post "https:\/\/127.0.0.1:1\/validate\?timeout=2s"/);
    await ok(['apply', '-f', '-'], config('Ignore'));
    await eventually(s, 'failing open', async () => (await s.kubectl(['create', 'secret', 'generic', `open-${n++}`, '--from-literal=a=b'])).code === 0);
    await ok(['delete', 'validatingwebhookconfiguration', 'unreachable']);
  });

  it('webhook configurations themselves are never sent to webhooks', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: everything}
webhooks:
  - name: everything.example.com
    clientConfig: {url: "https://127.0.0.1:1/validate", caBundle: ${caBundle}}
    rules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"]}]
    sideEffects: None
    admissionReviewVersions: [v1]
`);
    await eventually(s, 'the lock-out of configmaps', async () => (await s.kubectl(['create', 'configmap', `locked-${Date.now()}`])).code !== 0);
    // The broken webhook can still be removed.
    await ok(['delete', 'validatingwebhookconfiguration', 'everything']);
    await eventually(s, 'recovery', async () => (await s.kubectl(['create', 'configmap', `free-${Date.now()}`])).code === 0);
  });
});

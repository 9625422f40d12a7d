// matchPolicy: Equivalent end to end with kubectl: a CRD served at v1 (spec.size) and v2
// (spec.dimensions.size) with a conversion webhook, and webhooks and a ValidatingAdmissionPolicy
// whose rules name only v1. Requests at v2 reach them converted to v1, with request.kind at v1 and
// requestKind at v2; a mutating webhook's v1 patch lands in the v2 object; Exact ones are skipped.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createCA, issueCert } from '../../src/server/pki.js';
import { eventually } from '../helpers/eventually.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Obj = Record<string, unknown> & { apiVersion?: string; metadata?: { name?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };
interface Review {
  request: { uid: string; kind: { version: string }; requestKind: { version: string }; resource: { version: string }; requestResource: { version: string }; object: Obj };
}

let s: TestServer;
let hook: Server;
let port = 0;
let caBundle = '';
const reviews: Array<{ path: string; review: Review }> = [];

function convert(obj: Obj, to: string): Obj {
  const spec = obj.spec ?? {};
  if (to === 'example.com/v2' && obj.apiVersion === 'example.com/v1') {
    const { size, ...rest } = spec;
    return { ...obj, apiVersion: to, spec: { ...rest, dimensions: { size } } };
  }
  if (to === 'example.com/v1' && obj.apiVersion === 'example.com/v2') {
    const { dimensions, ...rest } = spec as { dimensions?: { size?: number } };
    return { ...obj, apiVersion: to, spec: { ...rest, size: dimensions?.size } };
  }
  return { ...obj, apiVersion: to };
}

function answer(path: string, body: string): unknown {
  if (path === '/convert') {
    const review = JSON.parse(body) as { request: { uid: string; desiredAPIVersion: string; objects: Obj[] } };
    const convertedObjects = review.request.objects.map(o => convert(o, review.request.desiredAPIVersion));
    return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, convertedObjects, result: { status: 'Success' } } };
  }
  const review = JSON.parse(body) as Review;
  reviews.push({ path, review });
  const response: Record<string, unknown> = { uid: review.request.uid, allowed: true };
  if (path === '/mutate') {
    // Written against v1's shape: only a request converted to v1 can be clamped this way.
    const patch = [{ op: 'replace', path: '/spec/size', value: 5 }];
    Object.assign(response, { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') });
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

before(async () => {
  const ca = await createCA('equivalent-ca');
  const cert = await issueCert({ ca, commonName: 'hook', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  caBundle = Buffer.from(ca.certPem).toString('base64');
  hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c as Buffer));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(answer((req.url ?? '').split('?')[0]!, Buffer.concat(chunks).toString())));
    });
  });
  await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
  port = (hook.address() as AddressInfo).port;
  s = await startTestServer([]);
  const object = (properties: Record<string, unknown>) => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } } });
  await s.kubectlOk(['apply', '-f', '-'], stringify({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle } } },
      versions: [
        { name: 'v1', served: true, storage: true, schema: object({ size: { type: 'integer' } }) },
        { name: 'v2', served: true, storage: false, schema: object({ dimensions: { type: 'object', properties: { size: { type: 'integer' } } } }) },
      ],
    },
  }));
  await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', 'crd/widgets.example.com']);
});
after(async () => {
  await s?.stop();
  hook?.close();
});

const widget = (name: string, size: number, labels: Record<string, string>) =>
  stringify({ apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name, namespace: 'default', labels }, spec: { dimensions: { size } } });

const webhook = (name: string, path: string, label: string, matchPolicy: string) => ({
  name, clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle }, matchPolicy,
  rules: [{ operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'] }],
  objectSelector: { matchLabels: { [label]: 'set' } }, sideEffects: 'None', admissionReviewVersions: ['v1'],
});

describe('matchPolicy: Equivalent', () => {
  it('webhooks naming only v1 get a v2 request converted to v1; a v1 patch is converted back', async () => {
    await s.kubectlOk(['apply', '-f', '-'], `${stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v1-only' },
      webhooks: [webhook('equivalent.example.com', '/validate', 'hooked', 'Equivalent'), webhook('exact.example.com', '/validate-exact', 'hooked', 'Exact')],
    })}---\n${stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'v1-clamp' },
      webhooks: [webhook('clamp.example.com', '/mutate', 'clamp', 'Equivalent')],
    })}`);
    await eventually(s, 'the validating webhook call', async () => {
      await s.kubectlOk(['apply', '-f', '-'], widget(`w-${reviews.length}-${Date.now()}`, 7, { hooked: 'set' }));
      return reviews.some(r => r.path === '/validate');
    });
    const { request } = reviews.find(r => r.path === '/validate')!.review;
    assert.equal(request.kind.version, 'v1');
    assert.equal(request.resource.version, 'v1');
    assert.equal(request.requestKind.version, 'v2');
    assert.equal(request.requestResource.version, 'v2');
    assert.equal(request.object.apiVersion, 'example.com/v1');
    assert.equal(request.object.spec?.['size'], 7);
    assert.ok(!reviews.some(r => r.path === '/validate-exact'), 'an Exact webhook naming v1 never sees v2 requests');

    let name = '';
    await eventually(s, 'the mutating webhook', async () => {
      name = `clamped-${Date.now()}`;
      await s.kubectlOk(['apply', '-f', '-'], widget(name, 40, { clamp: 'set' }));
      return reviews.some(r => r.path === '/mutate');
    });
    const v2 = JSON.parse(await s.kubectlOk(['get', 'widgets.v2.example.com', name, '-o', 'json'])) as Obj;
    assert.deepEqual(v2.spec, { dimensions: { size: 5 } });
  });

  it('a policy naming only v1 evaluates a v2 request at v1; an Exact one does not apply', async () => {
    const policy = (name: string, matchPolicy: string, validation: Record<string, string>) => stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { matchPolicy, resourceRules: [{ apiGroups: ['example.com'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets'] }] },
        validations: [validation],
      },
    });
    const binding = (name: string, label: string) => stringify({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { [label]: 'set' } } } },
    });
    await s.kubectlOk(['apply', '-f', '-'], [
      policy('max-size', 'Equivalent', {
        expression: 'object.spec.size <= 10',
        messageExpression: "'size ' + string(object.spec.size) + ' seen at ' + request.kind.version + ' for ' + request.requestKind.version",
      }),
      binding('max-size', 'sized'),
      policy('exact-deny', 'Exact', { expression: 'false', message: 'exact rule' }),
      binding('exact-deny', 'exact'),
    ].join('---\n'));
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the denial', async () => {
      r = await s.kubectl(['apply', '-f', '-'], { input: widget(`too-big-${Date.now()}`, 20, { sized: 'set' }) });
      return r.code !== 0;
    });
    assert.match(r.stderr, /ValidatingAdmissionPolicy 'max-size' with binding 'max-size' denied request: size 20 seen at v1 for v2/);
    await s.kubectlOk(['apply', '-f', '-'], widget('small', 3, { sized: 'set' }));
    // The Exact policy refuses v1 requests once it is active, and never v2 ones.
    const v1 = () => stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `exact-v1-${Date.now()}`, namespace: 'default', labels: { exact: 'set' } }, spec: { size: 1 } });
    await eventually(s, 'the exact denial', async () => (await s.kubectl(['apply', '-f', '-'], { input: v1() })).code !== 0);
    await s.kubectlOk(['apply', '-f', '-'], widget('exact-v2', 1, { exact: 'set' }));
  });
});

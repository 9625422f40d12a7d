// CRDs beyond one version: the real cert-manager CRDs (../shared/crds, read at test time), several
// served versions converted by a conversion webhook served by a real HTTPS server, deprecated
// versions, CEL validation rules with transition rules, name conflicts between CRDs, watches
// through @kubernetes/client-node, and a Helm chart whose crds/ folder feeds its templates.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { createCA, issueCert } from '../../src/server/pki.js';
import { helm } from '../helpers/helm.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);
const certManagerDir = resolve(repoRoot, '../shared/crds/cert-manager-v1.19.6');

let s: TestServer;
let hook: Server;
let hookPort = 0;
let caBundle = '';
let conversions = 0;

/** A conversion webhook between v1 (spec.size) and v2 (spec.dimensions.size), as a real HTTPS server. */
function convert(obj: Record<string, unknown>, to: string): Record<string, unknown> {
  const spec = (obj['spec'] ?? {}) as Record<string, unknown>;
  if (to === 'example.org/v2' && obj['apiVersion'] === 'example.org/v1') {
    const { size, ...rest } = spec;
    return { ...obj, apiVersion: to, spec: { ...rest, dimensions: { size } } };
  }
  if (to === 'example.org/v1' && obj['apiVersion'] === 'example.org/v2') {
    const { dimensions, ...rest } = spec as { dimensions?: { size?: number } };
    return { ...obj, apiVersion: to, spec: { ...rest, size: dimensions?.size } };
  }
  return { ...obj, apiVersion: to };
}

before(async () => {
  s = await startTestServer();
  const ca = await createCA('conversion-ca');
  const cert = await issueCert({ ca, commonName: 'converter', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  caBundle = Buffer.from(ca.certPem).toString('base64');
  hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      conversions++;
      const review = JSON.parse(body) as { request: { uid: string; desiredAPIVersion: string; objects: Record<string, unknown>[] } };
      const convertedObjects = review.request.objects.map(o => convert(o, review.request.desiredAPIVersion));
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, convertedObjects, result: { status: 'Success' } } }));
    });
  });
  await new Promise<void>(r => hook.listen(0, '127.0.0.1', () => r()));
  hookPort = (hook.address() as AddressInfo).port;
});
after(async () => {
  await s?.stop();
  hook?.close();
});

const established = (name: string) => s.kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', `crd/${name}`]);

describe('real CRDs: cert-manager', { skip: existsSync(certManagerDir) ? false : `no ${certManagerDir} (the shared CRDs are only on machines that have ../shared)` }, () => {
  it('applies server-side, becomes Established, accepts valid objects and refuses invalid ones', async () => {
    const files = readdirSync(certManagerDir).filter(f => f.endsWith('.yaml')).map(f => join(certManagerDir, f));
    await s.kubectlOk(['apply', '--server-side', ...files.flatMap(f => ['-f', f])]);
    for (const name of ['certificates.cert-manager.io', 'issuers.cert-manager.io', 'clusterissuers.cert-manager.io', 'challenges.acme.cert-manager.io', 'orders.acme.cert-manager.io', 'certificaterequests.cert-manager.io']) {
      await established(name);
    }
    await s.kubectlOk(['apply', '-f', '-'], stringify({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned', namespace: 'default' }, spec: { selfSigned: {} } }));
    await s.kubectlOk(['apply', '-f', '-'], stringify({
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'example', namespace: 'default' },
      spec: { secretName: 'example-tls', dnsNames: ['example.com'], issuerRef: { name: 'selfsigned', kind: 'Issuer' }, duration: '2160h', privateKey: { algorithm: 'ECDSA', size: 256 } },
    }));
    const table = await s.kubectlOk(['get', 'certificates']);
    assert.match(table, /^NAME\s+READY\s+SECRET\s+AGE\n/);
    assert.match(table, /\nexample\s+example-tls\s+\d+s\n/);
    assert.match(await s.kubectlOk(['get', 'cert-manager']), /certificate.cert-manager.io\/example/);
    const bad = await s.kubectl(['apply', '-f', '-'], { input: stringify({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'bad', namespace: 'default' }, spec: { dnsNames: ['x'], privateKey: { algorithm: 'DSA' } } }) });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.secretName: Required value/);
    assert.match(bad.stderr, /spec.issuerRef: Required value/);
    assert.match(bad.stderr, /spec.privateKey.algorithm: Unsupported value: "DSA"/);
    assert.match(await s.kubectlOk(['explain', 'certificate.spec.privateKey']), /algorithm\s+<string>/);
  });
});

describe('several versions', () => {
  const crd = () => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.org' },
    spec: {
      group: 'example.org', scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `https://127.0.0.1:${hookPort}/convert`, caBundle } } },
      versions: [
        {
          name: 'v1', served: true, storage: true, deprecated: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, mode: { type: 'string' } } } } } },
        },
        {
          name: 'v2', served: true, storage: false,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': [
                    { rule: 'self.dimensions.size <= 100', message: 'size must be at most 100' },
                    { rule: '!has(oldSelf.mode) || self.mode == oldSelf.mode', message: 'mode is immutable' },
                  ],
                  properties: { dimensions: { type: 'object', properties: { size: { type: 'integer' } } }, mode: { type: 'string' } },
                },
              },
            },
          },
        },
      ],
    },
  });

  it('serves both versions through the conversion webhook and stores the storage version', async () => {
    await s.kubectlOk(['apply', '-f', '-'], stringify(crd()));
    await established('gadgets.example.org');
    await s.kubectlOk(['apply', '-f', '-'], stringify({ apiVersion: 'example.org/v2', kind: 'Gadget', metadata: { name: 'g1', namespace: 'default' }, spec: { dimensions: { size: 7 }, mode: 'fast' } }));
    assert.ok(conversions > 0, 'the webhook was called');
    const v1 = await s.http('GET', '/apis/example.org/v1/namespaces/default/gadgets/g1');
    assert.equal(v1.status, 200, v1.body);
    assert.equal(v1.json<{ spec: { size: number } }>().spec.size, 7);
    assert.match(String(v1.headers['warning']), /example.org\/v1 Gadget is deprecated/);
    const v2 = await s.http('GET', '/apis/example.org/v2/namespaces/default/gadgets');
    assert.equal(v2.json<{ items: { apiVersion: string; spec: { dimensions: { size: number } } }[] }>().items[0]?.spec.dimensions.size, 7);
    const groups = await s.http('GET', '/apis/example.org');
    assert.deepEqual(groups.json<{ preferredVersion: { version: string } }>().preferredVersion.version, 'v2', 'GA v2 is preferred over v1 by kube-aware order');
  });

  it('enforces CEL rules, transition rules included, with their messages', async () => {
    const big = await s.kubectl(['apply', '-f', '-'], { input: stringify({ apiVersion: 'example.org/v2', kind: 'Gadget', metadata: { name: 'g2', namespace: 'default' }, spec: { dimensions: { size: 500 } } }) });
    assert.notEqual(big.code, 0);
    assert.match(big.stderr, /spec: Invalid value: "object": size must be at most 100/);
    const change = await s.kubectl(['patch', 'gadgets.v2.example.org', 'g1', '--type=merge', '-p', '{"spec":{"mode":"slow"}}']);
    assert.notEqual(change.code, 0);
    assert.match(change.stderr, /mode is immutable/);
  });

  it('refuses a CRD whose CEL rule does not compile, with upstream\'s message', async () => {
    const bad = crd();
    bad.metadata.name = 'sprockets.example.org';
    Object.assign(bad.spec, { names: { plural: 'sprockets', singular: 'sprocket', kind: 'Sprocket' }, conversion: { strategy: 'None' } });
    (bad.spec.versions[1]!.schema.openAPIV3Schema.properties.spec as { 'x-kubernetes-validations': unknown[] })['x-kubernetes-validations'] = [{ rule: 'self.nope > 1' }];
    const r = await s.kubectl(['apply', '-f', '-'], { input: stringify(bad) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /x-kubernetes-validations\[0\].rule: Invalid value: .*compilation failed/);
  });
});

describe('names, watches and charts', () => {
  it('a second CRD claiming a kind already accepted in its group is not accepted', async () => {
    const other = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gizmos.example.org' },
      spec: { group: 'example.org', scope: 'Namespaced', names: { plural: 'gizmos', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    await s.kubectlOk(['apply', '-f', '-'], stringify(other));
    let cond: { status: string; reason: string; message: string } | undefined;
    for (let i = 0; i < 100 && !cond; i++) {
      const crd = JSON.parse(await s.kubectlOk(['get', 'crd', 'gizmos.example.org', '-o', 'json'])) as { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
      cond = crd.status?.conditions?.find(c => c.type === 'NamesAccepted');
      if (!cond) await new Promise(r => setTimeout(r, 100));
    }
    // Upstream checks each name in turn and reports the last conflict: Kind, then ListKind.
    assert.deepEqual(cond, { ...cond, status: 'False', reason: 'ListKindConflict', message: '"GadgetList" is already in use' });
    assert.equal((await s.http('GET', '/apis/example.org/v1/namespaces/default/gizmos')).status, 404);
  });

  it('watches custom resources through client-node', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    const watch = new k8s.Watch(kc);
    const seen: string[] = [];
    const done = new Promise<void>(resolveSeen => {
      void watch.watch('/apis/example.org/v2/namespaces/default/gadgets', {}, (type: string, obj: { metadata: { name: string } }) => {
        seen.push(`${type} ${obj.metadata.name}`);
        if (seen.includes('ADDED g3')) resolveSeen();
      }, () => {});
    });
    await new Promise(r => setTimeout(r, 300));
    await s.kubectlOk(['apply', '-f', '-'], stringify({ apiVersion: 'example.org/v1', kind: 'Gadget', metadata: { name: 'g3', namespace: 'default' }, spec: { size: 3 } }));
    await done;
    assert.ok(seen.includes('ADDED g1'), seen.join(','));
  });

  it('installs a Helm chart with a crds/ folder and custom resources in its templates', async () => {
    const chart = mkdtempSync(join(tmpdir(), 'kas-crd-chart-'));
    mkdirSync(join(chart, 'crds'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: doodads\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'crds', 'doodads.yaml'), stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'doodads.charts.example.net' },
      spec: { group: 'charts.example.net', scope: 'Namespaced', names: { plural: 'doodads', kind: 'Doodad' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { count: { type: 'integer' } } } } } } }] },
    }));
    writeFileSync(join(chart, 'templates', 'doodad.yaml'), 'apiVersion: charts.example.net/v1\nkind: Doodad\nmetadata:\n  name: d1\nspec:\n  count: {{ .Values.count | default 1 }}\n');
    const stateDir = mkdtempSync(join(tmpdir(), 'kas-helm-crd-'));
    const r = await helm(['install', 'doodads', chart, '--namespace', 'default', '--wait', '--timeout', '60s'], { stateDir, kubeconfig: s.kubeconfig });
    assert.equal(r.code, 0, `${r.stderr}\n${s.logs().slice(-2000)}`);
    const d1 = JSON.parse(await s.kubectlOk(['get', 'doodad', 'd1', '-o', 'json'])) as { spec: { count: number }; metadata: { labels: Record<string, string> } };
    assert.equal(d1.spec.count, 1);
    assert.equal(d1.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
  });
});

// The aggregation layer against misbehaving extension servers: small HTTPS backends written here,
// reached through ExternalName Services and registered by APIServices. A slow backend costs the
// client its deadline (504) and nothing else; a certificate for another name is refused while the
// caBundle-verified one is served; broken discovery or OpenAPI documents leave discovery Stale
// and the merged OpenAPI intact; an upgrade is spliced through; a lost Service turns its group
// (only) to 503; deleting a CRD removes its automanaged APIService; the unavailable gauge follows.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { readFile } from 'node:fs/promises';
import { createCA, issueCert } from '../../src/server/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

const NS = 'faults';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

let front: TestServer;
let caPem: string;
const backends: Server[] = [];
/** flaky.faults.test's /apis turns to garbage once this is set. */
let flakyBroken = false;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json = (res: ServerResponse, body: unknown) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };

const discoveryDoc = (group: string) => ({
  kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
  items: [{ metadata: { name: group }, versions: [{ version: 'v1', freshness: 'Current', resources: [{ resource: 'things', responseKind: { group, version: 'v1', kind: 'Thing' }, scope: 'Namespaced', singularResource: 'thing', verbs: ['get', 'list'] }] }] }],
});

/** A backend serving `group`: discovery, a list, a path that never answers; `apis` overrides /apis. */
function groupBackend(group: string, apis?: Handler): Handler {
  return (req, res) => {
    const url = req.url ?? '';
    if (url === '/apis' && apis) return apis(req, res);
    if (url === '/apis') return json(res, discoveryDoc(group));
    if (url === `/apis/${group}/v1`) return json(res, { kind: 'APIResourceList', groupVersion: `${group}/v1`, resources: [{ name: 'things', namespaced: true, kind: 'Thing', verbs: ['get', 'list'] }] });
    // Invalid OpenAPI: the merge must keep going without it.
    if (url.startsWith('/openapi/v2')) { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"swagger": "2.0", "paths": '); return; }
    if (url.startsWith('/openapi/v3')) { res.writeHead(404); res.end(); return; }
    if (url.includes('/slow')) return;
    return json(res, { kind: 'ThingList', apiVersion: `${group}/v1`, items: [], user: req.headers['x-remote-user'] });
  };
}

async function startBackend(cert: { certPem: string; keyPem: string }, handler: Handler): Promise<number> {
  const srv = createServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  // exec-style upgrades: 101, then every byte echoed.
  srv.on('upgrade', (_req, socket) => { socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n'); socket.pipe(socket); });
  await new Promise<void>(r => srv.listen(0, 'localhost', () => r()));
  backends.push(srv);
  return (srv.address() as AddressInfo).port;
}

const service = (name: string, port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ port }] } });
const apiService = (group: string, svc: string, port: number) => ({
  apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `v1.${group}` },
  spec: { group, version: 'v1', groupPriorityMinimum: 1000, versionPriority: 10, caBundle: Buffer.from(caPem).toString('base64'), service: { namespace: NS, name: svc, port } },
});


type GroupEntry = { metadata: { name: string }; versions: { version: string; freshness?: string; resources?: { resource: string }[] }[] };
async function discoveredVersion(group: string): Promise<GroupEntry['versions'][number] | undefined> {
  const r = await front.http('GET', '/apis', { headers: { Accept: AGGREGATED } });
  return r.json<{ items: GroupEntry[] }>().items.find(g => g.metadata.name === group)?.versions[0];
}

before(async () => {
  const ca = await createCA('faults-ca');
  caPem = ca.certPem;
  // Each valid for <service>.faults.svc only: the name the front checks for that Service.
  const certFor = (svc: string) => issueCert({ ca, commonName: svc, dnsNames: [`${svc}.${NS}.svc`], usage: 'server' });
  const goodPort = await startBackend(await certFor('good-api'), groupBackend('good.faults.test'));
  const gonePort = await startBackend(await certFor('gone-api'), groupBackend('gone.faults.test'));
  const flakyPort = await startBackend(await certFor('flaky-api'), groupBackend('flaky.faults.test', (_req, res) => {
    if (!flakyBroken) return json(res, discoveryDoc('flaky.faults.test'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind": "APIGroupDiscoveryList", "items": [');
  }));
  front = await startTestServer([]);
  await front.kubectlOk(['apply', '-f', '-'], [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    service('good-api', goodPort), apiService('good.faults.test', 'good-api', goodPort),
    // The same backend under another Service name: its certificate does not name impostor.faults.svc.
    service('impostor', goodPort), apiService('impostor.faults.test', 'impostor', goodPort),
    service('gone-api', gonePort), apiService('gone.faults.test', 'gone-api', gonePort),
    service('flaky-api', flakyPort), apiService('flaky.faults.test', 'flaky-api', flakyPort),
  ].map(o => stringify(o)).join('---\n'));
  for (const g of ['good', 'impostor', 'gone', 'flaky']) await front.kubectlOk(['wait', '--for=condition=Available', `apiservice/v1.${g}.faults.test`, '--timeout=30s']);
});

after(async () => {
  for (const b of backends) { b.closeAllConnections(); b.close(); }
  await front?.stop();
});

describe('aggregation against misbehaving backends', () => {
  it('serves the caBundle-verified backend and refuses a certificate for another name', async () => {
    const good = await front.http('GET', `/apis/good.faults.test/v1/namespaces/${NS}/things`);
    assert.equal(good.status, 200);
    assert.equal(good.json()['user'], 'kubernetes-admin');
    const bad = await front.http('GET', `/apis/impostor.faults.test/v1/namespaces/${NS}/things`);
    assert.equal(bad.status, 503);
    assert.equal(bad.body, `tls: failed to verify certificate: x509: certificate is valid for good-api.${NS}.svc, not impostor.${NS}.svc\n`);
  });

  it('times a silent backend out with the 504 Timeout Status while the rest of the API answers', async () => {
    const slow = front.http('GET', `/apis/good.faults.test/v1/namespaces/${NS}/things/slow?timeout=2s`);
    assert.equal((await front.http('GET', '/api/v1/namespaces')).status, 200);
    const r = await slow;
    assert.equal(r.status, 504);
    assert.deepEqual([r.json()['reason'], r.json()['message']], ['Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded']);
  });

  it('keeps the merged OpenAPI serving when a backend\'s document is not JSON', async () => {
    const r = await front.http('GET', '/openapi/v2', { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 200);
    assert.ok(r.json<{ paths: Record<string, unknown> }>().paths['/api/v1/namespaces']);
  });

  it('keeps the last good discovery entry, marked Stale, when the backend\'s document turns invalid', async () => {
    const current = await until('flaky discovered', async () => ((await discoveredVersion('flaky.faults.test'))?.freshness === 'Current' ? true : undefined));
    assert.ok(current);
    flakyBroken = true;
    // Any change to the APIService makes the front fetch again.
    await front.kubectlOk(['label', 'apiservice', 'v1.flaky.faults.test', 'touched=yes']);
    const stale = await until('flaky stale', async () => {
      const v = await discoveredVersion('flaky.faults.test');
      return v?.freshness === 'Stale' ? v : undefined;
    });
    assert.deepEqual(stale.resources?.map(r => r.resource), ['things']);
    assert.equal((await discoveredVersion('good.faults.test'))?.freshness, 'Current');
  });

  it('splices an exec-style upgrade through to the backend', async () => {
    const kubeconfig = parse(await readFile(front.kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] };
    const user = kubeconfig.users[0]!.user;
    const got = await new Promise<string>((resolve, reject) => {
      const sock = connect({
        host: '127.0.0.1', port: front.port, servername: 'localhost', ca: caPemOfFront(kubeconfig),
        cert: Buffer.from(user['client-certificate-data']!, 'base64'), key: Buffer.from(user['client-key-data']!, 'base64'),
      }, () => sock.write(`POST /apis/good.faults.test/v1/namespaces/${NS}/things/a/exec HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`));
      let data = '';
      sock.on('data', (c: Buffer) => {
        data += c.toString();
        if (data.includes('\r\n\r\n') && !data.includes('ping')) sock.write('ping');
        if (data.endsWith('ping')) { sock.end(); resolve(data); }
      });
      sock.on('error', reject);
      setTimeout(() => { sock.destroy(); resolve(data); }, 10_000);
    });
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(got.endsWith('\r\n\r\nping'), got);
  });

  it('turns only the group whose Service went to 503, and shows it Stale in discovery', async () => {
    await front.kubectlOk(['delete', 'service', 'gone-api', '-n', NS]);
    await until('gone unavailable', async () => ((await front.http('GET', `/apis/gone.faults.test/v1/namespaces/${NS}/things`)).status === 503 ? true : undefined));
    const r = await front.http('GET', `/apis/gone.faults.test/v1/namespaces/${NS}/things`);
    assert.equal(r.body, 'service unavailable\n');
    assert.equal((await front.http('GET', `/apis/good.faults.test/v1/namespaces/${NS}/things`)).status, 200);
    await until('gone stale', async () => ((await discoveredVersion('gone.faults.test'))?.freshness === 'Stale' ? true : undefined));
    assert.equal((await discoveredVersion('good.faults.test'))?.freshness, 'Current');
  });

  it('reports availability in aggregator_unavailable_apiservice', async () => {
    const text = (await front.http('GET', '/metrics')).body;
    assert.match(text, /^aggregator_unavailable_apiservice\{name="v1\.gone\.faults\.test"\} 1$/m);
    assert.match(text, /^aggregator_unavailable_apiservice\{name="v1\.good\.faults\.test"\} 0$/m);
    assert.match(text, /^aggregator_unavailable_apiservice_total\{name="v1\.gone\.faults\.test",reason="ServiceNotFound"\} 1$/m);
  });

  it('answers 404 for a deleted APIService\'s group and drops it from discovery', async () => {
    await front.kubectlOk(['delete', 'apiservice', 'v1.gone.faults.test']);
    await until('gone 404', async () => ((await front.http('GET', `/apis/gone.faults.test/v1/namespaces/${NS}/things`)).status === 404 ? true : undefined));
    assert.equal(await discoveredVersion('gone.faults.test'), undefined);
  });

  it('removes a CRD\'s automanaged Local APIService with the CRD', async () => {
    const group = 'crd.faults.test';
    await front.kubectlOk(['apply', '-f', '-'], stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` },
      spec: { group, scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    }));
    const label = await until('Local APIService', async () => {
      const r = await front.http('GET', `/apis/apiregistration.k8s.io/v1/apiservices/v1.${group}`);
      return r.status === 200 ? r.json<{ metadata: { labels: Record<string, string> } }>().metadata.labels : undefined;
    });
    assert.equal(label['kube-aggregator.kubernetes.io/automanaged'], 'true');
    await front.kubectlOk(['delete', 'crd', `widgets.${group}`]);
    await until('APIService removed', async () => ((await front.http('GET', `/apis/apiregistration.k8s.io/v1/apiservices/v1.${group}`)).status === 404 ? true : undefined));
  });
});

/** The cluster CA the kubeconfig trusts (the front's serving CA, not the backends'). */
function caPemOfFront(kubeconfig: unknown): Buffer {
  const cfg = kubeconfig as { clusters: { cluster: Record<string, string> }[] };
  return Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data']!, 'base64');
}

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { builtinCatalog } from '../../src/api/catalog.js';
import type { KubeObject } from '../../src/api/types.js';
import { desiredAPIServices } from '../../src/aggregator/autoregister.js';
import { checkAvailability } from '../../src/aggregator/availability.js';
import { authProxyHeaders, type BackendDeps } from '../../src/aggregator/backend.js';
import { AggregatedDiscovery, versionFromAggregated, versionFromLegacy } from '../../src/aggregator/discovery.js';
import { sortedByGroupAndVersion } from '../../src/aggregator/priorities.js';
import { aggregatorProxy, apiServiceNameFor } from '../../src/aggregator/proxy.js';
import type { APIServiceLister } from '../../src/aggregator/registry.js';
import type { APIService } from '../../src/aggregator/types.js';
import { validateAPIService, validateAPIServiceStatusUpdate } from '../../src/aggregator/validation.js';
import { createCA, issueCert } from '../../src/server/pki.js';

function apiService(group: string, version: string, extra: Partial<APIService['spec']> = {}, status?: APIService['status']): APIService {
  return {
    apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService',
    metadata: { name: `${version}.${group}` },
    spec: { group, version, groupPriorityMinimum: 1000, versionPriority: 15, ...extra },
    ...(status ? { status } : {}),
  };
}

const available = { conditions: [{ type: 'Available', status: 'True' as const, reason: 'Passed' }] };

function lister(list: APIService[]): APIServiceLister {
  return {
    get: name => list.find(s => s.metadata.name === name),
    list: () => list,
    revision: () => 1,
    onChange: () => {},
  };
}

describe('APIService validation', () => {
  it('requires the name to be <version>.<group>', () => {
    const s = apiService('example.com', 'v1');
    s.metadata.name = 'v2.example.com';
    const causes = validateAPIService(s);
    assert.deepEqual(causes, [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "v2.example.com": must be `spec.version+"."+spec.group`: "v1.example.com"' }]);
  });

  it('checks priorities, the empty group and Local TLS settings', () => {
    const s = apiService('', 'v2', { groupPriorityMinimum: 0, versionPriority: 1001, caBundle: Buffer.from('abc').toString('base64'), insecureSkipTLSVerify: true });
    s.metadata.name = 'v2.';
    const fields = validateAPIService(s).map(c => `${c.field}: ${c.message}`);
    assert.deepEqual(fields, [
      'spec.group: Required value: only v1 may have an empty group and it better be legacy kube',
      'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
      'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000',
      'spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle',
      'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify',
    ]);
  });

  it('requires the service name and namespace and forbids insecureSkipTLSVerify with a caBundle', () => {
    const s = apiService('example.com', 'v1', { service: { port: 443 }, caBundle: 'YWJj', insecureSkipTLSVerify: true });
    assert.deepEqual(validateAPIService(s).map(c => `${c.field}: ${c.message}`), [
      'spec.service.namespace: Required value',
      'spec.service.name: Required value',
      'spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present',
    ]);
  });

  it('rejects an unknown condition status', () => {
    const old = apiService('example.com', 'v1');
    const next = { ...old, status: { conditions: [{ type: 'Available', status: 'Maybe' as 'True' }] } };
    const causes = validateAPIServiceStatusUpdate(next, old);
    assert.equal(causes[0]?.field, 'status.conditions[0].status');
    assert.match(causes[0]?.message ?? '', /Unsupported value: "Maybe": supported values: "True", "False", "Unknown"/);
  });
});

describe('priorities and autoregistration', () => {
  it('orders groups by their highest groupPriorityMinimum, then name; versions by priority then kube-aware order', () => {
    const sorted = sortedByGroupAndVersion([
      apiService('b.example.com', 'v1', { groupPriorityMinimum: 100 }),
      apiService('a.example.com', 'v1beta1', { groupPriorityMinimum: 100, versionPriority: 10 }),
      apiService('a.example.com', 'v1', { groupPriorityMinimum: 100, versionPriority: 10 }),
      apiService('a.example.com', 'v2alpha1', { groupPriorityMinimum: 50, versionPriority: 20 }),
      apiService('apps', 'v1', { groupPriorityMinimum: 17800 }),
    ]);
    assert.deepEqual(sorted.map(g => g.map(s => s.metadata.name)), [
      ['v1.apps'],
      ['v2alpha1.a.example.com', 'v1.a.example.com', 'v1beta1.a.example.com'],
      ['v1.b.example.com'],
    ]);
  });

  it('wants a Local APIService for each built-in group version with upstream priorities', () => {
    const desired = desiredAPIServices(builtinCatalog());
    assert.deepEqual(desired.get('v1.')?.spec, { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
    assert.deepEqual(desired.get('v2.autoscaling')?.spec, { group: 'autoscaling', version: 'v2', groupPriorityMinimum: 17500, versionPriority: 30 });
    assert.equal(desired.get('v1.apps')?.mode, 'onstart');
  });
});

describe('availability checks', () => {
  const svc = (spec: object): KubeObject => ({ metadata: { name: 'api', namespace: 'ns' }, spec });
  const deps = (service: KubeObject | null, endpoints: KubeObject | null): BackendDeps => ({
    getService: async () => service, getEndpoints: async () => endpoints, endpointRouting: false,
  });
  const remote = apiService('example.com', 'v1', { service: { namespace: 'ns', name: 'api', port: 443 } });
  const ok = async () => {};

  it('reports upstream reasons in order', async () => {
    assert.deepEqual(await checkAvailability(remote, deps(null, null), ok), { status: 'False', reason: 'ServiceNotFound', message: 'service/api in "ns" is not present' });
    assert.deepEqual(await checkAvailability(remote, deps(svc({ clusterIP: '10.0.0.9', ports: [{ port: 8443 }] }), null), ok),
      { status: 'False', reason: 'ServicePortError', message: 'service/api in "ns" is not listening on port 443' });
    const s = svc({ clusterIP: '10.0.0.9', ports: [{ name: 'https', port: 443 }] });
    assert.deepEqual(await checkAvailability(remote, deps(s, null), ok), { status: 'False', reason: 'EndpointsNotFound', message: 'cannot find endpoints for service/api in "ns"' });
    assert.deepEqual(await checkAvailability(remote, deps(s, { metadata: {}, subsets: [{ notReadyAddresses: [{ ip: '1.2.3.4' }], ports: [{ name: 'https', port: 6443 }] }] }), ok),
      { status: 'False', reason: 'MissingEndpoints', message: 'endpoints for service/api in "ns" have no addresses with port name "https"' });
    const eps = { metadata: {}, subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ name: 'https', port: 6443 }] }] };
    assert.deepEqual(await checkAvailability(remote, deps(s, eps), ok), { status: 'True', reason: 'Passed', message: 'all checks passed' });
    const failing = await checkAvailability(remote, deps(s, eps), async () => { throw new Error('failing or missing response from https://10.0.0.9:443/apis/example.com/v1: bad status'); });
    assert.equal(failing.reason, 'FailedDiscoveryCheck');
    assert.match(failing.message ?? '', /^failing or missing response from https:\/\/10\.0\.0\.9:443\/apis\/example\.com\/v1/);
  });

  it('says Local APIServices are always available', async () => {
    assert.deepEqual(await checkAvailability(apiService('apps', 'v1'), deps(null, null), ok), { status: 'True', reason: 'Local', message: 'Local APIServices are always available' });
  });
});

describe('auth proxy headers', () => {
  it('replaces client-sent identity headers and drops Authorization', () => {
    const h = authProxyHeaders({ 'x-remote-user': 'mallory', 'X-Remote-Extra-scopes': 'x', authorization: 'Bearer t', accept: 'application/json' },
      { name: 'alice', groups: ['dev', 'system:authenticated'], extra: { 'a/b': ['1', '2'] } });
    assert.deepEqual(h, { accept: 'application/json', 'X-Remote-User': 'alice', 'X-Remote-Group': ['dev', 'system:authenticated'], 'X-Remote-Extra-a%2Fb': ['1', '2'] });
  });
});

describe('discovery aggregation', () => {
  it('merges APIService order with local groups, apiregistration first', () => {
    const services = [
      apiService('apps', 'v1', { groupPriorityMinimum: 17800 }),
      apiService('apiregistration.k8s.io', 'v1', { groupPriorityMinimum: 18000 }),
      apiService('metrics.k8s.io', 'v1beta1', { groupPriorityMinimum: 17900, service: { namespace: 'ns', name: 'm' } }, available),
    ];
    const d = new AggregatedDiscovery(lister(services), async () => ({ status: 500, body: '' }));
    const groups = d.groups([
      { name: 'apiregistration.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'apps', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'example.com', versions: ['v1'], preferredVersion: 'v1' },
    ]);
    assert.deepEqual(groups.map(g => g.name), ['apiregistration.k8s.io', 'metrics.k8s.io', 'apps', 'example.com']);
    assert.equal(d.remoteVersion('apps', 'v1'), undefined);
    assert.equal(d.remoteVersion('metrics.k8s.io', 'v1beta1'), null);
  });

  it('keeps the last good entry of a failing backend as Stale', async () => {
    const s = apiService('metrics.k8s.io', 'v1beta1', { service: { namespace: 'ns', name: 'm' } }, available);
    const doc = { kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: 'metrics.k8s.io' }, versions: [{ version: 'v1beta1', resources: [{ resource: 'pods' }], freshness: 'Current' }] }] };
    let fail = false;
    const d = new AggregatedDiscovery(lister([s]), async () => (fail ? Promise.reject(new Error('down')) : { status: 200, etag: '"e1"', body: JSON.stringify(doc) }));
    await d.refresh('v1beta1.metrics.k8s.io');
    assert.deepEqual(d.remoteVersion('metrics.k8s.io', 'v1beta1'), { version: 'v1beta1', resources: [{ resource: 'pods' }], freshness: 'Current' });
    fail = true;
    await d.refresh('v1beta1.metrics.k8s.io');
    assert.equal((d.remoteVersion('metrics.k8s.io', 'v1beta1') as { freshness: string }).freshness, 'Stale');
  });

  it('lists a backend that never answered as an empty Stale version, as upstream', async () => {
    const s = apiService('metrics.k8s.io', 'v1beta1', { service: { namespace: 'ns', name: 'm' } }, available);
    const d = new AggregatedDiscovery(lister([s]), async () => ({ status: 200, body: '{not json' }));
    assert.equal(d.remoteVersion('metrics.k8s.io', 'v1beta1'), null);
    await d.refresh('v1beta1.metrics.k8s.io');
    assert.deepEqual(d.remoteVersion('metrics.k8s.io', 'v1beta1'), { version: 'v1beta1', freshness: 'Stale' });
  });

  it('reads an entry from the aggregated list or a legacy APIResourceList', () => {
    assert.equal(versionFromAggregated({ kind: 'APIGroupDiscoveryList', items: [] }, 'g', 'v1'), undefined);
    assert.equal(versionFromAggregated('garbage', 'g', 'v1'), undefined);
    const legacy = versionFromLegacy({ resources: [
      { name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['get', 'list'], shortNames: ['wd'] },
      { name: 'widgets/status', namespaced: true, kind: 'Widget', verbs: ['get'] },
    ] }, 'v1');
    assert.deepEqual(legacy, { version: 'v1', freshness: 'Current', resources: [{
      resource: 'widgets', responseKind: { group: '', version: '', kind: 'Widget' }, scope: 'Namespaced', singularResource: 'widget', verbs: ['get', 'list'], shortNames: ['wd'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: '', kind: 'Widget' }, verbs: ['get'] }],
    }] });
  });
});

describe('proxy', () => {
  let backend: Server;
  let front: Server;
  let caPem: string;
  let seen: { url?: string; headers?: Record<string, unknown>; body?: string } = {};
  const services: APIService[] = [];

  before(async () => {
    const ca = await createCA('test-ca');
    caPem = ca.certPem;
    const serving = await issueCert({ ca, commonName: 'api.ns.svc', dnsNames: ['api.ns.svc'], usage: 'server' });
    backend = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>(r => backend.listen(0, '127.0.0.1', () => r()));
    const port = (backend.address() as AddressInfo).port;
    const deps: BackendDeps = {
      getService: async (_ns, name) => (name === 'api' ? { metadata: { name }, spec: { clusterIP: '127.0.0.1', ports: [{ port }] } } : null),
      getEndpoints: async () => null, endpointRouting: false,
    };
    const app = express();
    app.use((req, _res, next) => { req.user = { name: 'alice', groups: ['dev'] }; next(); });
    app.use(aggregatorProxy(lister(services), deps));
    app.use((_req, res) => { res.status(404).end('local'); });
    const frontCert = await issueCert({ ca, commonName: 'front', ipAddresses: ['127.0.0.1'], usage: 'server' });
    front = createServer({ cert: frontCert.certPem, key: frontCert.keyPem }, app);
    await new Promise<void>(r => front.listen(0, '127.0.0.1', () => r()));
    services.push(
      apiService('good.example.com', 'v1', { service: { namespace: 'ns', name: 'api', port }, caBundle: Buffer.from(caPem).toString('base64') }, available),
      apiService('down.example.com', 'v1', { service: { namespace: 'ns', name: 'api', port } }, { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] }),
      apiService('gone.example.com', 'v1', { service: { namespace: 'ns', name: 'missing', port } }, available),
      apiService('badtls.example.com', 'v1', { service: { namespace: 'ns', name: 'api', port } }, available),
      apiService('apps', 'v1'),
    );
  });

  after(() => { backend.close(); front.close(); });

  const call = (path: string, body?: string) => new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, path, method: body ? 'POST' : 'GET', ca: caPem, headers: { Authorization: 'Bearer secret', 'X-Remote-User': 'mallory' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });

  it('maps paths to APIService names', () => {
    assert.equal(apiServiceNameFor('/apis/metrics.k8s.io/v1beta1/nodes'), 'v1beta1.metrics.k8s.io');
    assert.equal(apiServiceNameFor('/apis/metrics.k8s.io'), undefined);
    assert.equal(apiServiceNameFor('/api/v1/pods'), undefined);
  });

  it('forwards the request with the user and the body, verifying the backend against its caBundle', async () => {
    const r = await call('/apis/good.example.com/v1/namespaces/x/things?watch=false', '{"a":1}');
    assert.equal(r.status, 201);
    assert.equal(r.body, '{"ok":true}');
    assert.equal(seen.url, '/apis/good.example.com/v1/namespaces/x/things?watch=false');
    assert.equal(seen.body, '{"a":1}');
    assert.equal(seen.headers?.['x-remote-user'], 'alice');
    assert.equal(seen.headers?.['x-remote-group'], 'dev');
    assert.equal(seen.headers?.['authorization'], undefined);
  });

  it('answers 503 for an unavailable or unresolvable APIService, as upstream in plain text', async () => {
    for (const path of ['/apis/down.example.com/v1/things', '/apis/gone.example.com/v1/things']) {
      const r = await call(path);
      assert.equal(r.status, 503);
      assert.equal(r.body, 'service unavailable\n');
      assert.match(r.type, /^text\/plain/);
    }
  });

  it('refuses a backend whose certificate the system roots do not trust', async () => {
    const r = await call('/apis/badtls.example.com/v1/things');
    assert.equal(r.status, 503);
    // Upstream's responder writes Go's transport error as it is.
    assert.equal(r.body, 'tls: failed to verify certificate: x509: certificate signed by unknown authority\n');
  });

  it('leaves Local APIServices and unknown groups to the local handlers', async () => {
    assert.equal((await call('/apis/apps/v1/deployments')).body, 'local');
    assert.equal((await call('/apis/nothing.example.com/v1/x')).body, 'local');
  });
});

// Content negotiation on the real server: YAML both ways, Table, PartialObjectMetadata,
// aggregated discovery, 406.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', {
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: neg\n  labels: {a: b}\ndata:\n  k: v\n',
    headers: { 'Content-Type': 'application/yaml', Accept: 'application/yaml' },
  });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.headers['content-type'], 'application/yaml');
  assert.equal((parse(r.body) as { data: { k: string } }).data.k, 'v');
});
after(async () => { await s?.stop(); });

describe('negotiation', () => {
  it('answers a Table with upstream columns for kubectl\'s Accept header', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/configmaps', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json', 'upstream answers a Table with the bare media type');
    const t = r.json<{ kind: string; apiVersion: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[]; metadata: { resourceVersion: string } }>();
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.columnDefinitions.map(c => c.name), ['Name', 'Data', 'Age']);
    const row = t.rows.find(x => x.object.metadata.name === 'neg');
    assert.ok(row);
    assert.equal(row.cells[0], 'neg');
    assert.equal(row.cells[1], 1);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    assert.match(t.metadata.resourceVersion, /^\d+$/);
  });

  it('answers PartialObjectMetadataList and PartialObjectMetadata', async () => {
    const l = await s.http('GET', '/api/v1/namespaces/default/configmaps', { headers: { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } });
    const list = l.json<{ kind: string; items: { kind?: string; metadata: { name: string; labels?: Record<string, string> }; data?: unknown }[] }>();
    assert.equal(list.kind, 'PartialObjectMetadataList');
    const item = list.items.find(i => i.metadata.name === 'neg');
    assert.ok(item);
    assert.deepEqual(item.metadata.labels, { a: 'b' });
    assert.equal(item.data, undefined);
    const g = await s.http('GET', '/api/v1/namespaces/default/configmaps/neg', { headers: { Accept: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io' } });
    assert.equal(g.json<{ kind: string }>().kind, 'PartialObjectMetadata');
  });

  it('refuses an Accept header it cannot satisfy with 406', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/configmaps', { headers: { Accept: 'text/html' } });
    assert.equal(r.status, 406);
    assert.equal(r.json<{ reason: string }>().reason, 'NotAcceptable');
  });

  it('serves aggregated discovery', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const r = await s.http('GET', '/apis', { headers: { Accept: accept } });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList|as=APIGroupDiscoveryList/);
    const d = r.json<{ kind: string; items: { metadata: { name: string }; versions: { version: string }[] }[] }>();
    assert.equal(d.kind, 'APIGroupDiscoveryList');
    assert.ok(d.items.some(g => g.metadata.name === 'apps' && g.versions[0]!.version === 'v1'));
    const core = (await s.http('GET', '/api', { headers: { Accept: accept } })).json<{ items: { versions: { resources: { resource: string }[] }[] }[] }>();
    assert.ok(core.items[0]!.versions[0]!.resources.some(x => x.resource === 'pods'));
  });

  it('serves legacy discovery documents', async () => {
    const api = (await s.http('GET', '/api')).json<{ kind: string; versions: string[] }>();
    assert.equal(api.kind, 'APIVersions');
    assert.deepEqual(api.versions, ['v1']);
    const apps = (await s.http('GET', '/apis/apps/v1')).json<{ kind: string; resources: { name: string; verbs: string[] }[] }>();
    assert.equal(apps.kind, 'APIResourceList');
    assert.ok(apps.resources.some(r => r.name === 'deployments/scale'));
    assert.equal((await s.http('GET', '/apis/nope.example.com')).status, 404);
  });
});

// Legacy and aggregated discovery, over HTTP, as upstream 1.32 answers them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { aggregatedVersionFor, discoveryRouter } from '../../src/endpoints/discovery.js';
import { type Listening, listen } from '../helpers/listen.js';

interface APIResource { name: string; singularName: string; namespaced: boolean; group?: string; version?: string; kind: string; verbs: string[]; shortNames?: string[]; categories?: string[]; storageVersionHash?: string }
interface GroupVersionRef { groupVersion: string; version: string }
interface APIGroup { name: string; versions: GroupVersionRef[]; preferredVersion: GroupVersionRef }
interface ResourceDiscovery { resource: string; responseKind: { group: string; version: string; kind: string }; scope: string; singularResource: string; verbs: string[]; shortNames?: string[]; subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[] }
interface GroupDiscovery { metadata: { name?: string }; versions: { version: string; resources: ResourceDiscovery[]; freshness: string }[] }

const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const v2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

let server: Listening;
before(async () => { server = await listen(discoveryRouter(builtinCatalog())); });
after(async () => { await server.close(); });

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await fetch(server.url + path, { headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

test('/api: APIVersions naming the address the client reached', async () => {
  const r = await get('/api');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(r.json(), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${server.port}` }],
  });
});

test('/api with a configured server address', async () => {
  const s = await listen(discoveryRouter(builtinCatalog(), { serverAddress: '10.0.0.5:6443' }));
  try {
    const r = await fetch(`${s.url}/api/`);
    const body = await r.json() as { serverAddressByClientCIDRs: unknown };
    assert.deepEqual(body.serverAddressByClientCIDRs, [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.5:6443' }]);
  } finally {
    await s.close();
  }
});

test('/api/v1 lists pods with verbs and short names, and subresources as "<resource>/<sub>"', async () => {
  const r = await get('/api/v1');
  assert.equal(r.status, 200);
  const body = r.json() as { kind: string; apiVersion?: string; groupVersion: string; resources: APIResource[] };
  assert.equal(body.kind, 'APIResourceList');
  assert.equal(body.groupVersion, 'v1');
  assert.equal(body.apiVersion, undefined, 'upstream omits apiVersion on /api/v1');
  const names = body.resources.map(x => x.name);
  assert.deepEqual(names, [...names].sort());
  assert.deepEqual(body.resources.find(x => x.name === 'pods'), {
    name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=',
  });
  assert.deepEqual(body.resources.find(x => x.name === 'pods/log'), { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  assert.deepEqual(body.resources.find(x => x.name === 'pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  assert.deepEqual(body.resources.find(x => x.name === 'bindings'), { name: 'bindings', singularName: 'binding', namespaced: true, kind: 'Binding', verbs: ['create'] });
});

test('/apis: the groups in upstream order with their preferred versions', async () => {
  const r = await get('/apis');
  const body = r.json() as { kind: string; apiVersion: string; groups: APIGroup[] };
  assert.equal(body.kind, 'APIGroupList');
  assert.equal(body.apiVersion, 'v1');
  assert.equal(body.groups[0]!.name, 'apiregistration.k8s.io');
  assert.deepEqual(body.groups.find(g => g.name === 'autoscaling'), {
    name: 'autoscaling',
    versions: [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
  });
  const fc = body.groups.find(g => g.name === 'flowcontrol.apiserver.k8s.io');
  assert.deepEqual(fc?.versions, [{ groupVersion: 'flowcontrol.apiserver.k8s.io/v1', version: 'v1' }]);
  assert.ok(!body.groups.some(g => g.name === ''), 'the core group is not in /apis');
});

test('/apis/<group> and /apis/<group>/<version>', async () => {
  const group = (await get('/apis/apps')).json();
  assert.deepEqual(group, {
    kind: 'APIGroup', apiVersion: 'v1', name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
  const list = (await get('/apis/apps/v1/')).json() as { apiVersion: string; groupVersion: string; resources: APIResource[] };
  assert.equal(list.apiVersion, 'v1');
  assert.equal(list.groupVersion, 'apps/v1');
  assert.deepEqual(list.resources.find(x => x.name === 'deployments/scale'), {
    name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
  });
  const fc = (await get('/apis/flowcontrol.apiserver.k8s.io/v1')).json() as { resources: APIResource[] };
  assert.deepEqual(fc.resources.map(x => x.name), ['flowschemas', 'flowschemas/status', 'prioritylevelconfigurations', 'prioritylevelconfigurations/status']);
});

test('unknown groups and versions are 404 Status NotFound', async () => {
  for (const path of ['/apis/flowcontrol.apiserver.k8s.io/v1beta3', '/apis/nope.example.com', '/apis/apps/v1beta1', '/api/v2']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    const body = r.json();
    assert.equal(body['kind'], 'Status');
    assert.equal(body['reason'], 'NotFound');
    assert.equal(body['code'], 404);
  }
});

test('aggregated /apis (v2): echoed media type, Vary, ETag, apps at v1', async () => {
  const r = await get('/apis', { accept: `${v2},application/json` });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), v2);
  assert.equal(r.headers.get('vary'), 'Accept');
  const etag = r.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9A-F]{128}"$/);
  const body = r.json() as { kind: string; apiVersion: string; items: GroupDiscovery[] };
  assert.equal(body.kind, 'APIGroupDiscoveryList');
  assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2');
  const apps = body.items.find(i => i.metadata.name === 'apps');
  assert.deepEqual(apps?.versions.map(v => [v.version, v.freshness]), [['v1', 'Current']]);
  const deployments = apps!.versions[0]!.resources.find(x => x.resource === 'deployments');
  assert.equal(deployments?.scope, 'Namespaced');
  assert.deepEqual(deployments?.subresources?.map(s => [s.subresource, s.responseKind.group, s.responseKind.version, s.responseKind.kind]), [
    ['scale', 'autoscaling', 'v1', 'Scale'],
    ['status', '', '', 'Deployment'],
  ]);
  assert.deepEqual(body.items.find(i => i.metadata.name === 'autoscaling')?.versions.map(v => v.version), ['v2', 'v1']);

  const again = await fetch(`${server.url}/apis`, { headers: { accept: v2, 'if-none-match': etag! } });
  assert.equal(again.status, 304);
});

test('aggregated /api (v2beta1): the core group with pods and its subresources', async () => {
  const r = await get('/api', { accept: v2beta1 });
  assert.equal(r.headers.get('content-type'), v2beta1);
  const body = r.json() as { apiVersion: string; items: GroupDiscovery[] };
  assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.equal(body.items.length, 1);
  assert.equal(body.items[0]!.metadata.name, undefined);
  const pods = body.items[0]!.versions[0]!.resources.find(x => x.resource === 'pods');
  assert.deepEqual(pods?.responseKind, { group: '', version: '', kind: 'Pod' });
  assert.deepEqual(pods?.shortNames, ['po']);
  assert.equal(pods?.subresources?.find(s => s.subresource === 'eviction')?.responseKind.group, 'policy');
  // The ETag hashes the list without its type meta, so both media types share it.
  const v2Etag = (await get('/api', { accept: v2 })).headers.get('etag');
  assert.equal(r.headers.get('etag'), v2Etag);
});

test('Accept negotiation picks the first clause we can produce', () => {
  assert.equal(aggregatedVersionFor(`${v2},${v2beta1},application/json`), 'v2');
  assert.equal(aggregatedVersionFor(`application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,${v2beta1}`), 'v2beta1');
  assert.equal(aggregatedVersionFor('application/json'), undefined);
  assert.equal(aggregatedVersionFor('application/json, */*'), undefined);
  assert.equal(aggregatedVersionFor(undefined), undefined);
  assert.equal(aggregatedVersionFor(`application/json;q=0.9,${v2}`), 'v2');
  assert.equal(aggregatedVersionFor('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), undefined);
});

test('plain Accept on /apis gets the legacy list as application/json', async () => {
  const r = await get('/apis', { accept: 'application/json, */*' });
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.json()['kind'], 'APIGroupList');
});

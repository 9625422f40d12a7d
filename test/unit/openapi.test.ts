// /openapi/v2 and /openapi/v3 over HTTP: the served set, ETags, hash-pinned immutable URLs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { openapiRouter } from '../../src/endpoints/openapi.js';
import { type Listening, listen } from '../helpers/listen.js';

interface Schema { required?: string[]; properties?: Record<string, unknown>; 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }
interface V2Doc { info: { version: string }; paths: Record<string, unknown>; definitions: Record<string, Schema> }
interface V3Doc { info: { version: string }; paths: Record<string, unknown>; components: { schemas: Record<string, Schema> } }
interface V3Index { paths: Record<string, { serverRelativeURL: string }> }

const sha512 = (b: ArrayBuffer) => createHash('sha512').update(Buffer.from(b)).digest('hex').toUpperCase();

let server: Listening;
before(async () => { server = await listen(openapiRouter()); });
after(async () => { await server.close(); });

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers, redirect: 'manual' });

test('/openapi/v2: the served set only, with the GA types 1.29-1.32 added', async () => {
  const r = await get('/openapi/v2', { accept: 'application/json' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  const body = await r.arrayBuffer();
  assert.equal(r.headers.get('etag'), `"${sha512(body)}"`);
  const doc = JSON.parse(Buffer.from(body).toString('utf8')) as V2Doc;
  assert.match(doc.info.version, /^v1\.32\.\d+$/);
  const paths = Object.keys(doc.paths);
  assert.ok(paths.includes('/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/{name}/status'));
  assert.ok(paths.includes('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings'));
  assert.ok(paths.includes('/api/v1/namespaces/{namespace}/pods/{name}/log'));
  assert.deepEqual(paths.filter(p => /\/v\d+(alpha|beta)\d+\//.test(p)), []);
  assert.ok(!paths.some(p => p.startsWith('/apis/resource.k8s.io') || p.startsWith('/apis/internal.apiserver.k8s.io')));
  assert.deepEqual(doc.definitions['io.k8s.api.flowcontrol.v1.FlowSchema']?.['x-kubernetes-group-version-kind'], [{ group: 'flowcontrol.apiserver.k8s.io', kind: 'FlowSchema', version: 'v1' }]);
  assert.equal(doc.definitions['io.k8s.api.flowcontrol.v1beta3.FlowSchema'], undefined);
  assert.deepEqual(doc.definitions['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyList']?.required, ['items']);
  const deleteGVKs = doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'] ?? [];
  assert.ok(deleteGVKs.some(g => g.group === 'flowcontrol.apiserver.k8s.io' && g.version === 'v1'));
});

test("/openapi/v2: 1.32's definitions of types 1.28 already had", async () => {
  const doc = await (await get('/openapi/v2')).json() as V2Doc;
  const props = (name: string) => Object.keys(doc.definitions[name]?.properties ?? {});
  assert.ok(props('io.k8s.api.core.v1.LifecycleHandler').includes('sleep'), 'sleep hooks (1.29)');
  assert.ok(props('io.k8s.api.core.v1.SecurityContext').includes('appArmorProfile'), 'AppArmor fields (1.30)');
  assert.ok(props('io.k8s.api.batch.v1.JobSpec').includes('successPolicy'), 'Job success policy (1.30)');
  assert.ok(props('io.k8s.api.core.v1.ServiceSpec').includes('trafficDistribution'), 'traffic distribution (1.30)');
  // A field named "description" is a field, not an annotation to strip.
  assert.ok(props('io.k8s.api.scheduling.v1.PriorityClass').includes('description'));
  assert.ok(props('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps').includes('description'));
  assert.deepEqual(doc.definitions['io.k8s.api.core.v1.PersistentVolumeClaimSpec']?.properties?.['resources'], { $ref: '#/definitions/io.k8s.api.core.v1.VolumeResourceRequirements' });
});

test('/openapi/v2: conditional GET, gzip, and 406 for an Accept it cannot meet', async () => {
  const first = await get('/openapi/v2');
  const etag = first.headers.get('etag')!;
  const plain = Buffer.from(await first.arrayBuffer());
  assert.equal((await get('/openapi/v2', { 'if-none-match': etag })).status, 304);
  assert.equal((await get('/openapi/v2', { 'if-none-match': '"stale"' })).status, 200);

  const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    request(`${server.url}/openapi/v2`, { headers: { 'accept-encoding': 'gzip' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c as Buffer));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
  assert.equal(gz.encoding, 'gzip');
  assert.ok(gunzipSync(gz.body).equals(plain));

  const html = await get('/openapi/v2', { accept: 'text/html' });
  assert.equal(html.status, 406);
  assert.equal(html.headers.get('vary'), 'Accept');
});

const PB = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

test('/openapi/v2 in protobuf: both spellings, the JSON ETag, conditional GET and gzip', async () => {
  const json = await get('/openapi/v2', { accept: 'application/json' });
  const etag = json.headers.get('etag')!;
  const jsonBody = Buffer.from(await json.arrayBuffer());
  for (const accept of [PB, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf']) {
    const r = await get('/openapi/v2', { accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), PB, 'the deprecated spelling is answered with the current one');
    assert.equal(r.headers.get('etag'), etag, 'kube-openapi hashes the JSON for both forms');
    const body = Buffer.from(await r.arrayBuffer());
    assert.ok(body.length > 100_000 && body.length < jsonBody.length, `protobuf body of ${body.length} bytes`);
    // Document.swagger (field 1, length-delimited) comes first.
    assert.deepEqual([...body.subarray(0, 5)], [0x0a, 3, ...Buffer.from('2.0')]);
  }
  assert.equal((await get('/openapi/v2', { accept: PB, 'if-none-match': etag })).status, 304);
  const gz = await new Promise<{ type: string | undefined; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    request(`${server.url}/openapi/v2`, { headers: { accept: PB, 'accept-encoding': 'gzip' } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c as Buffer));
      res.on('end', () => resolve({ type: res.headers['content-type'], encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
  assert.equal(gz.type, PB);
  assert.equal(gz.encoding, 'gzip');
  const plain = Buffer.from(await (await get('/openapi/v2', { accept: PB })).arrayBuffer());
  assert.ok(gunzipSync(gz.body).equals(plain));
});

test('/openapi/v2 negotiation follows q, then specificity, then order', async () => {
  const typeFor = async (accept: string) => (await get('/openapi/v2', { accept })).headers.get('content-type');
  assert.equal(await typeFor('*/*'), 'application/json');
  assert.equal(await typeFor(`${PB}, application/json`), PB);
  assert.equal(await typeFor(`application/json, ${PB}`), 'application/json');
  assert.equal(await typeFor(`application/json;q=0.5, ${PB}`), PB);
  assert.equal(await typeFor(`*/*, ${PB}`), PB);
  assert.equal(await typeFor(`${PB};q=0, application/*`), 'application/json');
});

test('/openapi/v3: the index hashes are the SHA-512 of the documents served', async () => {
  const r = await get('/openapi/v3');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  const index = await r.json() as V3Index;
  const keys = Object.keys(index.paths);
  for (const k of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/autoscaling/v2', 'apis/flowcontrol.apiserver.k8s.io/v1', 'version']) {
    assert.ok(keys.includes(k), k);
  }
  assert.deepEqual(keys.filter(k => /(alpha|beta)/.test(k)), []);
  assert.deepEqual(keys, [...keys].sort());
  for (const k of keys) {
    const url = index.paths[k]!.serverRelativeURL;
    const m = /^\/openapi\/v3\/(.+)\?hash=([0-9A-F]{128})$/.exec(url);
    assert.ok(m, url);
    assert.equal(m[1], k);
    const doc = await get(url);
    assert.equal(doc.status, 200, url);
    assert.equal(sha512(await doc.arrayBuffer()), m[2], `hash of ${k}`);
  }
});

test('/openapi/v3/<gv>?hash=: immutable when current, 301 to the current hash when not', async () => {
  const index = await (await get('/openapi/v3')).json() as V3Index;
  const url = index.paths['apis/apps/v1']!.serverRelativeURL;

  const pinned = await get(url);
  assert.equal(pinned.status, 200);
  assert.equal(pinned.headers.get('cache-control'), 'public, immutable');
  const expires = Date.parse(pinned.headers.get('expires') ?? '');
  assert.ok(expires > Date.now() + 360 * 24 * 3600 * 1000, 'expires about a year out');
  assert.match(pinned.headers.get('vary') ?? '', /Accept/);
  const doc = await pinned.json() as V3Doc;
  assert.ok('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale' in doc.paths);
  assert.ok('io.k8s.api.core.v1.SleepAction' in doc.components.schemas, 'the 1.32 pod template schemas');

  const stale = await get('/openapi/v3/apis/apps/v1?hash=0123ABCD');
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.get('location'), url);

  const unpinned = await get('/openapi/v3/apis/apps/v1');
  assert.equal(unpinned.status, 200);
  assert.equal(unpinned.headers.get('cache-control'), null);
  assert.equal((await get('/openapi/v3/apis/apps/v1', { 'if-none-match': unpinned.headers.get('etag')! })).status, 304);
});

test('/openapi/v3 documents of the GA promotions', async () => {
  const fc = await (await get('/openapi/v3/apis/flowcontrol.apiserver.k8s.io/v1')).json() as V3Doc;
  assert.match(fc.info.version, /^v1\.32\.\d+$/);
  assert.ok(Object.keys(fc.paths).every(p => p.startsWith('/apis/flowcontrol.apiserver.k8s.io/v1/')));
  assert.ok('io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration' in fc.components.schemas);
  assert.ok(!Object.keys(fc.components.schemas).some(n => n.includes('v1beta3')));

  const ar = await (await get('/openapi/v3/apis/admissionregistration.k8s.io/v1')).json() as V3Doc;
  assert.ok('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/{name}/status' in ar.paths);
  assert.ok('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations' in ar.paths);
  assert.deepEqual(ar.components.schemas['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingList']?.required, ['items']);
});

test('/openapi/v3: unknown documents are 404, protobuf-only Accept is 406', async () => {
  assert.equal((await get('/openapi/v3/apis/flowcontrol.apiserver.k8s.io/v1beta3')).status, 404);
  assert.equal((await get('/openapi/v3/apis/nope/v1')).status, 404);
  assert.equal((await get('/openapi/v3/api/v1', { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' })).status, 406);
});

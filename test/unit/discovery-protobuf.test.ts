// Discovery in protobuf: each document decodes to the JSON one (apiVersion aside, which the
// envelope always names), and clauses are negotiated in Accept order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeProtobufObject, protobufMediaType } from '../../src/api/protobuf/index.js';
import { discoveryRouter, negotiateDiscovery } from '../../src/endpoints/discovery.js';
import { type Listening, listen } from '../helpers/listen.js';

const aggProto = `${protobufMediaType};g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`;
const aggJSON = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

let server: Listening;
before(async () => { server = await listen(discoveryRouter(builtinCatalog(), { serverAddress: '10.0.0.5:6443' })); });
after(async () => { await server.close(); });

async function get(path: string, accept: string) {
  const r = await fetch(server.url + path, { headers: { accept } });
  return { status: r.status, type: r.headers.get('content-type'), etag: r.headers.get('etag'), body: Buffer.from(await r.arrayBuffer()) };
}

/** The protobuf answer decoded, beside the JSON answer with the envelope's apiVersion. */
async function both(path: string, protoAccept: string, jsonAccept: string, apiVersion: string) {
  const p = await get(path, protoAccept);
  const j = await get(path, jsonAccept);
  assert.equal(p.status, 200);
  assert.equal(j.status, 200);
  const json = JSON.parse(j.body.toString()) as Record<string, unknown>;
  return { p, j, decoded: decodeProtobufObject(p.body), expected: { ...json, apiVersion } };
}

test('legacy documents in protobuf decode to the JSON documents', async () => {
  const cases: [string, string][] = [
    ['/api', 'v1'], ['/api/v1', 'v1'], ['/apis', 'v1'], ['/apis/apps', 'v1'], ['/apis/apps/v1', 'v1'],
  ];
  for (const [path, apiVersion] of cases) {
    const { p, decoded, expected } = await both(path, `${protobufMediaType}, application/json`, 'application/json', apiVersion);
    assert.equal(p.type, protobufMediaType, path);
    assert.deepEqual(decoded, expected, path);
  }
});

test('aggregated discovery in protobuf: v2, same ETag as JSON', async () => {
  for (const path of ['/api', '/apis']) {
    const { p, j, decoded, expected } = await both(path, `${aggProto},application/json`, aggJSON, 'apidiscovery.k8s.io/v2');
    assert.equal(p.type, aggProto);
    assert.equal(p.etag, j.etag);
    assert.equal(decoded.kind, 'APIGroupDiscoveryList');
    assert.deepEqual(decoded, expected, path);
  }
});

test('JSON answers are unchanged when protobuf is not preferred', async () => {
  const r = await get('/apis/apps/v1', `application/json,${protobufMediaType}`);
  assert.equal(r.type, 'application/json');
  assert.equal(JSON.parse(r.body.toString()).groupVersion, 'apps/v1');
});

test('negotiateDiscovery picks the first clause it can answer', () => {
  const all = { protobuf: true, aggregated: true };
  assert.deepEqual(negotiateDiscovery(`${aggProto},${aggJSON}`, all), { format: 'protobuf', aggregated: 'v2' });
  assert.deepEqual(negotiateDiscovery(`${protobufMediaType};g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,${protobufMediaType}`, all), { format: 'protobuf' });
  // Upstream's wrapper takes the aggregated clause wherever it stands: plain clauses never select it.
  assert.deepEqual(negotiateDiscovery(`${aggProto};q=0.5,application/json`, all), { format: 'protobuf', aggregated: 'v2' });
  assert.equal(negotiateDiscovery(aggProto, { protobuf: true, aggregated: false }), undefined);
  assert.equal(negotiateDiscovery('text/html', all), undefined);
  assert.deepEqual(negotiateDiscovery('application/yaml', all), { format: 'yaml' });
  assert.deepEqual(negotiateDiscovery(undefined, all), { format: 'json' });
});

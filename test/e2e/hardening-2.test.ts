// Issue 18 items 9-10 against the real server: requests upstream refuses are refused with its
// status and message, and a request line without an HTTP version is 400.
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const ns = 'default';
const item = `/api/v1/namespaces/${ns}/configmaps/target`;
const json = { 'Content-Type': 'application/json' };
const merge = { 'Content-Type': 'application/merge-patch+json' };
const applyYaml = { 'Content-Type': 'application/apply-patch+yaml' };

before(async () => {
  s = await startTestServer();
  const r = await s.http('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' }, data: { k: 'v' } }), headers: json });
  assert.equal(r.status, 201, r.body);
});
after(async () => { await s?.stop(); });

const deployment = (name: string, replicas: string) => `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"${name}"},"spec":{"replicas":${replicas},"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`;

async function expectStatus(method: string, path: string, status: number, message: string | undefined, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<void> {
  const r = await s.http(method, path, opts);
  assert.equal(r.status, status, r.body.slice(0, 400));
  if (message !== undefined) assert.equal(r.json()['message'], message);
}

describe('hardening 2: what upstream refuses', () => {
  it('a float literal for an integer field is 400, as Go decodes it', async () => {
    for (const lit of ['1E2', '-0.0', '1.0']) {
      await expectStatus('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, 400,
        `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number ${lit} into Go struct field DeploymentSpec.spec.replicas of type int32`,
        { body: deployment('float', lit), headers: json });
    }
  });

  it('duplicate keys in merge, strategic merge and apply patches under Strict', async () => {
    const r = await s.http('PATCH', `${item}?fieldValidation=Strict`, { body: '{"data":{"x":"1","x":"2"}}', headers: merge });
    assert.equal(r.status, 422, r.body);
    assert.match(r.json<{ message: string }>().message, /^ "" is invalid: patch: Invalid value: ".*": strict decoding error: duplicate field "data.x"$/);
    await expectStatus('PATCH', `${item}?fieldValidation=Strict`, 422, ' "" is invalid: patch: Invalid value: "map[data:map[x:2]]": strict decoding error: duplicate field "data.x"',
      { body: '{"data":{"x":"1","x":"2"}}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    await expectStatus('PATCH', `${item}?fieldValidation=Strict&fieldManager=m`, 400, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key "x" already set in map',
      { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\ndata: {x: "1", x: "2"}\n', headers: applyYaml });
    const warned = await s.http('PATCH', `${item}?fieldValidation=Warn`, { body: '{"data":{"x":"1","x":"2"}}', headers: merge });
    assert.equal(warned.status, 200);
    assert.match(String(warned.headers['warning']), /^299 - "duplicate field \\"data\.x\\""$/);
  });

  it('JSON patches that remove the name are 400 (checkName)', async () => {
    for (const path of ['/metadata', '/metadata/name']) {
      await expectStatus('PATCH', item, 400, 'the name of the object () does not match the name on the URL (target)',
        { body: JSON.stringify([{ op: 'remove', path }]), headers: { 'Content-Type': 'application/json-patch+json' } });
    }
  });

  it('deletionTimestamp and deletionGracePeriodSeconds are immutable by update', async () => {
    await expectStatus('PATCH', item, 422, 'ConfigMap "target" is invalid: metadata.deletionTimestamp: Invalid value: 2020-01-01 00:00:00 +0000 UTC: field is immutable',
      { body: '{"metadata":{"deletionTimestamp":"2020-01-01T00:00:00Z"}}', headers: merge });
    await expectStatus('PATCH', item, 422, 'ConfigMap "target" is invalid: metadata.deletionGracePeriodSeconds: Invalid value: 5: field is immutable',
      { body: '{"metadata":{"deletionGracePeriodSeconds":5}}', headers: merge });
  });

  it('server-side apply without apiVersion or kind is 400', async () => {
    await expectStatus('PATCH', `${item}?fieldManager=m`, 400, 'invalid object type: /, Kind=ConfigMap', { body: 'kind: ConfigMap\nmetadata:\n  name: target\n', headers: applyYaml });
    await expectStatus('PATCH', `${item}?fieldManager=m`, 400, 'invalid object type: /v1, Kind=', { body: 'apiVersion: v1\nmetadata:\n  name: target\n', headers: applyYaml });
  });

  it('integer query parameters as strconv.ParseInt reads them', async () => {
    const list = `/api/v1/namespaces/${ns}/configmaps`;
    await expectStatus('GET', `${list}?limit=`, 400, 'strconv.ParseInt: parsing "": invalid syntax');
    await expectStatus('GET', `${list}?limit=99999999999999999999`, 400, 'strconv.ParseInt: parsing "99999999999999999999": value out of range');
    await expectStatus('GET', `${list}?timeoutSeconds=soon`, 400, 'strconv.ParseInt: parsing "soon": invalid syntax');
    await expectStatus('GET', `${list}?fieldSelector=garbage`, 400, "invalid selector: 'garbage'; can't understand 'garbage'");
    await expectStatus('GET', `${list}?limit=-1`, 200, undefined);
  });

  it('POST to an object and HEAD are 405', async () => {
    await expectStatus('POST', item, 405, 'the server does not allow this method on the requested resource', { body: '{}', headers: json });
    await expectStatus('PUT', `/api/v1/namespaces/${ns}/configmaps`, 405, 'the server does not allow this method on the requested resource', { body: '{}', headers: json });
    for (const path of [item, `/api/v1/namespaces/${ns}/configmaps`]) assert.equal((await s.http('HEAD', path)).status, 405);
  });

  it('a GET at a future resourceVersion is 504 Too large resource version', async () => {
    const r = await s.http('GET', `${item}?resourceVersion=999999999`);
    assert.equal(r.status, 504, r.body);
    const st = r.json<{ reason: string; message: string; details: { causes: { reason: string }[] } }>();
    assert.equal(st.reason, 'Timeout');
    assert.match(st.message, /^Timeout: Too large resource version: 999999999, current: \d+$/);
    assert.equal(st.details.causes[0]?.reason, 'ResourceVersionTooLarge');
  });

  it('an update with resourceVersion "0" is unconditional', async () => {
    const cur = (await s.http('GET', item)).json<{ metadata: Record<string, unknown> }>();
    const r = await s.http('PUT', item, { body: JSON.stringify({ ...cur, metadata: { ...cur.metadata, resourceVersion: '0' }, data: { k: 'unconditional' } }), headers: json });
    assert.equal(r.status, 200, r.body);
  });

  it('Accept that matches nothing is 406; a Content-Type Go cannot parse is 415', async () => {
    const notAcceptable = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';
    await expectStatus('GET', item, 406, notAcceptable, { headers: { Accept: 'text/html' } });
    await expectStatus('POST', `/api/v1/namespaces/${ns}/configmaps`, 415,
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"semi"}}', headers: { 'Content-Type': 'application/json;;;;' } });
  });

  it('YAML: the first document only, !!binary decoded, timestamps kept as written', async () => {
    const body = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yaml-doc}\ndata: {b: !!binary aGVsbG8=, t: 2001-12-14}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: yaml-second}\n';
    const r = await s.http('POST', `/api/v1/namespaces/${ns}/configmaps`, { body, headers: { 'Content-Type': 'application/yaml' } });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(r.json()['data'], { b: 'hello', t: '2001-12-14' });
    assert.equal((await s.http('GET', `/api/v1/namespaces/${ns}/configmaps/yaml-second`)).status, 404);
  });
});

describe('hardening 2: protocol', () => {
  it('a request line without an HTTP version is 400', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false, servername: 'localhost' }, () => sock.write('GET /version\r\n\r\n'));
      let text = '';
      sock.on('data', d => { text += d.toString(); });
      sock.on('end', () => resolve(text));
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /400 Bad Request: malformed HTTP request "GET \/version"$/);
  });
});

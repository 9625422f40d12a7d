// The aggregation layer end to end: a second instance of this server, with its own etcd prefix
// and CRD group, trusting the front's front-proxy CA through --requestheader-* flags, registered
// on the front through an APIService. kubectl on the front lists, creates, watches and deletes
// its resources; the objects live only in the backend's keyspace; losing the backend's Service
// turns that group (only) to 503.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { rawClient, startEtcd, type EtcdHandle } from '../helpers/etcd.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

let etcd: EtcdHandle;
let front: TestServer;
let backend: TestServer;

const GROUP = 'backend.example.com';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP, scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
  },
};


before(async () => {
  etcd = await startEtcd();
  front = await startTestServer([], { etcd, pkiFlags: p => [`--proxy-client-cert-file=${p.frontProxyClientCert}`, `--proxy-client-key-file=${p.frontProxyClientKey}`] });
  backend = await startTestServer([
    '--etcd-prefix=/backend', '--authorization-mode=RBAC',
    `--requestheader-client-ca-file=${front.pki.frontProxyCaCert}`, '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
  ], { etcd });
  await backend.kubectlOk(['apply', '-f', '-'], stringify(crd));
  await backend.kubectlOk(['wait', '--for=condition=Established', `crd/gadgets.${GROUP}`, '--timeout=30s']);
  // The backend is reached through an ExternalName Service: the test has no cluster network.
  await front.kubectlOk(['apply', '-f', '-'], [
    stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ext' } }),
    stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'gadget-api', namespace: 'ext' }, spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ port: backend.port }] } }),
    stringify({
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `v1.${GROUP}` },
      spec: { group: GROUP, version: 'v1', groupPriorityMinimum: 2000, versionPriority: 10, insecureSkipTLSVerify: true, service: { namespace: 'ext', name: 'gadget-api', port: backend.port } },
    }),
  ].join('---\n'));
  await front.kubectlOk(['wait', '--for=condition=Available', `apiservice/v1.${GROUP}`, '--timeout=30s']);
});

after(async () => {
  await backend?.stop();
  await front?.stop();
  await etcd?.stop();
});

describe('aggregated API through the front server', () => {
  it('registers Local APIServices for the built-in groups', async () => {
    const out = await front.kubectlOk(['get', 'apiservices', 'v1.apps', `v1.${GROUP}`, '--no-headers']);
    assert.match(out, /^v1\.apps\s+Local\s+True/m);
    assert.match(out, new RegExp(`^v1\\.${GROUP.replace(/\./g, '\\.')}\\s+ext/gadget-api\\s+True`, 'm'));
  });

  it('lists, creates, watches and deletes the backend resources with kubectl', async () => {
    await until('discovery of gadgets', async () => ((await front.kubectl(['api-resources', `--api-group=${GROUP}`, '--no-headers'])).stdout.includes('gadgets') ? true : undefined));
    await front.kubectlOk(['create', 'namespace', 'work']);
    await backend.kubectlOk(['create', 'namespace', 'work']);
    const watch = front.kubectl(['get', 'gadgets', '-n', 'work', '--watch', '--output-watch-events', '-o', 'json', '--request-timeout=8s'], { timeoutMs: 20_000 });
    await new Promise(r => setTimeout(r, 1000));
    await front.kubectlOk(['apply', '-n', 'work', '-f', '-'], stringify({ apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } }));
    assert.match(await front.kubectlOk(['get', 'gadgets', '-n', 'work']), /^g1\s/m);
    assert.match(await backend.kubectlOk(['get', 'gadgets', '-n', 'work']), /^g1\s/m);
    const raw = rawClient(etcd);
    assert.ok(await raw.get(`/backend/${GROUP}/gadgets/work/g1`).string(), 'stored under the backend prefix');
    assert.equal(await raw.get(`/registry/${GROUP}/gadgets/work/g1`).string(), null);
    raw.close();
    await front.kubectlOk(['delete', 'gadget', 'g1', '-n', 'work']);
    const events = (await watch).stdout;
    assert.match(events, /"type":\s*"ADDED"/);
    assert.match(events, /"type":\s*"DELETED"/);
    assert.match(events, /"name":\s*"g1"/);
  });

  it('forwards the user, whose rights the backend decides', async () => {
    const r = await front.kubectl(['get', 'gadgets', '-n', 'work', '--as=eve']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "eve" cannot list resource "gadgets" in API group "backend.example.com"/);
  });

  it('merges the backend OpenAPI so kubectl explain works', async () => {
    const out = await until('explain', async () => {
      const r = await front.kubectl(['explain', `gadgets.spec.size`, `--api-version=${GROUP}/v1`]);
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.match(out, /size\s+<integer>/);
  });

  it('answers 503 for the group when its Service goes, leaving the rest of the API alone', async () => {
    await front.kubectlOk(['delete', 'service', 'gadget-api', '-n', 'ext']);
    await until('unavailable', async () => {
      const r = await front.http('GET', `/apis/${GROUP}/v1/namespaces/work/gadgets`);
      return r.status === 503 ? r : undefined;
    });
    const cond = await front.kubectlOk(['get', 'apiservice', `v1.${GROUP}`, '-o', 'jsonpath={.status.conditions[0].reason}']);
    assert.equal(cond, 'ServiceNotFound');
    assert.equal((await front.http('GET', '/api/v1/namespaces')).status, 200);
    assert.equal((await front.http('GET', '/apis')).status, 200);
  });

  it('serves 404 for the group once the APIService is deleted', async () => {
    await front.kubectlOk(['delete', 'apiservice', `v1.${GROUP}`]);
    await until('gone', async () => ((await front.http('GET', `/apis/${GROUP}/v1/namespaces/work/gadgets`)).status === 404 ? true : undefined));
  });
});

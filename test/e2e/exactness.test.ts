// Upstream exactness against the real server on a real etcd, with kubectl 1.32: status writes,
// strict decoding, field selectors, immutable fields, componentstatuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => {
  s = await startTestServer();
  await s.kubectlOk(['create', 'namespace', 'exact']);
});
after(async () => {
  await s?.stop();
});

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: exact, labels: {app: ${name}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`;

describe('upstream exactness', () => {
  // pkg/registry/apps/{replicaset,deployment}/strategy.go status strategies.
  it('a status patch keeps metadata changes the status strategy allows', async () => {
    await s.kubectlOk(['apply', '-f', '-'], deployment('st'));
    await s.kubectlOk(['patch', 'deployment', 'st', '-n', 'exact', '--subresource=status', '--type=merge',
      '-p', '{"metadata":{"annotations":{"seen":"yes"},"labels":{"extra":"no"}},"spec":{"replicas":7},"status":{"observedGeneration":1}}']);
    const d = JSON.parse(await s.kubectlOk(['get', 'deployment', 'st', '-n', 'exact', '-o', 'json'])) as {
      metadata: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: { replicas: number }; status: { observedGeneration?: number };
    };
    assert.equal(d.metadata.annotations?.['seen'], 'yes');
    assert.equal(d.metadata.labels?.['extra'], undefined, 'deployments/status resets labels');
    assert.equal(d.spec.replicas, 1);
    assert.equal(d.status.observedGeneration, 1);
    const rsName = 'st-rs';
    await s.kubectlOk(['apply', '-f', '-'], deployment(rsName).replace('kind: Deployment', 'kind: ReplicaSet'));
    await s.kubectlOk(['patch', 'replicaset', rsName, '-n', 'exact', '--subresource=status', '--type=merge',
      '-p', '{"metadata":{"labels":{"extra":"yes"}},"status":{"replicas":0}}']);
    assert.equal(await s.kubectlOk(['get', 'replicaset', rsName, '-n', 'exact', '-o', 'jsonpath={.metadata.labels.extra}']), 'yes');
  });

  // apimachinery runtime/serializer/json: YAMLToJSONStrict then sigs.k8s.io/json strict errors.
  it('strict decoding reports every unknown and duplicate field, for JSON and YAML', async () => {
    const json = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"strict"},"spec":{"unknownField":"foo","replicas":1,"replicas":2,' +
      '"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}';
    const r = await s.http('POST', '/apis/apps/v1/namespaces/exact/deployments?fieldValidation=Strict', { body: json, headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, /strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"$/);
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: strict}\nspec:\n  unknownField: foo\n  replicas: 1\n  replicas: 2\n' +
      '  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: i}]}\n';
    const y = await s.http('POST', '/apis/apps/v1/namespaces/exact/deployments?fieldValidation=Strict', { body: yaml, headers: { 'Content-Type': 'application/yaml' } });
    assert.equal(y.status, 400);
    assert.match(y.json<{ message: string }>().message, /strict decoding error: yaml: unmarshal errors:\n {2}line 7: key "replicas" already set in map, unknown field "spec.unknownField"$/);
    const w = await s.http('POST', '/apis/apps/v1/namespaces/exact/deployments?fieldValidation=Warn', { body: json, headers: { 'Content-Type': 'application/json' } });
    assert.equal(w.status, 201);
    const warning = String(w.headers['warning']);
    assert.match(warning, /299 - "unknown field \\"spec.unknownField\\""/);
    assert.match(warning, /299 - "duplicate field \\"spec.replicas\\""/);
  });

  // apiextensions-apiserver schemaCoercingDecoder: decode errors (duplicates) first, then pruned unknown fields.
  it('strict decoding of a custom resource reports duplicates and unknown fields together', async () => {
    await s.kubectlOk(['apply', '-f', '-'], `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.exact.example.com}
spec:
  group: exact.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
`);
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', 'crd/gadgets.exact.example.com']);
    const body = '{"apiVersion":"exact.example.com/v1","kind":"Gadget","metadata":{"name":"g"},"spec":{"size":1,"size":2,"color":"red"}}';
    let r = await s.http('POST', '/apis/exact.example.com/v1/namespaces/exact/gadgets?fieldValidation=Strict', { body, headers: { 'Content-Type': 'application/json' } });
    for (let i = 0; i < 50 && r.status === 404; i++) {
      await new Promise(res => setTimeout(res, 200));
      r = await s.http('POST', '/apis/exact.example.com/v1/namespaces/exact/gadgets?fieldValidation=Strict', { body, headers: { 'Content-Type': 'application/json' } });
    }
    assert.equal(r.status, 400, r.body);
    assert.equal(r.json<{ message: string }>().message,
      'Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: duplicate field "spec.size", unknown field "spec.color"');
  });

  // pkg/apis/events/v1 AddFieldLabelConversionsForEvent; pkg/registry/core/event ToSelectableFields.
  it('finds an events.k8s.io Event by source=<reportingController>', async () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'ev1' }, eventTime: '2024-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl', reportingInstance: 'i1', action: 'Test', reason: 'Testing', type: 'Normal',
      regarding: { kind: 'Pod', name: 'p', namespace: 'exact' },
    };
    const c = await s.http('POST', '/apis/events.k8s.io/v1/namespaces/exact/events', { body: JSON.stringify(ev), headers: { 'Content-Type': 'application/json' } });
    assert.equal(c.status, 201, c.body);
    const l = await s.http('GET', `/apis/events.k8s.io/v1/namespaces/exact/events?fieldSelector=${encodeURIComponent('source=example.com/ctl')}`);
    assert.equal(l.status, 200, l.body);
    assert.deepEqual(l.json<{ items: { metadata: { name: string } }[] }>().items.map(i => i.metadata.name), ['ev1']);
    const core = await s.kubectlOk(['get', 'events', '-n', 'exact', '--field-selector', 'source=example.com/ctl', '-o', 'name']);
    assert.equal(core.trim(), 'event/ev1');
  });

  // pkg/apis/scheduling/validation ValidatePriorityClassUpdate.
  it('refuses a PriorityClass value change with upstream\'s 422', async () => {
    await s.kubectlOk(['create', 'priorityclass', 'exact-pc', '--value=1000']);
    const r = await s.kubectl(['patch', 'priorityclass', 'exact-pc', '--type=merge', '-p', '{"value":2000}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The PriorityClass "exact-pc" is invalid: value: Forbidden: may not be changed in an update\./);
  });

  // pkg/registry/core/componentstatus/rest.go; pkg/registry/core/rest/storage_core.go.
  it('serves componentstatuses with the deprecation warning', async () => {
    const r = await s.kubectl(['get', 'componentstatuses']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: v1 ComponentStatus is deprecated in v1\.19\+/);
    assert.match(r.stdout, /^etcd-0\s+Healthy\s+ok/m);
    assert.match(r.stdout, /^controller-manager\s+(Healthy|Unhealthy)/m);
    assert.match(r.stdout, /^scheduler\s+(Healthy|Unhealthy)/m);
    const one = JSON.parse(await s.kubectlOk(['get', 'cs', 'etcd-0', '-o', 'json'])) as { conditions: { type: string; status: string; message: string }[] };
    assert.deepEqual(one.conditions, [{ type: 'Healthy', status: 'True', message: 'ok' }]);
    const list = (await s.http('GET', '/api/v1/componentstatuses')).json<{ kind: string; metadata: object; items: { metadata: { name: string } }[] }>();
    assert.equal(list.kind, 'ComponentStatusList');
    assert.deepEqual(list.metadata, {});
    assert.deepEqual(list.items.map(i => i.metadata.name), ['controller-manager', 'scheduler', 'etcd-0']);
    const missing = await s.http('GET', '/api/v1/componentstatuses/nope');
    assert.equal(missing.status, 500);
    assert.equal(missing.json<{ message: string }>().message, 'Internal error occurred: Component not found: nope');
  });
});

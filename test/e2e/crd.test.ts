// CustomResourceDefinitions end to end with kubectl 1.32: a CRD applied becomes Established and
// its custom resources are served (every verb, Table columns, selectors, status and scale,
// discovery, explain), and deleting the CRD deletes its instances first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => { s = await startTestServer(); });
after(async () => { await s?.stop(); });

export function widgetCRD(opts: { group?: string; plural?: string; kind?: string; scope?: string } = {}): Record<string, unknown> {
  const group = opts.group ?? 'example.com';
  const plural = opts.plural ?? 'widgets';
  const kind = opts.kind ?? 'Widget';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: opts.scope ?? 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, shortNames: [`${plural.slice(0, 2)}x`], categories: ['all-widgets'] },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10 },
                  color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                  replicas: { type: 'integer' },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        selectableFields: [{ jsonPath: '.spec.color' }],
      }],
    },
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}\n${s.logs().slice(-3000)}`);
}

describe('CustomResourceDefinitions', () => {
  it('a CRD becomes Established with its accepted names', async () => {
    await s.kubectlOk(['apply', '-f', '-'], stringify(widgetCRD()));
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', 'crd/widgets.example.com']);
    const crd = JSON.parse(await s.kubectlOk(['get', 'crd', 'widgets.example.com', '-o', 'json'])) as { status: { acceptedNames: { kind: string; listKind: string }; storedVersions: string[]; conditions: { type: string; status: string; reason: string }[] } };
    assert.equal(crd.status.acceptedNames.kind, 'Widget');
    assert.equal(crd.status.acceptedNames.listKind, 'WidgetList');
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    const names = crd.status.conditions.find(c => c.type === 'NamesAccepted');
    assert.deepEqual([names?.status, names?.reason], ['True', 'NoConflicts']);
  });

  it('serves custom resources: create with defaults, get, list with columns, selectors', async () => {
    await s.kubectlOk(['apply', '-f', '-'], stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default', labels: { tier: 'a' } }, spec: { size: 3 } }));
    await s.kubectlOk(['create', '-f', '-'], stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: 'default' }, spec: { size: 5, color: 'blue' } }));
    const w1 = JSON.parse(await s.kubectlOk(['get', 'widget', 'w1', '-o', 'json'])) as { spec: { color: string }; metadata: { generation: number } };
    assert.equal(w1.spec.color, 'red', 'schema default applied');
    assert.equal(w1.metadata.generation, 1);
    const table = await s.kubectlOk(['get', 'widgets']);
    assert.match(table, /^NAME\s+SIZE\s+COLOR\s+AGE\n/);
    assert.match(table, /\nw1\s+3\s+red\s+\d+s\n/);
    assert.match(await s.kubectlOk(['get', 'wix']), /w2\s+5\s+blue/, 'short name');
    assert.match(await s.kubectlOk(['get', 'all-widgets']), /\nw1\s+3\s+red/, 'category');
    assert.equal((await s.kubectlOk(['get', 'widgets', '-l', 'tier=a', '-o', 'name'])).trim(), 'widget.example.com/w1');
    assert.equal((await s.kubectlOk(['get', 'widgets', '--field-selector', 'spec.color=blue', '-o', 'name'])).trim(), 'widget.example.com/w2');
    const bad = await s.kubectl(['get', 'widgets', '--field-selector', 'spec.size=3']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: spec.size/);
  });

  it('refuses invalid custom resources with upstream messages', async () => {
    const r = await s.kubectl(['create', '-f', '-'], { input: stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad', namespace: 'default' }, spec: { size: 11, color: 'green' } }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Widget "bad" is invalid/);
    assert.match(r.stderr, /spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10/);
    assert.match(r.stderr, /spec.color: Unsupported value: "green": supported values: "red", "blue"/);
    const strict = await s.http('POST', '/apis/example.com/v1/namespaces/default/widgets?fieldValidation=Strict', {
      body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'strict' }, spec: { size: 1, extra: true } }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(strict.status, 400, strict.body);
    assert.match(strict.json<{ message: string }>().message, /strict decoding error: unknown field "spec.extra"/);
  });

  it('patches (merge, json, apply) and refuses strategic merge patch with 415', async () => {
    await s.kubectlOk(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":4}}']);
    await s.kubectlOk(['patch', 'widget', 'w1', '--type=json', '-p', '[{"op":"replace","path":"/spec/size","value":6}]']);
    const w1 = JSON.parse(await s.kubectlOk(['get', 'widget', 'w1', '-o', 'json'])) as { spec: { size: number }; metadata: { generation: number } };
    assert.equal(w1.spec.size, 6);
    assert.equal(w1.metadata.generation, 3);
    const smp = await s.http('PATCH', '/apis/example.com/v1/namespaces/default/widgets/w1', { body: '{"spec":{"size":2}}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    assert.equal(smp.status, 415, smp.body);
    await s.kubectlOk(['apply', '--server-side', '--field-manager=me', '-f', '-'], stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w3', namespace: 'default' }, spec: { size: 2 } }));
    const w3 = JSON.parse(await s.kubectlOk(['get', 'widget', 'w3', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: { manager: string }[] } };
    assert.ok(w3.metadata.managedFields.some(m => m.manager === 'me'));
  });

  it('status and scale subresources', async () => {
    const st = await s.http('PATCH', '/apis/example.com/v1/namespaces/default/widgets/w2/status', { body: '{"status":{"replicas":2,"selector":"app=w2"},"spec":{"size":9}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(st.status, 200, st.body);
    const w2 = st.json<{ spec: { size: number }; status: { replicas: number } }>();
    assert.equal(w2.spec.size, 5, 'spec ignored through /status');
    assert.equal(w2.status.replicas, 2);
    await s.kubectlOk(['scale', 'widget', 'w2', '--replicas=4']);
    const scale = await s.http('GET', '/apis/example.com/v1/namespaces/default/widgets/w2/scale');
    assert.equal(scale.status, 200, scale.body);
    assert.deepEqual(scale.json<{ spec: unknown; status: unknown }>().spec, { replicas: 4 });
    assert.deepEqual(scale.json<{ spec: unknown; status: unknown }>().status, { replicas: 2, selector: 'app=w2' });
  });

  it('appears in discovery and in kubectl explain', async () => {
    const resources = await s.kubectlOk(['api-resources', '--api-group=example.com']);
    assert.match(resources, /widgets\s+wix\s+example.com\/v1\s+true\s+Widget/);
    const explain = await s.kubectlOk(['explain', 'widgets.spec']);
    assert.match(explain, /size\s+<integer> -required-/);
  });

  it('defaults from storage: a default added to the schema shows on objects stored before', async () => {
    const crd = widgetCRD() as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] } };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties['shape'] = { type: 'string', default: 'round' };
    await s.kubectlOk(['apply', '-f', '-'], stringify(crd));
    await waitFor(async () => {
      const w = await s.http('GET', '/apis/example.com/v1/namespaces/default/widgets/w1');
      return w.status === 200 && w.json<{ spec: { shape?: string } }>().spec.shape === 'round';
    }, 'the new default on a stored object');
  });

  it('aggregated discovery lists the CRD group with full response kinds, and its ETag follows CRD changes', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    const r = await s.http('GET', '/apis', { headers: { Accept: accept } });
    assert.equal(r.status, 200);
    type Doc = { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; responseKind: unknown; verbs: string[]; subresources?: { subresource: string; responseKind: unknown }[] }[] }[] }[] };
    const group = r.json<Doc>().items.find(g => g.metadata.name === 'example.com');
    const widgets = group?.versions[0]?.resources.find(x => x.resource === 'widgets');
    assert.deepEqual(widgets?.responseKind, { group: 'example.com', version: 'v1', kind: 'Widget' });
    assert.deepEqual(widgets?.verbs, ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']);
    assert.deepEqual(widgets?.subresources?.map(x => [x.subresource, x.responseKind]), [['scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }], ['status', { group: 'example.com', version: 'v1', kind: 'Widget' }]]);
    const etag = String(r.headers['etag']);
    await s.kubectlOk(['apply', '-f', '-'], stringify(widgetCRD({ plural: 'gears', kind: 'Gear' })));
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', 'crd/gears.example.com']);
    const after = await s.http('GET', '/apis', { headers: { Accept: accept } });
    assert.notEqual(String(after.headers['etag']), etag);
    await s.kubectlOk(['delete', 'crd', 'gears.example.com']);
  });

  it('deleting the CRD deletes its instances, then the CRD; a recreated CRD serves again', async () => {
    await s.kubectlOk(['delete', 'crd', 'widgets.example.com', '--timeout=30s']);
    await waitFor(async () => (await s.http('GET', '/apis/example.com/v1/namespaces/default/widgets')).status === 404, 'widgets no longer served');
    const gone = await s.http('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal(gone.status, 404);
    await s.kubectlOk(['apply', '-f', '-'], stringify(widgetCRD()));
    await s.kubectlOk(['wait', '--for=condition=Established', '--timeout=20s', 'crd/widgets.example.com']);
    assert.equal((await s.kubectlOk(['get', 'widgets', '-A', '-o', 'name'])).trim(), '', 'instances were deleted with the CRD');
  });
});

// OpenAPI for CRDs: the definitions and paths upstream's builder (apiextensions-apiserver
// pkg/controller/openapi/builder) produces, and their merge into /openapi/v2 and /openapi/v3.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { buildV2, buildV3, definitionName } from '../../src/apiextensions/openapi/builder.js';
import { CRDOpenAPISource } from '../../src/apiextensions/openapi/source.js';
import type { CustomResourceDefinition } from '../../src/apiextensions/types.js';
import { openapiRouter } from '../../src/endpoints/openapi.js';
import { type Listening, listen } from '../helpers/listen.js';

type Obj = Record<string, any>;

function widget(overrides: { uid?: string; resourceVersion?: string; scope?: string } = {}): CustomResourceDefinition {
  return {
    metadata: { name: 'widgets.example.com', uid: overrides.uid ?? 'u1', resourceVersion: overrides.resourceVersion ?? '1' },
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: overrides.scope ?? 'Namespaced',
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        selectableFields: [{ jsonPath: '.spec.color' }],
        schema: { openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object', required: ['color', 'note'],
              properties: {
                color: { type: 'string', default: 'red', enum: ['red', 'blue'] },
                note: { type: 'string', nullable: true },
                port: { 'x-kubernetes-int-or-string': true },
                tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
                template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
              },
              oneOf: [{ required: ['color'] }],
              'x-kubernetes-validations': [{ rule: 'self.color != "green"' }],
            },
          },
        } },
      }, { name: 'v1beta1', served: false, storage: false }],
    },
  };
}

test('definition names reverse the group, as apiserver friendlyName does', () => {
  assert.equal(definitionName('cert-manager.io', 'v1', 'Certificate'), 'io.cert-manager.v1.Certificate');
  assert.equal(definitionName('acme.cert-manager.io', 'v1', 'Order'), 'io.cert-manager.acme.v1.Order');
});

test('v2 kind schema: ToStructuralOpenAPIV2, defaults pruned, metadata and TypeMeta added', () => {
  const { definitions } = buildV2(widget(), 'v1');
  assert.deepEqual(Object.keys(definitions), ['com.example.v1.Widget', 'com.example.v1.WidgetList']);
  const kind = definitions['com.example.v1.Widget'] as Obj;
  assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  assert.deepEqual(kind['x-kubernetes-selectable-fields'], [{ fieldPath: 'spec.color' }]);
  assert.deepEqual(Object.keys(kind['properties']), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.equal(kind['properties']['metadata']['$ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.match(kind['properties']['apiVersion']['description'], /^APIVersion defines the versioned schema/);
  const spec = kind['properties']['spec'];
  assert.equal(spec['oneOf'], undefined, 'junctors dropped for v2');
  assert.deepEqual(spec['required'], ['color'], 'nullable properties are not required in v2');
  assert.deepEqual(spec['x-kubernetes-validations'], [{ rule: 'self.color != "green"' }]);
  assert.deepEqual(spec['properties']['color'], { enum: ['red', 'blue'], type: 'string' });
  assert.deepEqual(spec['properties']['note'], {}, 'nullable loses its type in v2');
  assert.deepEqual(spec['properties']['port'], { 'x-kubernetes-int-or-string': true });
  assert.deepEqual(spec['properties']['raw'], { 'x-kubernetes-preserve-unknown-fields': true });
  const template = spec['properties']['template'];
  assert.deepEqual(Object.keys(template['properties']), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual(template['required'], ['kind', 'apiVersion']);
  assert.match(template['properties']['kind']['description'], /^kind is a string value representing the type of this object/);

  const list = definitions['com.example.v1.WidgetList'] as Obj;
  assert.equal(list['description'], 'WidgetList is a list of Widget');
  assert.deepEqual(list['required'], ['items']);
  assert.deepEqual(list['properties']['items']['items'], { $ref: '#/definitions/com.example.v1.Widget' });
  assert.equal(list['properties']['items']['description'], 'List of widgets. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md');
  assert.equal(list['properties']['metadata']['$ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta');
  assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'WidgetList', version: 'v1' }]);
});

test('v3 kind schema keeps nullable, defaults and junctors, unfolds int-or-string, wraps described refs in allOf', () => {
  const { schemas } = buildV3(widget(), 'v1');
  const spec = (schemas['com.example.v1.Widget'] as Obj)['properties']['spec'];
  assert.deepEqual(spec['properties']['color'], { default: 'red', enum: ['red', 'blue'], type: 'string' });
  assert.deepEqual(spec['properties']['note'], { nullable: true, type: 'string' });
  assert.deepEqual(spec['properties']['port'], { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true });
  assert.deepEqual(spec['oneOf'], [{ required: ['color'] }]);
  assert.deepEqual(spec['required'], ['color', 'note']);
  assert.deepEqual(spec['properties']['raw']['properties'], { a: { type: 'string' } });
  const meta = (schemas['com.example.v1.Widget'] as Obj)['properties']['metadata'];
  assert.deepEqual(meta['allOf'], [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
});

test('a CRD without a (structural) schema, or v2 with preserveUnknownFields, publishes a bare object', () => {
  const crd = widget();
  crd.spec.versions[0]!.schema = undefined;
  assert.deepEqual(Object.keys(buildV2(crd, 'v1').definitions['com.example.v1.Widget']!), ['type', 'x-kubernetes-group-version-kind', 'x-kubernetes-selectable-fields']);
  const legacy = widget();
  legacy.spec.preserveUnknownFields = true;
  assert.equal((buildV2(legacy, 'v1').definitions['com.example.v1.Widget'] as Obj)['properties'], undefined);
  assert.ok((buildV3(legacy, 'v1').schemas['com.example.v1.Widget'] as Obj)['properties']['spec'], 'v3 keeps the schema');
});

test('v2 paths: namespaced scope, subresources, options, patch types, shared parameters named like kube-openapi', () => {
  const { paths, parameters } = buildV2(widget(), 'v1');
  const root = '/apis/example.com/v1';
  assert.deepEqual(Object.keys(paths).sort(), [
    `${root}/namespaces/{namespace}/widgets`, `${root}/namespaces/{namespace}/widgets/{name}`,
    `${root}/namespaces/{namespace}/widgets/{name}/scale`, `${root}/namespaces/{namespace}/widgets/{name}/status`, `${root}/widgets`,
  ]);
  const all = paths[`${root}/widgets`] as Obj;
  assert.equal(all['get']['operationId'], 'listExampleComV1WidgetForAllNamespaces');
  assert.equal(all['get']['parameters'], undefined, 'a lone route moves all its parameters to the path');
  assert.ok(all['parameters'].some((p: Obj) => p['$ref'] === '#/parameters/watch-XNNPZGbK'));

  const coll = paths[`${root}/namespaces/{namespace}/widgets`] as Obj;
  assert.deepEqual(Object.keys(coll), ['delete', 'get', 'parameters', 'post']);
  assert.equal(coll['delete']['operationId'], 'deleteExampleComV1CollectionNamespacedWidget');
  assert.equal(coll['delete']['description'], 'delete collection of Widget');
  assert.equal(coll['post']['description'], 'create a Widget');
  assert.deepEqual(Object.keys(coll['post']['responses']), ['200', '201', '202', '401']);
  assert.deepEqual(coll['post']['responses']['401'], { description: 'Unauthorized' });
  assert.deepEqual(coll['post']['parameters'][0], { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/com.example.v1.Widget' } });
  assert.deepEqual(coll['parameters'], [{ $ref: '#/parameters/namespace-vgWSWtn3' }, { $ref: '#/parameters/pretty-tJGM1-ng' }]);
  assert.deepEqual(coll['get']['tags'], ['exampleCom_v1']);

  const item = paths[`${root}/namespaces/{namespace}/widgets/{name}`] as Obj;
  assert.deepEqual(item['patch']['consumes'], ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  assert.deepEqual(item['get']['consumes'], ['application/json', 'application/yaml']);
  assert.deepEqual(item['delete']['parameters'].map((p: Obj) => p['$ref'] ?? p['name']), [
    '#/parameters/body-2Y1dVQaQ', 'dryRun', '#/parameters/gracePeriodSeconds--K5HaBOS', '#/parameters/orphanDependents-uRB25kX5', '#/parameters/propagationPolicy-6jk3prlO',
  ]);
  assert.deepEqual(item['parameters'][0], { description: 'name of the Widget', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true });
  assert.deepEqual(item['get']['x-kubernetes-group-version-kind'], { group: 'example.com', kind: 'Widget', version: 'v1' });

  const scale = paths[`${root}/namespaces/{namespace}/widgets/{name}/scale`] as Obj;
  assert.equal(scale['get']['operationId'], 'readExampleComV1NamespacedWidgetScale');
  assert.equal(scale['put']['description'], 'replace scale of the specified Widget');
  assert.deepEqual(scale['put']['responses']['200']['schema'], { $ref: '#/definitions/io.k8s.api.autoscaling.v1.Scale' });
  assert.deepEqual(parameters['body-78PwaGsr'], { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
});

test('cluster scope: no namespace parameter, no ForAllNamespaces route', () => {
  const { paths } = buildV3(widget({ scope: 'Cluster' }), 'v1');
  assert.deepEqual(Object.keys(paths), ['/apis/example.com/v1/widgets', '/apis/example.com/v1/widgets/{name}', '/apis/example.com/v1/widgets/{name}/status', '/apis/example.com/v1/widgets/{name}/scale']);
  const coll = paths['/apis/example.com/v1/widgets'] as Obj;
  assert.equal(coll['get']['operationId'], 'listExampleComV1Widget');
  assert.deepEqual(coll['parameters'].map((p: Obj) => p['name']), ['pretty']);
  assert.deepEqual(coll['parameters'][0]['schema'], { type: 'string', uniqueItems: true });
  assert.deepEqual(Object.keys(coll['post']['requestBody']['content']), ['application/json', 'application/yaml']);
  assert.equal(coll['post']['requestBody']['required'], true);
  assert.equal((paths['/apis/example.com/v1/widgets/{name}'] as Obj)['delete']['requestBody']['required'], undefined);
});

test('CRDOpenAPISource: per group/version v3 documents with the built-in schemas they reach; rebuild only on change', () => {
  const src = new CRDOpenAPISource();
  assert.equal(src.revision(), 0);
  src.update([widget()]);
  assert.equal(src.revision(), 1);
  src.update([widget()]);
  assert.equal(src.revision(), 1, 'same uid and resourceVersion');
  const docs = src.v3();
  assert.deepEqual([...docs.keys()], ['apis/example.com/v1'], 'unserved versions are not published');
  const doc = docs.get('apis/example.com/v1') as Obj;
  assert.deepEqual(doc['info'], { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' });
  assert.equal(doc['openapi'], '3.0.0');
  const schemas = Object.keys(doc['components']['schemas']);
  for (const s of ['ObjectMeta', 'ListMeta', 'Status', 'DeleteOptions', 'Patch', 'ManagedFieldsEntry', 'Time']) assert.ok(schemas.includes(`io.k8s.apimachinery.pkg.apis.meta.v1.${s}`), s);
  assert.ok(schemas.includes('io.k8s.api.autoscaling.v1.Scale'));
  assert.deepEqual(schemas, [...schemas].sort());
  src.update([widget({ resourceVersion: '2' })]);
  assert.equal(src.revision(), 2);
  src.update([]);
  assert.equal(src.revision(), 3);
  assert.deepEqual(Object.keys(src.v2().paths), []);
  assert.equal(src.v3().size, 0);
});

const certManagerDir = new URL('../../../../shared/crds/cert-manager-v1.19.6/', import.meta.url);

test('the cert-manager CRDs', { skip: existsSync(certManagerDir) ? false : `no ${certManagerDir.pathname}` }, () => {
  const crds = readdirSync(certManagerDir).filter(f => f.endsWith('.yaml')).map(f => parse(readFileSync(new URL(f, certManagerDir), 'utf8')) as CustomResourceDefinition);
  const src = new CRDOpenAPISource();
  src.update(crds);
  const { paths, definitions } = src.v2();
  for (const d of ['io.cert-manager.v1.Certificate', 'io.cert-manager.v1.CertificateList', 'io.cert-manager.v1.ClusterIssuer', 'io.cert-manager.acme.v1.Challenge', 'io.cert-manager.acme.v1.OrderList']) assert.ok(d in definitions, d);
  assert.ok('/apis/cert-manager.io/v1/clusterissuers/{name}/status' in paths);
  assert.ok(!('/apis/cert-manager.io/v1/namespaces/{namespace}/clusterissuers' in paths));
  assert.ok('/apis/acme.cert-manager.io/v1/namespaces/{namespace}/orders/{name}/status' in paths);
  const cert = definitions['io.cert-manager.v1.Certificate'] as Obj;
  assert.match(cert['properties']['spec']['properties']['duration']['description'], /lifetime/);
  assert.deepEqual(Object.keys(cert['properties']).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  assert.deepEqual([...src.v3().keys()], ['apis/acme.cert-manager.io/v1', 'apis/cert-manager.io/v1']);
  const v3 = src.v3().get('apis/cert-manager.io/v1') as Obj;
  assert.ok(Object.keys(v3['paths']).every(p => p.startsWith('/apis/cert-manager.io/v1/')));
  assert.ok('io.cert-manager.v1.Issuer' in v3['components']['schemas']);
});

let server: Listening;
const source = new CRDOpenAPISource();
before(async () => { server = await listen(openapiRouter(source)); });
after(async () => { await server.close(); });
const get = (path: string) => fetch(server.url + path, { redirect: 'manual' });

test('router: the CRD paths merged into /openapi/v2 (sorted), new ETag, v3 index entry; removal drops them', async () => {
  const empty = await get('/openapi/v2');
  const emptyTag = empty.headers.get('etag');
  const emptyDoc = await empty.json() as Obj;
  source.update([widget()]);
  const r = await get('/openapi/v2');
  assert.notEqual(r.headers.get('etag'), emptyTag);
  const doc = await r.json() as Obj;
  const keys = Object.keys(doc['paths']);
  assert.deepEqual(keys, [...keys].sort());
  assert.ok('/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale' in doc['paths']);
  assert.ok('com.example.v1.Widget' in doc['definitions']);
  assert.ok('pretty-tJGM1-ng' in doc['parameters']);
  assert.deepEqual(doc['parameters']['namespace-vgWSWtn3'], emptyDoc['parameters']['namespace-vgWSWtn3'], 'the built-in entry is kept');
  assert.deepEqual(Object.keys(doc['definitions']), [...Object.keys(doc['definitions'])].sort());

  const pb = await fetch(server.url + '/openapi/v2', { headers: { accept: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' } });
  assert.equal(pb.headers.get('etag'), r.headers.get('etag'));
  assert.ok(Buffer.from(await pb.arrayBuffer()).includes(Buffer.from('com.example.v1.Widget')));

  const index = await (await get('/openapi/v3')).json() as { paths: Record<string, { serverRelativeURL: string }> };
  const url = index.paths['apis/example.com/v1']?.serverRelativeURL;
  assert.ok(url);
  const pinned = await get(url);
  assert.equal(pinned.status, 200);
  assert.equal(pinned.headers.get('cache-control'), 'public, immutable');
  assert.ok('/apis/example.com/v1/widgets' in ((await pinned.json()) as Obj)['paths']);

  source.update([]);
  const removed = await get('/openapi/v2');
  assert.equal(removed.headers.get('etag'), emptyTag, 'back to the built-in document');
  assert.ok(!('com.example.v1.Widget' in ((await removed.json()) as Obj)['definitions']));
  assert.equal((await get('/openapi/v3/apis/example.com/v1')).status, 404);
  assert.equal((await get(url)).status, 404);
});

// ValidatingAdmissionPolicy type checking: which kinds a policy is checked against, the schema
// types built from the OpenAPI documents (built-in and published by CRDs), and upstream's warnings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { SchemaResolver } from '../../src/admission/policy/schema-resolver.js';
import { typeCheck, typesToCheck } from '../../src/admission/policy/type-checking.js';
import type { NamedRule, PolicySpec } from '../../src/admission/policy/types.js';
import type { OpenAPIExtra } from '../../src/api/openapi-documents.js';

const catalog = builtinCatalog();
const schemas = new SchemaResolver();
const rule = (apiGroups: string[], apiVersions: string[], resources: string[]) => ({ operations: ['CREATE'], apiGroups, apiVersions, resources });
const check = (spec: PolicySpec, resolver = schemas) => typeCheck({ metadata: { name: 'p' }, spec }, { catalog, schemas: resolver });
const deployments = { resourceRules: [rule(['apps'], ['v1'], ['deployments'])] };

test('types to check: exact groups, versions and resources only, sorted; unknown resources skipped', () => {
  const kinds = (resourceRules: NamedRule[]) =>
    typesToCheck({ matchConstraints: { resourceRules } }, catalog).map(g => `${g.group}/${g.version}/${g.kind}`);
  assert.deepEqual(kinds([rule(['apps', ''], ['v1'], ['replicasets', 'pods', 'deployments/status', '*', 'nosuch'])]),
    ['/v1/Pod', 'apps/v1/ReplicaSet']);
  assert.deepEqual(kinds([rule(['*'], ['v1'], ['pods']), rule(['apps'], ['*'], ['deployments'])]), []);
  assert.deepEqual(kinds([rule(['apps'], ['v1'], ['deployments']), rule(['apps'], ['v1'], ['deployments'])]), ['apps/v1/Deployment']);
  const many = ['pods', 'services', 'configmaps', 'secrets', 'nodes', 'namespaces', 'events', 'endpoints', 'serviceaccounts', 'limitranges', 'resourcequotas'];
  assert.equal(kinds([rule([''], ['v1'], many)]).length, 10, 'at most 10 kinds per rule');
});

test('an undefined field is reported per kind in upstream form', () => {
  const warnings = check({
    matchConstraints: { resourceRules: [rule(['apps'], ['v1'], ['deployments', 'replicasets']), rule([''], ['v1'], ['pods'])] },
    validations: [{ expression: 'object.spec.replicas > 1' }, { expression: 'object.foo == 1' }],
  });
  assert.deepEqual(warnings, [
    { fieldRef: 'spec.validations[0].expression', warning: "/v1, Kind=Pod: ERROR: <input>:1:12: undefined field 'replicas'\n | object.spec.replicas > 1\n | ...........^\n" },
    {
      fieldRef: 'spec.validations[1].expression',
      warning: ['/v1, Kind=Pod', 'apps/v1, Kind=Deployment', 'apps/v1, Kind=ReplicaSet']
        .map(k => `${k}: ERROR: <input>:1:7: undefined field 'foo'\n | object.foo == 1\n | ......^\n`).join('\n'),
    },
  ]);
});

test('schema types: metadata, timestamps, int-or-string, maps; Quantity is not exposed, as upstream', () => {
  const ok = [
    "object.metadata.labels['app'] == 'web'",
    "object.metadata.creationTimestamp < timestamp('2030-01-01T00:00:00Z')",
    'object.spec.strategy.rollingUpdate.maxSurge == 1 || object.spec.strategy.rollingUpdate.maxSurge == "25%"',
    "object.spec.template.spec.containers.all(c, c.image.startsWith('registry/'))",
    'oldObject.spec.replicas == object.spec.replicas',
  ];
  assert.deepEqual(check({ matchConstraints: deployments, validations: ok.map(expression => ({ expression })) }), []);
  const [w] = check({ matchConstraints: deployments, validations: [{ expression: 'object.spec.template.spec.containers.all(c, has(c.resources.limits))' }] });
  assert.match(w!.warning, /undefined field 'limits'/);
});

test('messageExpression, variables and params are typed too', () => {
  const warnings = check({
    matchConstraints: deployments,
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    variables: [{ name: 'replicas', expression: 'object.spec.replicas' }],
    validations: [
      { expression: 'variables.replicas <= int(params.data.max)', messageExpression: "'too many: ' + variables.replicas" },
      { expression: 'params.spec.max > 1' },
    ],
  });
  assert.deepEqual(warnings.map(w => w.fieldRef), ['spec.validations[0].messageExpression', 'spec.validations[1].expression']);
  assert.match(warnings[0]!.warning, /^apps\/v1, Kind=Deployment: ERROR: <input>:1:14: found no matching overload for '_\+_' applied to '\(string, int\)'/);
  assert.match(warnings[1]!.warning, /undefined field 'spec'/);
  // A paramKind without a published schema leaves params undeclared, as upstream's checker does.
  const unknownParams = check({ matchConstraints: deployments, paramKind: { apiVersion: 'example.com/v1', kind: 'Limits' }, validations: [{ expression: 'params.max > 1' }] });
  assert.match(unknownParams[0]!.warning, /undeclared reference to 'params'/);
});

test('nothing is checked without an exactly named kind', () => {
  assert.deepEqual(check({ matchConstraints: { resourceRules: [rule(['*'], ['*'], ['*'])] }, validations: [{ expression: 'object.foo == 1' }] }), []);
});

test('CRD kinds come from the published OpenAPI, refreshed when its revision moves', () => {
  let revision = 1;
  let size: Record<string, unknown> = { type: 'integer' };
  const extra: OpenAPIExtra = {
    revision: () => revision,
    v2: () => ({ paths: {}, definitions: {} }),
    v3: () => new Map([['apis/example.org/v1', {
      components: {
        schemas: {
          'org.example.v1.Widget': {
            type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.org', version: 'v1', kind: 'Widget' }],
            properties: {
              metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
              spec: { type: 'object', properties: { size, extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, untyped: { 'x-kubernetes-preserve-unknown-fields': true } } },
            },
          },
          'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } },
        },
      },
    }]]),
  };
  const resolver = new SchemaResolver(extra);
  const spec = (expression: string): PolicySpec => ({ matchConstraints: { resourceRules: [rule(['example.org'], ['v1'], ['widgets'])] }, validations: [{ expression }] });
  const widgets = { ...catalog.lookup('apps', 'v1', 'deployments')!, group: 'example.org', version: 'v1', resource: 'widgets', kind: 'Widget' };
  const withWidgets = { lookup: (g: string, v: string, r: string) => (g === 'example.org' && v === 'v1' && r === 'widgets' ? widgets : catalog.lookup(g, v, r)) };
  const run = (expression: string) => typeCheck({ metadata: { name: 'p' }, spec: spec(expression) }, { catalog: withWidgets as typeof catalog, schemas: resolver });
  assert.deepEqual(run("object.spec.size > 1 && object.metadata.labels['a'] == 'b'"), []);
  // Objects preserving unknown fields expose only their properties; untyped nodes not at all.
  assert.match(run('object.spec.extra.anything == 1')[0]!.warning, /^example\.org\/v1, Kind=Widget: ERROR: <input>:1:18: undefined field 'anything'/);
  assert.match(run('object.spec.untyped == 1')[0]!.warning, /undefined field 'untyped'/);
  size = { type: 'string' };
  assert.deepEqual(run('object.spec.size > 1'), [], 'cached until the revision moves');
  revision = 2;
  assert.match(run('object.spec.size > 1')[0]!.warning, /found no matching overload for '_>_' applied to '\(string, int\)'/);
});

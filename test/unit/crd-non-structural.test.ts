import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredStatus } from '../../src/apiextensions/naming.js';
import { nonStructuralCondition } from '../../src/apiextensions/non-structural.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../src/apiextensions/types.js';

function crd(schema: JSONSchemaProps, preserveUnknownFields = false): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', preserveUnknownFields,
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  } as CustomResourceDefinition;
}

test('structural CRDs have no NonStructuralSchema condition', () => {
  assert.equal(nonStructuralCondition(crd({ type: 'object', properties: { spec: { type: 'object' } } })), undefined);
});

test('violations are listed as upstream aggregates them', () => {
  const c = nonStructuralCondition(crd({ type: 'object', properties: { spec: {} } }, true));
  assert.deepEqual(c, {
    type: 'NonStructuralSchema', status: 'True', reason: 'Violations',
    message: '[spec.preserveUnknownFields: Invalid value: true: must be false, spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields]',
  });
  const one = nonStructuralCondition(crd({ type: 'object', properties: { spec: {} } }));
  assert.equal(one?.message, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields');
});

test('schemas NewStructural cannot read give StructuralError', () => {
  const c = nonStructuralCondition(crd({ type: 'object', $ref: '#/x' } as JSONSchemaProps));
  assert.deepEqual(c, { type: 'NonStructuralSchema', status: 'Unknown', reason: 'StructuralError', message: "failed to check validation schema for version v1: OpenAPIV3Schema '$ref' is not supported" });
});

test('desiredStatus sets the condition and removes it once the schema is fixed', () => {
  const bad = crd({ type: 'object', properties: { spec: {} } });
  const status = desiredStatus(bad, []);
  assert.equal(status?.conditions?.find(c => c.type === 'NonStructuralSchema')?.reason, 'Violations');
  const fixed = { ...crd({ type: 'object', properties: { spec: { type: 'object' } } }), status: status! };
  const next = desiredStatus(fixed, []);
  assert.equal(next?.conditions?.some(c => c.type === 'NonStructuralSchema'), false);
});

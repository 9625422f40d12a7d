import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasUnprunedDefaults, validateDefaults } from '../../src/apiextensions/schema/default-validation.js';
import { type JSONSchemaProps } from '../../src/apiextensions/types.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../../src/apiextensions/validation/crd.js';
import type { KubeObject } from '../../src/api/types.js';

const P = 'spec.validation.openAPIV3Schema';
const str: JSONSchemaProps = { type: 'string' };
const brief = (causes: { field?: string; reason?: string; message?: string }[]) => causes.map(c => `${c.reason} ${c.field}: ${c.message}`);

// Upstream's "defaults with unknown fields / invalid values" case of validation_test.go.
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    a: { type: 'object', properties: { foo: str }, default: { foo: 'abc', bar: 42 } },
    b: { type: 'object', properties: { foo: str }, default: { foo: 'abc' } },
    c: { type: 'object', properties: { foo: str }, default: { foo: 42 } },
    d: { type: 'object', properties: { good: { type: 'string', pattern: 'a' }, bad: { type: 'string', pattern: 'b' } }, default: { good: 'a', bad: 'a' } },
    e: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        preserveUnknownFields: { type: 'object', default: { foo: 'abc', bar: 42 } },
        nestedProperties: { type: 'object', properties: { foo: str }, default: { foo: 'abc', bar: 42 } },
      },
    },
    'embedded-fine': {
      type: 'object', 'x-kubernetes-embedded-resource': true, properties: { foo: str },
      default: { foo: 'abc', apiVersion: 'foo/v1', kind: 'v1', metadata: { name: 'foo' } },
    },
    'embedded-preserve-unpruned-objectmeta': {
      type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, properties: { foo: str },
      default: { foo: 'abc', apiVersion: 'foo/v1', kind: 'v1', metadata: { name: 'foo', unspecified: 'bar' }, bar: 42 },
    },
  },
};

test('defaults must be pruned and valid at their position', () => {
  assert.deepEqual(brief(validateDefaults(schema, P, true)), [
    `FieldValueInvalid ${P}.properties[a].default: Invalid value: map[string]interface {}{"bar":42, "foo":"abc"}: must not have unknown fields`,
    `FieldValueTypeInvalid ${P}.properties[c].default.foo: Invalid value: "integer": foo in body must be of type string: "integer"`,
    `FieldValueInvalid ${P}.properties[d].default.bad: Invalid value: "a": bad in body should match 'b'`,
    `FieldValueInvalid ${P}.properties[e].properties[preserveUnknownFields].default: Invalid value: map[string]interface {}{"bar":42, "foo":"abc"}: must not have unknown fields`,
    `FieldValueInvalid ${P}.properties[e].properties[nestedProperties].default: Invalid value: map[string]interface {}{"bar":42, "foo":"abc"}: must not have unknown fields`,
  ]);
  // CRDs stored with unpruned defaults keep them on update.
  assert.equal(validateDefaults(schema, P, false).length, 2);
  assert.equal(hasUnprunedDefaults(schema), true);
  assert.equal(hasUnprunedDefaults({ type: 'object', properties: { b: schema.properties!['b']! } }), false);
});

test('scalar defaults: type, format, enum and bounds', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      n: { type: 'integer', maximum: 5, default: 7 },
      e: { type: 'string', enum: ['x', 'y'], default: 'z' },
      t: { type: 'string', format: 'date-time', default: 'yesterday' },
      ok: { type: 'integer', default: 1 },
    },
  };
  assert.deepEqual(brief(validateDefaults(s, P, true)), [
    `FieldValueInvalid ${P}.properties[n].default: Invalid value: 7:  in body should be less than or equal to 5`,
    `FieldValueNotSupported ${P}.properties[e].default: Unsupported value: "z": supported values: "x", "y"`,
    `FieldValueTypeInvalid ${P}.properties[t].default: Invalid value: "yesterday":  in body must be of type date-time: "yesterday"`,
  ]);
});

test('x-kubernetes-validations run on defaults, as an update and as a create', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          n: { type: 'integer', default: 3, 'x-kubernetes-validations': [{ rule: 'self > 5', message: 'must exceed 5' }] },
          m: { type: 'integer', default: 3, 'x-kubernetes-validations': [{ rule: 'oldSelf.hasValue() && self == oldSelf.value()', optionalOldSelf: true }] },
          items: { type: 'array', items: { type: 'string', default: 'x', maxLength: 2, 'x-kubernetes-validations': [{ rule: "self != 'x'" }] } },
        },
      },
    },
  };
  assert.deepEqual(brief(validateDefaults(s, P, true)), [
    `FieldValueInvalid ${P}.properties[spec].properties[n].default: Invalid value: 3: must exceed 5`,
    `FieldValueInvalid ${P}.properties[spec].properties[m].default: Invalid value: 3: failed rule: oldSelf.hasValue() && self == oldSelf.value()`,
    `FieldValueInvalid ${P}.properties[spec].properties[items].items.default: Invalid value: "x": failed rule: self != 'x'`,
  ]);
});

test('defaults inside embedded metadata are validated in a surrounding object', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      embedded: {
        type: 'object', 'x-kubernetes-embedded-resource': true,
        properties: {
          kind: { type: 'string', default: 'Foo_Bar' },
          metadata: { type: 'object', properties: { name: { type: 'string', default: 'a/b' }, generateName: { type: 'string', default: 'ok-' } } },
        },
      },
    },
  };
  const errs = validateDefaults(s, P, true);
  assert.deepEqual(errs.map(e => e.field), [`${P}.properties[embedded].properties[kind].default`, `${P}.properties[embedded].properties[metadata].properties[name].default`]);
  assert.match(errs[0]!.message!, /^Invalid value: "Foo_Bar": must result in valid metadata: kind: Invalid value: "Foo_Bar": may have mixed case/);
  assert.match(errs[1]!.message!, /^Invalid value: "a\/b": must result in valid metadata: metadata.name: Invalid value: "a\/b": may not contain '\/'$/);
});

function crd(props: Record<string, JSONSchemaProps>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: props } } }],
    },
    status: { storedVersions: ['v1'] },
  } as unknown as KubeObject;
}

test('CRD validation reports default errors; updates of CRDs with unpruned defaults keep them', () => {
  const bad = crd({ spec: { type: 'object', properties: { a: str }, default: { a: 'x', b: 1 } } });
  const errs = validateCustomResourceDefinition(bad);
  assert.deepEqual(brief(errs), [
    // A schema shared by all versions is validated as the top-level one (the internal form).
    'FieldValueInvalid spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: map[string]interface {}{"a":"x", "b":1}: must not have unknown fields',
  ]);
  assert.deepEqual(validateCustomResourceDefinitionUpdate(bad, bad), []);
  const good = crd({ spec: { type: 'object', properties: { a: str }, default: { a: 'x' } } });
  assert.equal(validateCustomResourceDefinitionUpdate(bad, good).length, 1);
});

test('upstream cases: invalid or wrongly typed defaults in embedded TypeMeta and ObjectMeta', () => {
  const v3: JSONSchemaProps = {
    type: 'object',
    properties: {
      embedded: {
        type: 'object', 'x-kubernetes-embedded-resource': true,
        properties: {
          apiVersion: { type: 'string', default: 'v1' },
          kind: { type: 'string', default: '%' },
          metadata: { type: 'object', default: { labels: { bar: 'x y' } } },
        },
      },
    },
  };
  const v4: JSONSchemaProps = {
    type: 'object',
    properties: {
      embedded: {
        type: 'object', 'x-kubernetes-embedded-resource': true,
        properties: {
          metadata: {
            type: 'object',
            properties: { name: { type: 'string', default: 42 }, labels: { type: 'object', properties: { bar: { type: 'string', default: 42 } } } },
          },
        },
      },
    },
  };
  const at = (s: JSONSchemaProps) => validateDefaults(s, P, true).map(c => `${c.reason} ${c.field}`).sort();
  assert.deepEqual(at(v3), [
    `FieldValueInvalid ${P}.properties[embedded].properties[kind].default`,
    `FieldValueInvalid ${P}.properties[embedded].properties[metadata].default`,
  ]);
  assert.deepEqual(at(v4), [
    `FieldValueInvalid ${P}.properties[embedded].properties[metadata].properties[labels].properties[bar].default`,
    `FieldValueInvalid ${P}.properties[embedded].properties[metadata].properties[name].default`,
  ]);
});

test('all defaults share one runtime CEL budget; once it is spent nothing further is checked', () => {
  const list: JSONSchemaProps = {
    type: 'array', maxItems: 5000, items: { type: 'integer' },
    default: Array.from({ length: 400 }, (_, i) => i), 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x >= 0))' }],
  };
  const props = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${String(i).padStart(2, '0')}`, list]));
  const errs = validateDefaults({ type: 'object', properties: props }, P, true);
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.field!, /^spec\.validation\.openAPIV3Schema\.properties\[p\d\d\]\.default$/);
  assert.equal(errs[0]!.message, 'Invalid value: "array": validation failed due to running out of cost budget, no further validation rules will be run');
  // Each default alone fits the budget.
  assert.deepEqual(validateDefaults({ type: 'object', properties: { p: list } }, P, true), []);
});

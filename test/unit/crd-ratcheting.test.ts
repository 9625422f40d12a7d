import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCustomResourceRules } from '../../src/apiextensions/cel/validate.js';
import { Correlated } from '../../src/apiextensions/schema/correlated.js';
import { validateCustomResource } from '../../src/apiextensions/schema/index.js';
import { type JSONSchemaProps } from '../../src/apiextensions/types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 3 },
        other: { type: 'string', maxLength: 3 },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string', maxLength: 2 } },
        ports: {
          type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 100 } } },
        },
        count: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self < 10' }, { rule: 'self >= oldSelf', message: 'may not decrease' }] },
      },
    },
  },
};

const fields = (causes: { field?: string }[]) => causes.map(c => c.field);

test('schema errors on unchanged values ratchet on update; changed values are checked', () => {
  const old = { spec: { name: 'toolong', other: 'ok', ports: [{ name: 'a', port: 500 }, { name: 'b', port: 1 }] } };
  assert.deepEqual(fields(validateCustomResource(old, schema)), ['spec.name', 'spec.ports[0].port']);
  // Unchanged name and port a (moved to another index): both errors drop.
  const same = { spec: { name: 'toolong', other: 'new', ports: [{ name: 'b', port: 1 }, { name: 'a', port: 500 }] } };
  assert.deepEqual(validateCustomResource(same, schema, { old }), []);
  // A changed value is validated again.
  const changed = { spec: { name: 'stilltoolong', other: 'ok', ports: [{ name: 'a', port: 501 }] } };
  assert.deepEqual(fields(validateCustomResource(changed, schema, { old })), ['spec.name', 'spec.ports[0].port']);
  // A new field that is invalid is not excused by the old object.
  assert.deepEqual(fields(validateCustomResource({ spec: { other: 'toolong' } }, schema, { old })), ['spec.other']);
});

test('set items do not correlate: they ratchet only with the whole unchanged list', () => {
  const old = { spec: { tags: ['abc', 'x'] } };
  assert.deepEqual(validateCustomResource({ spec: { tags: ['abc', 'x'], name: 'a' } }, schema, { old }), []);
  assert.deepEqual(fields(validateCustomResource({ spec: { tags: ['abc', 'y'] } }, schema, { old })), ['spec.tags[0]']);
});

test('list-type duplicates are only reported when the old object had none', () => {
  const dup = { spec: { tags: ['a', 'a'] } };
  assert.deepEqual(fields(validateCustomResource(dup, schema)), ['spec.tags[1]']);
  assert.deepEqual(validateCustomResource({ spec: { tags: ['a', 'a', 'b'] } }, schema, { old: dup }), []);
  assert.deepEqual(fields(validateCustomResource(dup, schema, { old: { spec: { tags: ['a'] } } })), ['spec.tags[1]']);
});

test('CEL failures ratchet on unchanged values, except transition rules', () => {
  const old = { spec: { count: 20 } };
  assert.equal(validateCustomResourceRules(schema, { spec: { count: 20 } }, undefined).length, 1);
  const warnings: string[] = [];
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { count: 20, name: 'x' } }, old, { warn: w => warnings.push(w) }), []);
  assert.deepEqual(warnings, ['spec.count: Invalid value: 20: failed rule: self < 10']);
  assert.deepEqual(fields(validateCustomResourceRules(schema, { spec: { count: 21 } }, old)), ['spec.count']);
  // Without ratcheting the unchanged value fails again.
  assert.equal(validateCustomResourceRules(schema, { spec: { count: 20 } }, old, { ratchet: false }).length, 1);
  const dec = validateCustomResourceRules(schema, { spec: { count: 5 } }, { spec: { count: 6 } });
  assert.deepEqual(dec.map(c => c.message), ['Invalid value: 5: may not decrease']);
});

test('correlation: fields by name, list maps by key, equality through them', () => {
  const s = schema.properties!['spec']!;
  const c = new Correlated({ ports: [{ name: 'a', port: 1 }] }, { ports: [{ name: 'z' }, { name: 'a', port: 1 }] }, s);
  assert.deepEqual(c.key('ports')?.index(0)?.old, { name: 'a', port: 1 });
  assert.equal(c.key('ports')?.index(0)?.equal(), true);
  assert.equal(c.key('ports')?.equal(), false);
  assert.equal(c.key('missing'), undefined);
  assert.equal(new Correlated({ a: 1 }, { a: 1 }, { type: 'object', additionalProperties: { type: 'integer' } }).equal(), true);
});

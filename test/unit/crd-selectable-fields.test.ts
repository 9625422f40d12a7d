// CRD selectableFields: accepted field labels, field sets and upstream's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import {
  customResourceFieldSet, customResourceSelectableFieldNames, validateCustomResourceFieldSelector,
} from '../../src/apiextensions/selectable-fields.js';
import type { CustomResourceDefinitionVersion } from '../../src/apiextensions/types.js';
import { parseFieldSelector } from '../../src/registry/selectors/fields.js';

function version(...paths: string[]): CustomResourceDefinitionVersion {
  return { name: 'v1', served: true, storage: true, selectableFields: paths.map(jsonPath => ({ jsonPath })) };
}

const SHIRTS = version('.spec.color', '.spec.size', '.status.count', '.spec.ironed');

function shirt(spec: Record<string, unknown>, status: Record<string, unknown> = {}) {
  return { apiVersion: 'stable.example.com/v1', kind: 'Shirt', metadata: { name: 'blue-l', namespace: 'shop' }, spec, status };
}

test('selectable field names drop the leading dot', () => {
  assert.deepEqual(customResourceSelectableFieldNames(SHIRTS), ['spec.color', 'spec.size', 'status.count', 'spec.ironed']);
  assert.deepEqual(customResourceSelectableFieldNames({ name: 'v1', served: true, storage: true }), []);
});

test('field set: strings, integers and booleans as fmt.Sprint prints them', () => {
  assert.deepEqual(customResourceFieldSet(SHIRTS, shirt({ color: 'blue', size: 'L', ironed: true }, { count: 12 })), {
    'metadata.name': 'blue-l',
    'metadata.namespace': 'shop',
    'spec.color': 'blue',
    'spec.size': 'L',
    'status.count': '12',
    'spec.ironed': 'true',
  });
});

test('field set: absent and null values read as empty strings', () => {
  const set = customResourceFieldSet(SHIRTS, shirt({ color: null, ironed: false }));
  assert.equal(set['spec.color'], '');
  assert.equal(set['spec.size'], '');
  assert.equal(set['status.count'], '');
  assert.equal(set['spec.ironed'], 'false');
});

test('field set: other values as Go formats them', () => {
  const v = version('.spec.ratio', '.spec.big', '.spec.tags', '.spec.labels');
  const set = customResourceFieldSet(v, shirt({ ratio: 0.5, big: 2500000.5, tags: ['a', 'b'], labels: { z: 'x', a: 1 } }));
  assert.equal(set['spec.ratio'], '0.5');
  assert.equal(set['spec.big'], '2.5000005e+06');
  assert.equal(set['spec.tags'], '[a b]');
  assert.equal(set['spec.labels'], 'map[a:1 z:x]');
});

test('cluster-scoped resources have no metadata.namespace field', () => {
  const set = customResourceFieldSet(version('.spec.color'), shirt({ color: 'red' }), false);
  assert.deepEqual(set, { 'metadata.name': 'blue-l', 'spec.color': 'red' });
});

test('no selectable fields: metadata only', () => {
  assert.deepEqual(customResourceFieldSet({ name: 'v1', served: true, storage: true }, shirt({ color: 'red' })), {
    'metadata.name': 'blue-l', 'metadata.namespace': 'shop',
  });
});

test('field set errors carry upstream text', () => {
  assert.throws(() => customResourceFieldSet(version('.spec.tags[*]'), shirt({ tags: ['a', 'b'] })), {
    message: 'unexpectedly received more than one JSON path result',
  });
  // A single-element list gives one result, which is fine.
  assert.equal(customResourceFieldSet(version('.spec.tags[*]'), shirt({ tags: ['a'] }))['spec.tags[*]'], 'a');
  assert.throws(() => customResourceFieldSet(version('.spec.tags[9]'), shirt({ tags: ['a'] })), {
    message: 'unexpected error finding value with jsonPath: array index out of bounds: index 9, length 1',
  });
  assert.throws(() => customResourceFieldSet(version('.spec['), shirt({})), {
    message: 'unexpected error parsing jsonPath: unterminated array',
  });
});

test('a selector on selectable fields matches the field set', () => {
  const sel = validateCustomResourceFieldSelector(SHIRTS, parseFieldSelector('spec.color=blue,status.count!=0'));
  assert.equal(sel.matches(customResourceFieldSet(SHIRTS, shirt({ color: 'blue' }, { count: 3 }))), true);
  assert.equal(sel.matches(customResourceFieldSet(SHIRTS, shirt({ color: 'blue' }, { count: 0 }))), false);
  assert.equal(sel.matches(customResourceFieldSet(SHIRTS, shirt({ color: 'red' }, { count: 3 }))), false);
  const byName = validateCustomResourceFieldSelector(SHIRTS, parseFieldSelector('metadata.name=blue-l,metadata.namespace=shop'));
  assert.equal(byName.matches(customResourceFieldSet(SHIRTS, shirt({}))), true);
});

test('unknown field labels are a 400 with the CR converter message', () => {
  const reject = (v: CustomResourceDefinitionVersion, selector: string, namespaced: boolean, label: string) => {
    assert.throws(() => validateCustomResourceFieldSelector(v, parseFieldSelector(selector), namespaced), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, `field label not supported: ${label}`);
      return true;
    });
  };
  reject(SHIRTS, 'spec.fabric=cotton', true, 'spec.fabric');
  reject(version(), 'spec.color=blue', true, 'spec.color');
  // The label is the path without its dot; the dotted form is not accepted.
  reject(SHIRTS, '.spec.color=blue', true, '.spec.color');
  reject(SHIRTS, 'metadata.namespace=shop', false, 'metadata.namespace');
  reject(SHIRTS, 'metadata.uid=x', true, 'metadata.uid');
  assert.doesNotThrow(() => validateCustomResourceFieldSelector(SHIRTS, parseFieldSelector('metadata.name=x'), false));
});

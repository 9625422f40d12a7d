import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchemaValidations } from '../../src/apiextensions/cel/crd-rules.js';
import { validateCustomResourceRules } from '../../src/apiextensions/cel/validate.js';
import { type JSONSchemaProps } from '../../src/apiextensions/types.js';

const P = 'spec.validation.openAPIV3Schema';

const withSpec = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });

test('rules evaluate with self typed from the schema', () => {
  const schema = withSpec({
    type: 'object',
    properties: { replicas: { type: 'integer' }, max: { type: 'integer' }, name: { type: 'string', maxLength: 20 } },
    'x-kubernetes-validations': [
      { rule: 'self.replicas <= self.max', message: 'replicas must not exceed max' },
      { rule: "self.name.startsWith('a')" },
    ],
  });
  assert.deepEqual(compileSchemaValidations(schema, P), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { replicas: 1, max: 2, name: 'abc' } }, undefined), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { replicas: 3, max: 2, name: 'xyz' } }, undefined), [
    { reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": replicas must not exceed max' },
    { reason: 'FieldValueInvalid', field: 'spec', message: `Invalid value: "object": failed rule: self.name.startsWith('a')` },
  ]);
});

test('maps, lists, int-or-string and the resource root', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('ok') && self.kind == 'Widget'" }],
    properties: {
      spec: {
        type: 'object',
        properties: {
          labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-validations': [{ rule: "'app' in self" }] },
          ports: { type: 'array', items: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', reason: 'FieldValueForbidden', message: 'positive' }] } },
          size: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-validations': [{ rule: "type(self) == int ? self < 10 : self.endsWith('%')" }] },
        },
      },
    },
  };
  assert.deepEqual(compileSchemaValidations(schema, P), []);
  const good = { kind: 'Widget', metadata: { name: 'ok1' }, spec: { labels: { app: 'x' }, ports: [1, 2], size: '50%' } };
  assert.deepEqual(validateCustomResourceRules(schema, good, undefined), []);
  const bad = { kind: 'Widget', metadata: { name: 'no' }, spec: { labels: { b: 'x' }, ports: [1, -2], size: 20 } };
  assert.deepEqual(validateCustomResourceRules(schema, bad, undefined).map(e => `${e.field}: ${e.message}`), [
    `: Invalid value: "object": failed rule: self.metadata.name.startsWith('ok') && self.kind == 'Widget'`,
    `spec.labels: Invalid value: "object": failed rule: 'app' in self`,
    'spec.ports[1]: Forbidden: positive',
    `spec.size: Invalid value: 20: failed rule: type(self) == int ? self < 10 : self.endsWith('%')`,
  ]);
});

test('compile errors name the rule as upstream does', () => {
  const schema = withSpec({
    type: 'object',
    properties: { n: { type: 'integer' } },
    'x-kubernetes-validations': [{ rule: "self.n + 'x' > 0" }, { rule: 'self.n' }, { rule: 'self.missing == 1' }],
  });
  const errs = compileSchemaValidations(schema, P);
  assert.equal(errs.length, 3);
  assert.equal(errs[0]!.field!, `${P}.properties[spec].x-kubernetes-validations[0].rule`);
  assert.match(errs[0]!.message!, /^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.n \+ 'x' > 0", Message:"".*\}: compilation failed: ERROR: <input>:1:8: found no matching overload for '_\+_' applied to '\(int, string\)'/);
  assert.match(errs[1]!.message!, /: cel expression must evaluate to a bool$/);
  assert.match(errs[2]!.message!, /compilation failed: ERROR: <input>:1:5: undefined field 'missing'/);
});

test('rule shape: reason, fieldPath, messageExpression type, optionalOldSelf', () => {
  const schema = withSpec({
    type: 'object',
    properties: { a: { type: 'string' } },
    'x-kubernetes-validations': [
      { rule: 'true', reason: 'Bogus' },
      { rule: 'true', fieldPath: '.nope' },
      { rule: 'true', messageExpression: '1' },
      { rule: 'true', optionalOldSelf: true },
    ],
  });
  const errs = compileSchemaValidations(schema, P).map(e => `${e.field}: ${e.message}`);
  const at = `${P}.properties[spec].x-kubernetes-validations`;
  assert.equal(errs[0], `${at}[0].reason: Unsupported value: "Bogus": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`);
  assert.equal(errs[1], `${at}[1].fieldPath: Invalid value: ".nope": must be a valid path`);
  assert.equal(errs.length, 2, 'schema errors stop CEL compilation at this node');
  schema.properties!.spec!['x-kubernetes-validations'] = [{ rule: 'true', messageExpression: '1' }, { rule: 'true', optionalOldSelf: true }];
  const cel = compileSchemaValidations(schema, P).map(e => `${e.field}: ${e.message}`);
  assert.match(cel[0]!, /x-kubernetes-validations\[0\]\.messageExpression: Invalid value: .*: messageExpression must evaluate to a string$/);
  assert.equal(cel[1], `${at}[1].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`);
});

test('transition rules run only on update unless oldSelf is optional', () => {
  const schema = withSpec({
    type: 'object',
    properties: { v: { type: 'integer' } },
    'x-kubernetes-validations': [
      { rule: 'self.v >= oldSelf.v', message: 'v may not decrease' },
      { rule: 'oldSelf.hasValue() || self.v == 1', optionalOldSelf: true, message: 'v starts at 1' },
    ],
  });
  assert.deepEqual(compileSchemaValidations(schema, P), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { v: 1 } }, undefined), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { v: 5 } }, undefined).map(e => e.message), ['Invalid value: "object": v starts at 1']);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { v: 1 } }, { spec: { v: 2 } }).map(e => e.message), ['Invalid value: "object": v may not decrease']);
});

test('messageExpression, falling back to message on error; fieldPath moves the error', () => {
  const schema = withSpec({
    type: 'object',
    properties: { n: { type: 'integer' }, m: { type: 'object', additionalProperties: { type: 'string' } } },
    'x-kubernetes-validations': [
      { rule: 'self.n < 3', messageExpression: "'n is ' + string(self.n)", fieldPath: '.n', reason: 'FieldValueForbidden' },
      { rule: 'self.n < 3', message: 'static', messageExpression: "self.m['absent']" },
    ],
  });
  assert.deepEqual(compileSchemaValidations(schema, P), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { n: 7, m: {} } }, undefined).map(e => `${e.field}: ${e.message}`), [
    'spec.n: Forbidden: n is 7',
    'spec: Invalid value: "object": static',
  ]);
});

test('estimated cost over an unbounded list is rejected; bounds make it pass', () => {
  const rule = { rule: "self.all(x, self.all(y, x.contains(y)))" };
  const unbounded = withSpec({ type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [rule] });
  const errs = compileSchemaValidations(unbounded, P);
  const costErr = errs.find(e => e.field === `${P}.properties[spec].x-kubernetes-validations[0].rule`);
  assert.equal(costErr?.message, 'Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)');
  assert.ok(errs.some(e => e.field === P && /estimated rule cost total for entire OpenAPIv3 schema exceeds budget/.test(e.message!)));
  const bounded = withSpec({ type: 'array', maxItems: 10, items: { type: 'string', maxLength: 10 }, 'x-kubernetes-validations': [rule] });
  assert.deepEqual(compileSchemaValidations(bounded, P), []);
});

test('runtime budget: per-call limit and the shared budget', () => {
  const schema = withSpec({
    type: 'object',
    properties: { xs: { type: 'array', items: { type: 'integer' } } },
    'x-kubernetes-validations': [{ rule: 'self.xs.all(x, self.xs.all(y, x + y >= 0))' }, { rule: 'false' }],
  });
  const xs = Array.from({ length: 600 }, (_, i) => i);
  const errs = validateCustomResourceRules(schema, { spec: { xs } }, undefined);
  assert.deepEqual(errs.map(e => e.message), [
    "Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.xs.all(x, self.xs.all(y, x + y >= 0))",
  ]);
  // Each item's rule is cheap, but together they exhaust RuntimeCELCostBudget.
  const many = withSpec({ type: 'array', items: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x <= y || x > y))' }] } });
  const row = Array.from({ length: 120 }, (_, i) => i);
  const out = validateCustomResourceRules(many, { spec: Array.from({ length: 300 }, () => row) }, undefined);
  assert.equal(out.length, 1);
  assert.match(out[0]!.field!, /^spec\[\d+\]$/);
  assert.equal(out[0]!.message, 'Invalid value: "array": validation failed due to running out of cost budget, no further validation rules will be run');
});

test('runtime errors are reported per rule', () => {
  const schema = withSpec({
    type: 'object',
    properties: { m: { type: 'object', additionalProperties: { type: 'integer' } } },
    'x-kubernetes-validations': [{ rule: "self.m['k'] > 0" }],
  });
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { m: {} } }, undefined).map(e => e.message), [
    `Invalid value: "object": no such key: k evaluating rule: self.m['k'] > 0`,
  ]);
});

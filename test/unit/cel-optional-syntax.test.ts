import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEnvironment } from '../../src/cel/env.js';
import { rewriteOptionalSyntax } from '../../src/cel/optional-syntax.js';
import { T, type CelT } from '../../src/cel/types.js';
import { fromJson, toJs, type Value } from '../../src/cel/values.js';
import { validateCustomResourceRules } from '../../src/apiextensions/cel/validate.js';
import { compileSchemaValidations } from '../../src/apiextensions/cel/crd-rules.js';
import type { JSONSchemaProps } from '../../src/apiextensions/types.js';

const vars = new Map<string, CelT>([['self', T.dyn], ['xs', T.list(T.int)], ['m', T.map(T.string, T.int)]]);
const bound: Record<string, Value> = { self: fromJson({ a: { b: 1 }, list: [1, 2] }), xs: [3n, 4n], m: fromJson({ k: 7 }) };

function run(expr: string): unknown {
  const c = defaultEnvironment.compile(expr, vars);
  if (!c.ok) throw new Error(c.issues);
  const r = c.program.evaluate(name => bound[name]);
  if (!r.ok) throw new Error(r.message);
  return toJs(r.value);
}

test('the pre-pass rewrites optional select and index, leaving strings and literals alone', () => {
  const text = (src: string) => rewriteOptionalSyntax(src).text;
  assert.equal(text('self.?a.b'), 'self.__opt_select__("a").b');
  assert.equal(text('xs[?0] == m[?"k"]'), 'xs.__opt_index__(0) == m.__opt_index__("k")');
  assert.equal(text("'.?x[?1]' + r\"[?\""), "'.?x[?1]' + r\"[?\"");
  assert.equal(text('a ? [1][0] : b'), 'a ? [1][0] : b');
  assert.equal(text('f(xs[?g([1])[0]])'), 'f(xs.__opt_index__(g([1])[0]))');
  // Offsets after a rewrite map back to the source.
  const r = rewriteOptionalSyntax('self.?a.b + zz');
  assert.equal(r.original(r.text.indexOf('zz')), 'self.?a.b + '.length);
  assert.equal(r.original(r.text.indexOf('__opt')), 'self'.length);
});

test('compile errors after optional syntax point at the source', () => {
  const c = defaultEnvironment.compile('self.?a.orValue(1) + nope', vars);
  assert.equal(c.ok, false);
  assert.match(c.ok ? '' : c.issues, /1:22: undeclared reference to 'nope'/);
});

test('optional selection: present, absent and chained', () => {
  assert.equal(run('self.?a.hasValue()'), true);
  assert.equal(run('self.?zzz.hasValue()'), false);
  assert.equal(run('self.?a.b.orValue(0)'), 1);
  assert.equal(run('self.?a.zzz.orValue(5)'), 5);
  assert.equal(run('self.?zzz.b.orValue(6)'), 6);
});

test('optional indexing of lists and maps', () => {
  assert.equal(run('xs[?1].value()'), 4);
  assert.equal(run('xs[?9].hasValue()'), false);
  assert.equal(run("m[?'k'].orValue(0) + m[?'x'].orValue(1)"), 8);
  assert.equal(run('self.?list[0].orValue(0)'), 1);
  assert.equal(run('self.?list[?5].orValue(-1)'), -1);
});

test('x-kubernetes-validations may use optional fields', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { min: { type: 'integer' }, max: { type: 'integer' } },
        'x-kubernetes-validations': [{ rule: 'self.?min.orValue(0) <= self.?max.orValue(100)', message: 'min must not exceed max' }],
      },
    },
  };
  assert.deepEqual(compileSchemaValidations(schema, 'spec.validation.openAPIV3Schema'), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { min: 5 } }, undefined), []);
  assert.deepEqual(validateCustomResourceRules(schema, { spec: { min: 500 } }, undefined).map(c => c.message), ['Invalid value: "object": min must not exceed max']);
});

// client-go util/jsonpath semantics on plain JSON: parsing, evaluation, errors and printing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoFloat, goSprint } from '../../src/apiextensions/go-values.js';
import { JSONPath, JSONPathError, JSONPathSyntaxError, printResult } from '../../src/apiextensions/jsonpath.js';

const DATA = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web', tier: 'front' } },
      spec: { replicas: 3, ratio: 0.5, paused: false, tags: ['x', 'y', 'z'] },
      status: { conditions: [{ type: 'Ready', status: 'True', message: 'ok' }, { type: 'Synced', status: 'False' }] },
    },
    { metadata: { name: 'b' }, spec: { replicas: 1, nothing: null } },
  ],
};

/** An evaluation error with this message (whatever partial result it carries). */
function evalError(message: string): (e: unknown) => boolean {
  return e => e instanceof JSONPathError && e.message === message;
}

function find(path: string, data: unknown = DATA, allowMissingKeys = true): unknown[][] {
  return JSONPath.parse(path, { allowMissingKeys }).findResults(data);
}

test('dotted fields, indexes and wildcards', () => {
  assert.deepEqual(find('{.kind}'), [['List']]);
  assert.deepEqual(find('{.items[0].metadata.name}'), [['a']]);
  assert.deepEqual(find('{.items[*].metadata.name}'), [['a', 'b']]);
  assert.deepEqual(find('{.items[1].spec.*}'), [[1, null]]);
  assert.deepEqual(find('{$.items[0].spec.replicas}'), [[3]]);
  assert.deepEqual(find('{@.items[0].spec.paused}'), [[false]]);
  // A null value is found (it is not a missing key).
  assert.deepEqual(find('{.items[1].spec.nothing}'), [[null]]);
});

test('bracketed keys and escaped dots', () => {
  assert.deepEqual(find("{.items[0].metadata.labels['app\\.kubernetes\\.io/name']}"), [['web']]);
  assert.deepEqual(find('{.items[0].metadata.labels.app\\.kubernetes\\.io/name}'), [['web']]);
  // Unescaped dots inside brackets split into fields, as upstream does.
  assert.deepEqual(find("{.items[0].metadata.labels['app.kubernetes.io/name']}"), [[]]);
  assert.deepEqual(find("{.items[0].metadata.labels['tier']}"), [['front']]);
});

test('slices: negative indexes, ranges, steps and bounds', () => {
  const tags = (p: string) => find(`{.items[0].spec.tags${p}}`);
  assert.deepEqual(tags('[-1]'), [['z']]);
  assert.deepEqual(tags('[0:2]'), [['x', 'y']]);
  assert.deepEqual(tags('[1:]'), [['y', 'z']]);
  assert.deepEqual(tags('[::2]'), [['x', 'z']]);
  assert.deepEqual(tags('[-2:]'), [['y', 'z']]);
  assert.deepEqual(tags('[1:1]'), [[]]);
  assert.throws(() => tags('[3]'), evalError('array index out of bounds: index 3, length 3'));
  assert.throws(() => tags('[0:5]'), evalError('array index out of bounds: index 4, length 3'));
  assert.throws(() => tags('[2:1]'), evalError('starting index 2 is greater than ending index 1'));
  assert.throws(() => tags('[0:2:0]'), evalError('step must be > 0'));
  assert.throws(() => find('{.items[0].metadata[0]}'), evalError('map[string]interface {} is not array or slice'));
  assert.throws(() => find('{.kind[0]}'), evalError('string is not array or slice'));
});

test('unions of indexes and of keys', () => {
  assert.deepEqual(find('{.items[0,1].metadata.name}'), [['a', 'b']]);
  assert.deepEqual(find("{.items[0].metadata.labels['tier', 'missing']}"), [['front']]);
  assert.deepEqual(find('{.items[0].spec.tags[2, 0]}'), [['z', 'x']]);
});

test('filters: comparisons, existence and their type rules', () => {
  const conds = '.items[0].status.conditions';
  assert.deepEqual(find(`{${conds}[?(@.type=="Ready")].status}`), [['True']]);
  assert.deepEqual(find(`{${conds}[?(@.type == 'Synced')].status}`), [['False']]);
  assert.deepEqual(find(`{${conds}[?(@.type!="Ready")].type}`), [['Synced']]);
  assert.deepEqual(find(`{${conds}[?(@.message)].type}`), [['Ready']]);
  assert.deepEqual(find('{.items[?(@.spec.replicas>2)].metadata.name}'), [['a']]);
  assert.deepEqual(find('{.items[?(@.spec.replicas<=1)].metadata.name}'), [['b']]);
  assert.deepEqual(find('{.items[?(@.spec.replicas>=1)].metadata.name}'), [['a', 'b']]);
  assert.deepEqual(find('{.items[?(@.spec.paused==false)].metadata.name}'), [['a']]);
  // Elements without the field are skipped, not compared.
  assert.deepEqual(find('{.items[?(@.spec.ratio<1.0)].metadata.name}'), [['a']]);
  // Go compares kinds strictly: an int field against a float literal, booleans with <.
  assert.throws(() => find('{.items[?(@.spec.replicas>1.5)].metadata.name}'), evalError('incompatible types for comparison'));
  assert.throws(() => find('{.items[?(@.spec.paused<true)].metadata.name}'), evalError('invalid type for comparison'));
  assert.throws(() => find('{.items[?(@.spec.tags=="x")]}'), evalError('invalid type for comparison'));
  assert.throws(() => find('{.items[?(@.spec.tags[*]=="x")]}'), evalError('can only compare one element at a time'));
  assert.throws(() => find('{.kind[?(@.x)]}'), evalError('List is not array or slice and cannot be filtered'));

});

test('existence filters count what a failing step returned, as upstream does', () => {
  const data = { items: [{ n: 'empty', l: [] }, { n: 'one', l: [1] }, { n: 'none' }, { n: 'scalar', l: 'abc' }] };
  // `l[0]` fails on the empty list and the string, and upstream keeps their input as found.
  assert.deepEqual(find('{.items[?(@.l[0])].n}', data), [['empty', 'one', 'scalar']]);
  assert.deepEqual(find('{.items[?(@.l)].n}', data), [['empty', 'one', 'scalar']]);
  assert.deepEqual(find('{.items[?(@.l[0]==1)].n}', { items: [{ n: 'one', l: [1] }, { n: 'two', l: [2] }] }), [['one']]);
  assert.throws(() => find('{.items[?(@.l[0]==1)].n}', data), (e: unknown) => {
    assert.ok(e instanceof JSONPathError);
    assert.equal(e.message, 'array index out of bounds: index 0, length 0');
    return true;
  });
});

test('recursive descent', () => {
  assert.deepEqual(find('{..name}'), [['a', 'b']]);
  // The item's own status map comes first, then each condition's status.
  assert.deepEqual(find('{.items[0]..status}'), [[DATA.items[0]!.status, 'True', 'False']]);
  assert.deepEqual(find('{..tags[1]}'), [['y']]);
  assert.throws(() => JSONPath.parse('{....name}'), new JSONPathSyntaxError('invalid multiple recursive descent'));
});

test('text, quoted strings and several actions', () => {
  assert.deepEqual(find('name={.items[0].metadata.name};'), [['name='], ['a'], [';']]);
  assert.deepEqual(find('{"x\\ty"}'), [['x\ty']]);
  assert.deepEqual(find("{'it'}{.kind}"), [['it'], ['List']]);
  // An empty action is the current object itself.
  assert.deepEqual(find('{}'), [[DATA]]);
});

test('range over items', () => {
  assert.deepEqual(find('{range .items[*]}[{.metadata.name}]{end}'), [['['], ['a'], [']'], ['['], ['b'], [']']]);
  assert.deepEqual(find('{range .missing[*]}{.x}{end}done'), [['done']]);
  assert.throws(() => find('{end}'), evalError('not in range, nothing to end'));
  assert.throws(() => find('{.items[0] foo}'), evalError('unrecognized identifier foo'));
});

test('missing keys: empty with allowMissingKeys, an error without', () => {
  assert.deepEqual(find('{.items[0].spec.nope}'), [[]]);
  assert.deepEqual(find('{.nope.deeper}'), [[]]);
  assert.throws(() => find('{.items[0].spec.nope}', DATA, false), evalError('nope is not found'));
  // A field of a non-object finds nothing.
  assert.deepEqual(find('{.kind.length}'), [[]]);
});

test('syntax errors carry upstream messages', () => {
  const cases: [string, string][] = [
    ['{.kind', 'unclosed action'],
    ['{#}', "unrecognized character in action: U+0023 '#'"],
    ['{.items[0}', 'unterminated array'],
    ['{.items[a]}', 'invalid array index a'],
    ['{.items[?(@.x=="y"}', 'unterminated filter'],
    ['{.items[?(@.x)}', 'unclosed array expect ]'],
    ['{"abc}', 'unterminated quoted string'],
    ['{1.2.3}', 'cannot parse number 1.2.3'],
    ['{"a\\qb"}', 'unquote string "a\\qb" error invalid syntax'],
  ];
  for (const [path, message] of cases) {
    assert.throws(() => JSONPath.parse(path), new JSONPathSyntaxError(message), path);
  }
});

test('printResult: JSON for maps and slices, fmt.Sprint for scalars', () => {
  assert.equal(printResult({ b: 1, a: '<x>&' }), '{"a":"\\u003cx\\u003e\\u0026","b":1}');
  assert.equal(printResult(['a', 1, true]), '["a",1,true]');
  assert.equal(printResult('plain'), 'plain');
  assert.equal(printResult(42), '42');
  assert.equal(printResult(2.5), '2.5');
  assert.equal(printResult(false), 'false');
  assert.equal(printResult(null), '<no value>');
});

test("Go's float and value formatting", () => {
  assert.equal(formatGoFloat(0.5), '0.5');
  assert.equal(formatGoFloat(123456.5), '123456.5');
  assert.equal(formatGoFloat(1234567.5), '1.2345675e+06');
  assert.equal(formatGoFloat(0.00001), '1e-05');
  assert.equal(formatGoFloat(0.0001), '0.0001');
  assert.equal(formatGoFloat(1.5e300), '1.5e+300');
  assert.equal(goSprint({ z: [1, 'a'], a: { k: null } }), 'map[a:map[k:<nil>] z:[1 a]]');
});

// Label selector parsing and matching, against the behaviour of upstream's labels/selector_test.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import {
  formatLabels, formatLabelSelector, fromLabelSelectorObject, NOTHING, parseLabelSelector,
} from '../../src/registry/selectors/labels.js';

function badRequest(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError, `${s}: not an ApiError`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  assert.fail(`${JSON.stringify(s)} parsed without error`);
}

const VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('good selectors round-trip through toString without spaces', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    assert.equal(parseLabelSelector(s).toString(), s.replaceAll(' ', ''), s);
  }
});

test('requirements are sorted by key, so parsing is deterministic', () => {
  assert.equal(parseLabelSelector('x=a,a=x').toString(), parseLabelSelector('a=x,x=a').toString());
  assert.equal(parseLabelSelector('x notin (abc,,def),bar,z in (),w').toString(), 'bar,w,x notin (,abc,def),z in ()');
});

test('set-based syntax, whitespace and keywords as values', () => {
  const cases: [string, string][] = [
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['a ', 'a'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['notin=in', 'notin=in'],
    ['x==y', 'x==y'],
    ['x in (b,a,b)', 'x in (a,b)'],
  ];
  for (const [input, out] of cases) assert.equal(parseLabelSelector(input).toString(), out, JSON.stringify(input));
});

test('matching', () => {
  const m = (s: string, labels: Record<string, string> | undefined) => parseLabelSelector(s).matches(labels);
  assert.equal(m('', { x: 'y' }), true);
  assert.equal(m('', undefined), true);
  assert.equal(m('x=y', { x: 'y' }), true);
  assert.equal(m('x=y,z=w', { x: 'y', z: 'w' }), true);
  assert.equal(m('x!=y,z!=w', { x: 'z', z: 'a' }), true);
  assert.equal(m('notin=in', { notin: 'in' }), true);
  assert.equal(m('x', { x: 'z' }), true);
  assert.equal(m('!x', { y: 'z' }), true);
  assert.equal(m('x>1', { x: '2' }), true);
  assert.equal(m('x<1', { x: '0' }), true);
  assert.equal(m('x<1', { x: '-5' }), true);
  assert.equal(m('x=z', {}), false);
  assert.equal(m('x=y', { x: 'z' }), false);
  assert.equal(m('x=y,z=w', { x: 'w', z: 'w' }), false);
  assert.equal(m('x!=y,z!=w', { x: 'z', z: 'w' }), false);
  assert.equal(m('x', { y: 'z' }), false);
  assert.equal(m('!x', { x: 'z' }), false);
  assert.equal(m('x>1', { x: '0' }), false);
  assert.equal(m('x<1', { x: '2' }), false);
  assert.equal(m('x>1', { x: 'v2' }), false);
  assert.equal(m('x>1', {}), false);
  assert.equal(m('x!=a', {}), true);
  assert.equal(m('x notin ()', { y: '' }), true);
  assert.equal(m('x in ()', { y: 'baz' }), false);
  assert.equal(m('x in ()', { x: '' }), true);
  assert.equal(m('x,y in (a)', { x: '1', y: 'a' }), true);
  assert.equal(m('foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }), false);
});

test('isEmpty', () => {
  assert.equal(parseLabelSelector('').isEmpty(), true);
  assert.equal(parseLabelSelector('  ').isEmpty(), true);
  assert.equal(parseLabelSelector('a').isEmpty(), false);
});

test('syntax errors carry upstream messages', () => {
  assert.equal(badRequest('x==a==b'), "found '==', expected: ',' or 'end of string'");
  assert.equal(badRequest('!x=a'), "found '=', expected: ',' or 'end of string'");
  assert.equal(badRequest('x,,y'), "found ',', expected: identifier after ','");
  assert.equal(badRequest(',x,y'), "found ',', expected: !, identifier, or 'end of string'");
  assert.equal(badRequest('a in (xyz),'), "found '', expected: identifier after ','");
  assert.equal(badRequest('a in (xyz)b notin ()'), "found 'b', expected: ',' or 'end of string'");
  assert.equal(badRequest('('), "found '(', expected: !, identifier, or 'end of string'");
  assert.equal(badRequest('x nott in (y)'), "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt");
  assert.equal(badRequest('a ('), "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
  assert.equal(badRequest('a in (xyz abc)'), "unable to parse requirement: found 'abc', expected: ',' or ')'");
  assert.equal(badRequest('a notin('), "unable to parse requirement: found '', expected: ',', ')' or identifier");
  assert.equal(badRequest('a in b'), "unable to parse requirement: found 'b' expected: '('");
  assert.equal(badRequest('a=('), "unable to parse requirement: found '(', expected: identifier");
  assert.equal(badRequest('!'), "unable to parse requirement: found '', expected: identifier");
});

test('validation errors carry upstream field paths and messages', () => {
  assert.equal(badRequest('x=a||y=b'), `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_RULE}`);
  assert.equal(badRequest('x<a'), `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(badRequest('x>'), `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(badRequest('x>-'),
    `unable to parse requirement: [values[0]: Invalid value: "-": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "-": ${VALUE_RULE}]`);
  assert.equal(badRequest(`x=${'a'.repeat(64)}`),
    `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`);
  assert.equal(badRequest('a/b/c'),
    `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`);
  assert.equal(badRequest(`${'k'.repeat(64)}=v`), `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`);
  assert.equal(badRequest('/x'), 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty');
  assert.equal(badRequest('Ex.com/x'),
    `unable to parse requirement: <nil>: Invalid value: "Ex.com/x": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
  assert.equal(badRequest('x/'), `unable to parse requirement: <nil>: Invalid value: "x/": name part must be non-empty; name part ${NAME_RULE}`);
  assert.equal(badRequest('-x'), `unable to parse requirement: <nil>: Invalid value: "-x": name part ${NAME_RULE}`);
  assert.equal(badRequest('x=é'), `unable to parse requirement: values[0][x]: Invalid value: "é": ${VALUE_RULE}`);
});

test('fromLabelSelectorObject: nil selects nothing, empty selects everything', () => {
  assert.equal(fromLabelSelectorObject(null), NOTHING);
  assert.equal(fromLabelSelectorObject(undefined).matches({ a: 'b' }), false);
  assert.equal(fromLabelSelectorObject({}).matches({ a: 'b' }), true);
  assert.equal(fromLabelSelectorObject({}).isEmpty(), true);
  const s = fromLabelSelectorObject({
    matchLabels: { app: 'web', tier: 'front' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'dev'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'Exists' },
      { key: 'team', operator: 'NotIn', values: ['x'] },
    ],
  });
  assert.equal(s.toString(), 'app=web,env in (dev,prod),!legacy,team notin (x),tier=front,zone');
  assert.equal(s.matches({ app: 'web', tier: 'front', env: 'dev', zone: 'a' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'front', env: 'dev', zone: 'a', legacy: '' }), false);
  assert.equal(s.matches({ app: 'web', tier: 'front', env: 'qa', zone: 'a' }), false);
});

test('fromLabelSelectorObject errors', () => {
  const err = (ps: Parameters<typeof fromLabelSelectorObject>[0]) => {
    try {
      fromLabelSelectorObject(ps);
    } catch (e) {
      assert.ok(e instanceof ApiError);
      return e.message;
    }
    return assert.fail('no error');
  };
  assert.equal(err({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), '"Gt" is not a valid label selector operator');
  assert.equal(err({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
  assert.equal(err({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }),
    'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist');
  assert.equal(err({ matchLabels: { 'a b': 'c' } }), `key: Invalid value: "a b": name part ${NAME_RULE}`);
});

test('formatLabels and formatLabelSelector print as kubectl shows them', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'x' } }), 'app=x');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
});

// Field selector parsing, escaping and matching (upstream fields/selector.go behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import { escapeFieldValue, parseFieldSelector } from '../../src/registry/selectors/fields.js';

function badRequest(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    return e.message;
  }
  return assert.fail(`${JSON.stringify(s)} parsed without error`);
}

test('terms, operators and their order', () => {
  const s = parseFieldSelector('status.phase!=Running,metadata.name==web,spec.nodeName=n1');
  assert.deepEqual(s.requirements, [
    { field: 'metadata.name', op: '=', value: 'web' },
    { field: 'spec.nodeName', op: '=', value: 'n1' },
    { field: 'status.phase', op: '!=', value: 'Running' },
  ]);
  assert.equal(s.toString(), 'metadata.name=web,spec.nodeName=n1,status.phase!=Running');
  assert.equal(s.isEmpty(), false);
  assert.equal(s.requiresExactMatch('spec.nodeName'), 'n1');
  assert.equal(s.requiresExactMatch('status.phase'), undefined);
});

test('empty selectors and terms without a field select everything', () => {
  assert.equal(parseFieldSelector('').isEmpty(), true);
  assert.equal(parseFieldSelector(',,').isEmpty(), true);
  assert.equal(parseFieldSelector('=x').isEmpty(), true);
  assert.equal(parseFieldSelector('=x').matches({}), true);
});

test('matching: a missing field reads as the empty string', () => {
  const m = (s: string, f: Record<string, string>) => parseFieldSelector(s).matches(f);
  assert.equal(m('a=b', { a: 'b' }), true);
  assert.equal(m('a=b', { a: 'c' }), false);
  assert.equal(m('a!=b', { a: 'c' }), true);
  assert.equal(m('a!=b', {}), true);
  assert.equal(m('a=', {}), true);
  assert.equal(m('a!=', {}), false);
  assert.equal(m('a=b,c=d', { a: 'b', c: 'd' }), true);
  assert.equal(m('a=b,c=d', { a: 'b', c: 'e' }), false);
});

test('backslash escapes in values', () => {
  const s = parseFieldSelector('a=x\\,y\\=z\\\\,b=c');
  assert.deepEqual(s.requirements, [
    { field: 'a', op: '=', value: 'x,y=z\\' },
    { field: 'b', op: '=', value: 'c' },
  ]);
  assert.equal(s.toString(), 'a=x\\,y\\=z\\\\,b=c');
  assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  assert.equal(parseFieldSelector(`k=${escapeFieldValue('v=1,2')}`).matches({ k: 'v=1,2' }), true);
});

test('the first operator splits the term; the field part is not unescaped', () => {
  assert.deepEqual(parseFieldSelector('a!b=c').requirements, [{ field: 'a!b', op: '=', value: 'c' }]);
  assert.deepEqual(parseFieldSelector('a==!b').requirements, [{ field: 'a', op: '=', value: '!b' }]);
});

test('malformed selectors carry upstream messages', () => {
  assert.equal(badRequest('a'), "invalid selector: 'a'; can't understand 'a'");
  assert.equal(badRequest('b=c,a'), "invalid selector: 'b=c,a'; can't understand 'a'");
  assert.equal(badRequest('a=b=c'), 'invalid field selector: unescaped character in value: 61');
  assert.equal(badRequest('a!=b,c'), "invalid selector: 'a!=b,c'; can't understand 'c'");
  assert.equal(badRequest('a=x\\!'), 'invalid field selector: invalid escape sequence: \\!');
  assert.equal(badRequest('a=x\\'), 'invalid field selector: invalid escape sequence: \\');
});

test('transform renames fields and drops terms mapped to no field', () => {
  const s = parseFieldSelector('spec.host=n1,x=y').transform((field, value) => (field === 'spec.host' ? { field: 'spec.nodeName', value } : { field: '', value }));
  assert.deepEqual(s.requirements, [{ field: 'spec.nodeName', op: '=', value: 'n1' }]);
});

// Issue 18 items 9-10, the pure parts: Go's media type grammar, integer query parameters as
// strconv.ParseInt reads them, and number literals that Go refuses for integer fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGoMediaType } from '../../src/endpoints/media-type.js';
import { intParam } from '../../src/endpoints/handlers/params.js';
import { numberLiteral, parseJson } from '../../src/api/decode/json-parse.js';
import { walkValue } from '../../src/api/decode/walk.js';

describe('isGoMediaType', () => {
  for (const ok of ['application/json', 'application/json;', 'application/json; charset=utf-8', 'application/json;charset="utf-8"', 'text', 'application/yaml ; a=b ; c=d']) {
    it(`accepts ${ok}`, () => assert.equal(isGoMediaType(ok), true));
  }
  for (const bad of ['application/json;;;;', 'application/json;;', 'application/json; a=1; a=2', 'application/json; a', 'application/', '/json', 'application/json/x', 'application/json; a="unterminated', ';']) {
    it(`refuses ${bad}`, () => assert.equal(isGoMediaType(bad), false));
  }
});

describe('intParam', () => {
  const q = (s: string) => new URLSearchParams(s);
  it('reads signed decimal integers', () => {
    assert.equal(intParam(q('limit=%2B5'), 'limit'), 5);
    assert.equal(intParam(q('limit=-1'), 'limit'), -1);
    assert.equal(intParam(q(''), 'limit'), undefined);
  });
  it('refuses what strconv.ParseInt refuses, with its message', () => {
    assert.throws(() => intParam(q('limit='), 'limit'), { code: 400, message: 'strconv.ParseInt: parsing "": invalid syntax' });
    assert.throws(() => intParam(q('limit=1.5'), 'limit'), { code: 400, message: 'strconv.ParseInt: parsing "1.5": invalid syntax' });
    assert.throws(() => intParam(q('limit=9223372036854775808'), 'limit'), { code: 400, message: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' });
    assert.equal(intParam(q('limit=-9223372036854775808'), 'limit'), -(2 ** 63));
  });
});

describe('number literals for integer fields', () => {
  it('remembers only literals that are not plain integers', () => {
    const v = parseJson('{"a":1E2,"b":2,"c":[1.0,3]}') as { c: unknown[] };
    assert.equal(numberLiteral(v, 'a'), '1E2');
    assert.equal(numberLiteral(v, 'b'), undefined);
    assert.equal(numberLiteral(v.c, 0), '1.0');
    assert.equal(numberLiteral(v.c, 1), undefined);
  });
  it('refuses 1E2 and -0.0 for an int32 field as Go does, and keeps 100', () => {
    const node = { kind: 'struct', name: 'S', goType: 'S', props: new Map([['n', { kind: 'int', bits: 32 }]]), required: new Set(), emitted: new Map() } as never;
    for (const lit of ['1E2', '-0.0', '1.0']) {
      const r = walkValue(node, parseJson(`{"n":${lit}}`), false);
      assert.equal(r.typeError, `json: cannot unmarshal number ${lit} into Go struct field S.n of type int32`);
    }
    assert.equal(walkValue(node, parseJson('{"n":100}'), false).typeError, undefined);
  });
});

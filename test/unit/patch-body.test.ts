// Issue 18 items 1 and 9: PATCH bodies read as upstream's patch handler reads them, per patch type
// and field validation mode (kjson strict decoding first, then evanphx/json-patch or strategicpatch).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import { readPatchBody, type PatchBodyType } from '../../src/endpoints/handlers/patch-body.js';
import { strictWarnings } from '../../src/api/strict-errors.js';

function refused(type: PatchBodyType, body: string, mode: 'Ignore' | 'Warn' | 'Strict'): { code: number; message: string } {
  try {
    readPatchBody(Buffer.from(body), type, mode);
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail(`${type} ${body} was accepted`);
}

describe('patch bodies as upstream reads them', () => {
  it('JSON patch under Strict/Warn: kjson into []jsonPatchOp, 400 "error decoding patch"', () => {
    for (const mode of ['Strict', 'Warn'] as const) {
      assert.deepEqual(refused('json-patch', 'xx', mode), { code: 400, message: "error decoding patch: invalid character 'x' looking for beginning of value" });
      assert.deepEqual(refused('json-patch', '{}', mode), { code: 400, message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp' });
      assert.deepEqual(refused('json-patch', '5', mode), { code: 400, message: 'error decoding patch: json: cannot unmarshal number into Go value of type []handlers.jsonPatchOp' });
      assert.deepEqual(refused('json-patch', '[1]', mode), { code: 400, message: 'error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp' });
      assert.deepEqual(refused('json-patch', '[{"op":"add","path":5}]', mode), { code: 400, message: 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string' });
      assert.deepEqual(refused('json-patch', '[{"op":"add"', mode), { code: 400, message: 'error decoding patch: unexpected end of JSON input' });
    }
  });

  it('JSON patch under Ignore: only jsonpatch.DecodePatch', () => {
    assert.deepEqual(refused('json-patch', 'xx', 'Ignore'), { code: 400, message: "invalid character 'x' looking for beginning of value" });
    assert.deepEqual(refused('json-patch', '"s"', 'Ignore'), { code: 400, message: 'json: cannot unmarshal string into Go value of type jsonpatch.Patch' });
    assert.deepEqual(refused('json-patch', '[[]]', 'Ignore'), { code: 400, message: 'json: cannot unmarshal array into Go value of type jsonpatch.Operation' });
    // Types of operation fields are the patch library's business (422 when applied).
    assert.deepEqual(readPatchBody(Buffer.from('[{"op":5}]'), 'json-patch', 'Ignore').patch, [{ op: 5 }]);
  });

  it('a null JSON patch is an empty patch', () => {
    for (const mode of ['Ignore', 'Strict'] as const) assert.deepEqual(readPatchBody(Buffer.from('null'), 'json-patch', mode), { patch: [], strictErrors: [] });
  });

  it('JSON patch strict errors: unknown and duplicate operation fields, duplicates inside values, with kjson paths', () => {
    const body = '[{"op":"add","path":"/a","value":{"x":{"y":1,"y":2},"x":3},"foo":{"z":1,"z":2},"path":"/b"},{"op":"test","path":"/c","value":[{"k":1,"k":1}],"foo":1,"foo":2}]';
    assert.deepEqual(readPatchBody(Buffer.from(body), 'json-patch', 'Strict').strictErrors, [
      'json patch duplicate field "[0].value.x.y"',
      'json patch duplicate field "[0].value.x"',
      'json patch unknown field "[0].foo"',
      'json patch duplicate field "[0].path"',
      'json patch duplicate field "[1].value[0].k"',
      'json patch unknown field "[1].foo"',
    ]);
    assert.deepEqual(readPatchBody(Buffer.from(body), 'json-patch', 'Ignore').strictErrors, []);
  });

  it('merge patch: kjson first under Strict/Warn, then jsonpatch.MergePatch (ErrBadJSONPatch)', () => {
    assert.deepEqual(refused('merge-patch', 'xx', 'Strict'), { code: 400, message: "error decoding patch: invalid character 'x' looking for beginning of value" });
    assert.deepEqual(refused('merge-patch', '[1]', 'Warn'), { code: 400, message: 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}' });
    assert.deepEqual(refused('merge-patch', 'null', 'Strict'), { code: 400, message: 'Invalid JSON Patch' });
    for (const body of ['xx', 'null', '5', '"s"', 'true']) assert.deepEqual(refused('merge-patch', body, 'Ignore'), { code: 400, message: 'Invalid JSON Patch' });
    // An array replaces the document; the typed decode then refuses it (422 in the handler).
    assert.deepEqual(readPatchBody(Buffer.from('[1]'), 'merge-patch', 'Ignore').patch, [1]);
  });

  it('merge and strategic merge patch duplicates at any depth, once each, first occurrences included', () => {
    const body = '{"a":{"b":1,"b":2},"a":{},"l":[{"k":1,"k":2}],"m":{"n":{"o":1,"o":1}},"m":1}';
    const expected = ['duplicate field "a.b"', 'duplicate field "a"', 'duplicate field "l[0].k"', 'duplicate field "m.n.o"', 'duplicate field "m"'];
    assert.deepEqual(readPatchBody(Buffer.from(body), 'merge-patch', 'Strict').strictErrors, expected);
    assert.deepEqual(readPatchBody(Buffer.from(body), 'strategic-merge-patch', 'Warn').strictErrors, expected);
  });

  it('field paths are quoted as Go quotes them', () => {
    assert.deepEqual(readPatchBody(Buffer.from('{"a\\nb":1,"a\\nb":2}'), 'merge-patch', 'Strict').strictErrors, ['duplicate field "a\\nb"']);
  });

  it('strict errors stop at 100, as sigs.k8s.io/json keeps them', () => {
    const body = `{${Array.from({ length: 150 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',')}}`;
    assert.equal(readPatchBody(Buffer.from(body), 'merge-patch', 'Strict').strictErrors.length, 100);
  });

  it('strategic merge patch: the strategicpatch decoder\'s bare messages', () => {
    for (const mode of ['Ignore', 'Strict'] as const) {
      assert.deepEqual(refused('strategic-merge-patch', 'xx', mode), { code: 400, message: "invalid character 'x' looking for beginning of value" });
      assert.deepEqual(refused('strategic-merge-patch', '[1]', mode), { code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
    }
    assert.equal(readPatchBody(Buffer.from('null'), 'strategic-merge-patch', 'Strict').patch, null);
  });

  it('YAML strict errors become one warning per key, others one each (parseYAMLWarnings)', () => {
    assert.deepEqual(strictWarnings(['error converting YAML to JSON: yaml: unmarshal errors:\n  line 2: key "a" already set in map\n  line 3: key "b" already set in map', 'unknown field "x"']), [
      'line 2: key "a" already set in map', 'line 3: key "b" already set in map', 'unknown field "x"',
    ]);
  });
});

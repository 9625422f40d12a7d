// Hostile patches and bodies (issue 18): bounded work, upstream's 4xx, no stack overflow, and keys
// named like Object.prototype members treated as data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import { applyJsonPatch, maxJsonPatchOperations } from '../../src/registry/patch/json-patch.js';
import { applyMergePatch } from '../../src/registry/patch/merge-patch.js';
import { applyStrategicMergePatchWithSchema } from '../../src/registry/patch/strategic-merge-patch.js';
import { OPAQUE } from '../../src/api/patch-meta.js';
import { parseBody } from '../../src/endpoints/body.js';
import { parseJson } from '../../src/api/decode/json-parse.js';
import { maxNestingDepth, nestsTooDeep } from '../../src/api/decode/depth.js';

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const protoNames = Object.getOwnPropertyNames(Object.prototype);
const doc = () => ({ metadata: { name: 'x', labels: { a: 'b' } }, data: { k: 'v' }, list: [1, 2, 3] });

describe('JSON patch limits', () => {
  it('refuses more operations than upstream with 413', () => {
    const ops = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: 'test', path: '/metadata/name', value: 'x' }));
    const e = apiError(() => applyJsonPatch(doc(), ops));
    assert.equal(e.code, 413);
    assert.match(e.message, /The allowed maximum operations in a JSON patch is 10000, got 10001/);
  });

  it('stops copies that double an array once they add more than 3 MiB, quickly', () => {
    const ops: unknown[] = [{ op: 'add', path: '/arr', value: ['x'.repeat(100)] }];
    for (let i = 0; i < 2000; i++) ops.push({ op: 'copy', from: '/arr', path: '/arr/-' });
    const started = performance.now();
    const e = apiError(() => applyJsonPatch(doc(), ops));
    assert.ok(performance.now() - started < 2000);
    assert.equal(e.code, 422);
    assert.match(e.message, /Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728/);
  });

  it('fails a move into its own child instead of building a cycle', () => {
    const e = apiError(() => applyJsonPatch(doc(), [{ op: 'move', from: '/metadata', path: '/metadata/child' }]));
    assert.equal(e.code, 422);
    assert.match(e.message, /move operation does not apply: doc is missing destination path: \/metadata\/child/);
  });

  it('refuses moves that nest the document deeper than the limit', () => {
    const ops: unknown[] = [{ op: 'add', path: '/n', value: {} }];
    for (let i = 0; i < maxNestingDepth + 10; i++) {
      ops.push({ op: 'add', path: '/t', value: {} }, { op: 'move', from: '/n', path: '/t/c' }, { op: 'move', from: '/t', path: '/n' });
    }
    assert.equal(apiError(() => applyJsonPatch(doc(), ops)).code, 422);
  });

  it('keeps upstream messages for unknown ops, failed tests and missing keys', () => {
    assert.match(apiError(() => applyJsonPatch(doc(), [{ op: 'bogus' }])).message, /Unexpected kind: bogus$/);
    assert.match(apiError(() => applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/name', value: 'y' }])).message, /testing value \/metadata\/name failed: test failed/);
    assert.match(apiError(() => applyJsonPatch(doc(), [{ op: 'remove', path: '/nope' }])).message, /error in remove for path: '\/nope': Unable to remove nonexistent key: nope: missing value/);
    assert.match(apiError(() => applyJsonPatch(doc(), [{ op: 'add', path: '/list/9', value: 1 }])).message, /Unable to access invalid index: 9/);
    assert.equal(apiError(() => applyJsonPatch(doc(), { op: 'add' })).code, 400);
  });

  it('applies ordinary operations, negative indices included', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'add', path: '/list/-1', value: 9 },
      { op: 'replace', path: '/data/k', value: 'w' },
      { op: 'copy', from: '/data/k', path: '/data/c' },
      { op: 'remove', path: '/list/0' },
    ]);
    assert.deepEqual(out, { metadata: { name: 'x', labels: { a: 'b' } }, data: { k: 'w', c: 'w' }, list: [2, 3, 9] });
  });

  it('treats every Object.prototype name as an ordinary key', () => {
    for (const name of protoNames) {
      const out = applyJsonPatch(doc(), [{ op: 'add', path: `/metadata/labels/${name}`, value: 'v' }]) as { metadata: { labels: Record<string, unknown> } };
      assert.ok(Object.hasOwn(out.metadata.labels, name), name);
      assert.equal(Object.getPrototypeOf(out.metadata.labels), Object.prototype, name);
      // Walking through a prototype member must not find anything there.
      assert.equal(apiError(() => applyJsonPatch(doc(), [{ op: 'add', path: `/metadata/${name}/x`, value: 1 }])).code, 422, name);
    }
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
  });
});

describe('merge patches and prototype names', () => {
  it('keeps every Object.prototype name as a label key', () => {
    for (const name of protoNames) {
      const patch = parseJson(`{"metadata":{"labels":{${JSON.stringify(name)}:"v"}}}`);
      const out = applyMergePatch(doc(), patch) as { metadata: { labels: Record<string, unknown> } };
      assert.equal(Object.getOwnPropertyDescriptor(out.metadata.labels, name)?.value, 'v', name);
      assert.equal(Object.getPrototypeOf(out.metadata.labels), Object.prototype, name);
      const smp = applyStrategicMergePatchWithSchema(doc(), patch, OPAQUE) as { metadata: { labels: Record<string, unknown> } };
      assert.equal(Object.getOwnPropertyDescriptor(smp.metadata.labels, name)?.value, 'v', `smp ${name}`);
    }
  });
});

describe('nesting limits in request bodies', () => {
  const deepJson = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  it('refuses JSON nested past the limit with 400 and no stack overflow', () => {
    for (const text of [deepJson(100_000), '['.repeat(100_000) + ']'.repeat(100_000)]) {
      const e = apiError(() => parseBody(Buffer.from(text), 'json'));
      assert.equal(e.code, 400);
      assert.match(e.message, /exceeded max depth/);
    }
    assert.throws(() => parseJson(deepJson(maxNestingDepth + 1)), /exceeded max depth/);
    assert.doesNotThrow(() => parseBody(Buffer.from(deepJson(maxNestingDepth)), 'json'));
  });

  it('refuses YAML anchor cycles and deep YAML with 400', () => {
    const cycle = apiError(() => parseBody(Buffer.from('a: &x\n  b: *x\n'), 'apply-patch'));
    assert.equal(cycle.code, 400);
    assert.match(cycle.message, /anchor 'x' value contains itself/);
    assert.equal(apiError(() => parseBody(Buffer.from('a: ' + '['.repeat(5000) + ']'.repeat(5000)), 'yaml')).code, 400);
  });

  it('reads YAML as upstream: first document, timestamps as text, !!binary decoded', () => {
    const data = parseBody(Buffer.from('a: 2001-12-14\nb: !!binary aGVsbG8=\n---\nc: 1\n'), 'yaml');
    assert.deepEqual(data, { a: '2001-12-14', b: 'hello' });
  });

  it('measures shared subtrees once and counts self-reference as too deep', () => {
    let shared: unknown = [];
    for (let i = 0; i < 30; i++) shared = [shared, shared];
    assert.equal(nestsTooDeep(shared), false);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.equal(nestsTooDeep(cyclic), true);
  });
});

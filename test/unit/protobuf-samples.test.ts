// JSON -> protobuf -> JSON is lossless for an upstream-like object of every built-in kind the
// server serves (and the subresource kinds), and re-encoding gives the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeProtobufObject, encodeProtobufObject, supportsProtobuf } from '../../src/api/protobuf/index.js';
import { kindKey, sampleObject, samples } from '../helpers/protobuf-samples.js';

test('every served kind and subresource kind has a protobuf form and a sample here', () => {
  const catalog = builtinCatalog().all();
  const wanted = new Set<string>();
  for (const r of catalog) {
    wanted.add(kindKey(r.group, r.version, r.kind));
    for (const s of r.subresources) {
      if (['Scale', 'Eviction', 'TokenRequest', 'Binding'].includes(s.kind)) wanted.add(kindKey(s.group ?? r.group, s.version ?? r.version, s.kind));
    }
  }
  for (const key of wanted) {
    const parts = key.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    assert.ok(supportsProtobuf(parts.join('/'), version, kind), `${key} has no protobuf message`);
    assert.ok(samples[key], `no sample for ${key}`);
  }
});

for (const key of Object.keys(samples)) {
  test(`${key}: JSON -> protobuf -> JSON is lossless`, () => {
    const obj = sampleObject(key);
    const bytes = encodeProtobufObject(obj);
    const back = decodeProtobufObject(bytes);
    assert.deepEqual(back, obj);
    assert.equal(encodeProtobufObject(back).toString('hex'), bytes.toString('hex'));
  });
}

// A seeded fuzzer over the protobuf schema: random objects of every kind, in the JSON form upstream
// writes, survive JSON -> protobuf -> JSON unchanged and re-encode to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject, encodeProtobufObject } from '../../src/api/protobuf/index.js';
import { allKinds } from '../../src/api/protobuf/schema.js';
import { Gen, rng } from '../helpers/protobuf-fuzz.js';

const SEED = Number(process.env['PROTOBUF_FUZZ_SEED'] ?? 20240501);
const ROUNDS = Number(process.env['PROTOBUF_FUZZ_ROUNDS'] ?? 8);

test(`every kind: random objects round-trip through protobuf (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  const gen = new Gen(rng(SEED));
  let checked = 0;
  for (const { group, version, kind, message } of allKinds()) {
    for (let round = 0; round < ROUNDS; round++) {
      const obj = { apiVersion: group ? `${group}/${version}` : version, kind, ...gen.message(message, 0) };
      const bytes = encodeProtobufObject(obj);
      const back = decodeProtobufObject(bytes);
      assert.deepEqual(back, obj, `${group}/${version} ${kind}, round ${round}`);
      assert.ok(encodeProtobufObject(back).equals(bytes), `${group}/${version} ${kind}, round ${round}: re-encoding changed the bytes`);
      checked++;
    }
  }
  assert.ok(checked > 1000, `only ${checked} objects checked`);
});

test('random truncations and bit flips never crash the decoder: a 400 or an object', () => {
  const gen = new Gen(rng(SEED + 1));
  const kinds = allKinds();
  for (let i = 0; i < 400; i++) {
    const { group, version, kind, message } = gen.pick(kinds);
    const bytes = encodeProtobufObject({ apiVersion: group ? `${group}/${version}` : version, kind, ...gen.message(message, 2) });
    const broken = Buffer.from(bytes.subarray(0, gen.int(0, bytes.length)));
    if (broken.length > 4 && gen.chance(0.5)) broken[gen.int(4, broken.length - 1)] ^= 1 << gen.int(0, 7);
    try {
      decodeProtobufObject(broken);
    } catch (e) {
      assert.equal((e as { code?: number }).code, 400, `${kind}: ${(e as Error).stack}`);
    }
  }
});

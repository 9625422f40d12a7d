// The compiled codec (compile-encode.ts, compile-decode.ts) against the table-driven walker it
// replaces (walk.ts): the same bytes for every sample and fuzz object, the same JSON (key order
// included) back, the same errors on broken input and on objects that break the schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage } from '../../src/api/protobuf/compile-decode.js';
import { encodeMessage } from '../../src/api/protobuf/compile-encode.js';
import { encodeProtobufList } from '../../src/api/protobuf/index.js';
import { allKinds, messageForKind } from '../../src/api/protobuf/schema.js';
import { ProtoEncodeError } from '../../src/api/protobuf/special-types.js';
import { decodeMessage as walkDecode, encodeMessage as walkEncode } from '../../src/api/protobuf/walk.js';
import { newReader } from '../../src/api/protobuf/wire.js';
import { ProtoWriter } from '../../src/api/protobuf/writer.js';
import { pod } from '../../bench/codec.js';
import { Gen, rng } from '../helpers/protobuf-fuzz.js';
import { sampleObject, samples } from '../helpers/protobuf-samples.js';

type Encoder = typeof encodeMessage;
type Decoder = typeof decodeMessage;

function encodeWith(encode: Encoder, message: string, obj: unknown): Buffer {
  const w = new ProtoWriter();
  encode(w, message, obj);
  return w.finish();
}

/** The decoded JSON text (key order matters to clients that diff it), or the error's text. */
function decodeWith(decode: Decoder, message: string, bytes: Buffer): string {
  try {
    const r = newReader(bytes);
    return JSON.stringify(decode(r, r.len, message));
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function encodeError(encode: Encoder, message: string, obj: unknown): string {
  try {
    encodeWith(encode, message, obj);
    return 'no error';
  } catch (e) {
    return e instanceof ProtoEncodeError ? e.describe() : String(e);
  }
}

const messageOf = (apiVersion: string, kind: string): string => {
  const slash = apiVersion.indexOf('/');
  const message = slash < 0 ? messageForKind('', apiVersion, kind) : messageForKind(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
  assert.ok(message, `${apiVersion} ${kind}`);
  return message;
};

/** The fuzz corpus: objects of every kind, generated as protobuf-fuzz.test.ts generates them. */
function corpus(seed: number, rounds: number): Array<{ message: string; obj: Record<string, unknown> }> {
  const gen = new Gen(rng(seed));
  const out: Array<{ message: string; obj: Record<string, unknown> }> = [];
  for (const { message } of allKinds()) {
    for (let i = 0; i < rounds; i++) out.push({ message, obj: gen.message(message, 0) });
  }
  return out;
}

function assertSame(message: string, obj: unknown, what: string): Buffer {
  const bytes = encodeWith(encodeMessage, message, obj);
  assert.equal(bytes.toString('hex'), encodeWith(walkEncode, message, obj).toString('hex'), `${what}: encoding`);
  assert.equal(decodeWith(decodeMessage, message, bytes), decodeWith(walkDecode, message, bytes), `${what}: decoding`);
  return bytes;
}

test('every sample: the compiled codec writes and reads what the walker does', () => {
  for (const key of Object.keys(samples)) {
    const obj = sampleObject(key);
    assertSame(messageOf(obj['apiVersion'] as string, obj['kind'] as string), obj, key);
  }
});

test('the fuzz corpus (3 seeds): the same bytes and the same JSON as the walker', () => {
  let checked = 0;
  for (const seed of [20240501, 7, 99]) {
    for (const { message, obj } of corpus(seed, 6)) {
      assertSame(message, obj, `${message} (seed ${seed})`);
      checked++;
    }
  }
  assert.ok(checked > 2000, `only ${checked} objects`);
});

test('truncated and bit-flipped bodies: the same JSON or the same error as the walker', () => {
  const gen = new Gen(rng(4242));
  let errorsSeen = 0;
  for (const { message, obj } of corpus(11, 3)) {
    const bytes = encodeWith(walkEncode, message, obj);
    for (let k = 0; k < 3; k++) {
      const broken = Buffer.from(bytes.subarray(0, gen.int(0, bytes.length)));
      if (broken.length > 0 && gen.chance(0.7)) broken[gen.int(0, broken.length - 1)] ^= 1 << gen.int(0, 7);
      const want = decodeWith(walkDecode, message, broken);
      assert.equal(decodeWith(decodeMessage, message, broken), want, `${message}: ${broken.toString('hex')}`);
      if (!want.startsWith('{')) errorsSeen++;
    }
  }
  assert.ok(errorsSeen > 100, `only ${errorsSeen} broken bodies failed to decode`);
});

test('objects that break the schema: the same error, with the same field path', () => {
  const pod0 = pod(0);
  const cases: Array<[string, unknown]> = [
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: 'app' } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: [{ name: 7 }] } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, metadata: { labels: { a: 1 } } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, metadata: { creationTimestamp: 'yesterday' } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: [{ resources: { limits: { cpu: 'lots' } } }] } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { terminationGracePeriodSeconds: 1.5 } }],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { hostNetwork: 'yes' } }],
    ['k8s.io.api.core.v1.Pod', []],
    ['k8s.io.api.core.v1.Service', { spec: { ports: [{ targetPort: true }] } }],
    ['k8s.io.api.apps.v1.Deployment', { spec: { template: { spec: { containers: [null, { ports: [null, { containerPort: 'x' }] }] } } } }],
  ];
  for (const [message, obj] of cases) {
    const want = encodeError(walkEncode, message, obj);
    assert.notEqual(want, 'no error', JSON.stringify(obj));
    assert.equal(encodeError(encodeMessage, message, obj), want);
  }
});

test('a list in pieces is the enveloped list the walker writes in one buffer', () => {
  const head = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5000', continue: 'abc' } };
  for (const n of [0, 1, 300, 1000]) {
    const items: unknown[] = Array.from({ length: n }, (_, i) => pod(i));
    if (n > 1) items[1] = null;
    const pieces = encodeProtobufList(head, items);
    if (n === 1000) assert.ok(pieces.length > 3, `${pieces.length} pieces`);
    const body = encodeWith(walkEncode, 'k8s.io.api.core.v1.PodList', { ...head, items });
    const all = Buffer.concat(pieces);
    assert.ok(all.includes(body), `${n} pods: the body is inside the envelope`);
    assert.equal(all.length - body.length, pieces[0]!.length + 4, `${n} pods: only the envelope's head and tail around it`);
  }
});

function varintOf(n: number): Buffer {
  const out: number[] = [];
  for (; n > 127; n >>>= 7) out.push((n & 127) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

test('the writer: a reserved length too long or too short moves the body, at any buffer position', () => {
  for (let size = 1; size < 24; size++) {
    for (const reserve of [1, 2, 3]) {
      for (const n of [0, 3, 127, 128, 300, 20000]) {
        const w = new ProtoWriter(size);
        w.byte(0x0a).fork(reserve);
        for (let i = 0; i < n; i++) w.byte(0x78);
        const lengthBytes = w.close();
        w.byte(0x10);
        const want = Buffer.concat([Buffer.from([0x0a]), varintOf(n), Buffer.alloc(n, 0x78), Buffer.from([0x10])]);
        const what = `buffer ${size}, reserve ${reserve}, body ${n}`;
        assert.equal(lengthBytes, varintOf(n).length, what);
        assert.ok(w.finish().equals(want), what);
      }
    }
  }
});

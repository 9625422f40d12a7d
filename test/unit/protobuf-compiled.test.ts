// The compiled codec (compile-encode.ts, compile-decode.ts) against what the table-driven walker
// it replaced wrote: the walker (src/api/protobuf/walk.ts, removed after commit b5d1624 compared
// the two byte for byte over the samples, three fuzz seeds and broken bodies) gave the digest and
// the error texts recorded here. Lists in pieces must match the one-buffer encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeMessage } from '../../src/api/protobuf/compile-decode.js';
import { encodeMessage } from '../../src/api/protobuf/compile-encode.js';
import { decodeProtobufObject, encodeProtobufList, encodeProtobufObject } from '../../src/api/protobuf/index.js';
import { messageForKind } from '../../src/api/protobuf/schema.js';
import { ProtoEncodeError } from '../../src/api/protobuf/special-types.js';
import { newReader } from '../../src/api/protobuf/wire.js';
import { formatRfc3339 } from '../../src/api/protobuf/times.js';
import { ProtoWriter } from '../../src/api/protobuf/writer.js';
import { pod } from '../../bench/codec.js';
import { Gen, rng } from '../helpers/protobuf-fuzz.js';
import { sampleObject, samples } from '../helpers/protobuf-samples.js';

function encode(message: string, obj: unknown): Buffer {
  const w = new ProtoWriter();
  encodeMessage(w, message, obj);
  return w.finish();
}

function encodeError(message: string, obj: unknown): string {
  try {
    encode(message, obj);
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

// sha256 over each sample's key, its bytes and its decoded JSON text (key order included).
const WALKER_SAMPLES_DIGEST = '61bd5646001710e4369ef942b8a9f0162d4e52f2f1364ebf3272697feb8873ad';

test('every sample: the bytes and the JSON the walker gave', () => {
  const h = createHash('sha256');
  for (const key of Object.keys(samples)) {
    const obj = sampleObject(key);
    const message = messageOf(obj['apiVersion'] as string, obj['kind'] as string);
    const bytes = encode(message, obj);
    const r = newReader(bytes);
    h.update(key).update(bytes).update(JSON.stringify(decodeMessage(r, r.len, message)));
  }
  assert.equal(h.digest('hex'), WALKER_SAMPLES_DIGEST, 'a sample encodes or decodes differently (or samples changed: recompute against walk.ts at b5d1624)');
});

test('objects that break the schema: the errors the walker gave, with their field paths', () => {
  const pod0 = pod(0);
  const cases: Array<[string, unknown, string]> = [
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: 'app' } }, 'spec.containers: expected an array, got "app"'],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: [{ name: 7 }] } }, 'spec.containers.name: expected a string, got 7'],
    ['k8s.io.api.core.v1.Pod', { ...pod0, metadata: { labels: { a: 1 } } }, 'metadata.labels: expected a string, got 1'],
    ['k8s.io.api.core.v1.Pod', { ...pod0, metadata: { creationTimestamp: 'yesterday' } }, 'metadata.creationTimestamp: invalid RFC 3339 time "yesterday"'],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { containers: [{ resources: { limits: { cpu: 'lots' } } }] } },
      "spec.containers.resources.limits: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { terminationGracePeriodSeconds: 1.5 } }, 'spec.terminationGracePeriodSeconds: expected an integer, got 1.5'],
    ['k8s.io.api.core.v1.Pod', { ...pod0, spec: { hostNetwork: 'yes' } }, 'spec.hostNetwork: expected a boolean, got "yes"'],
    ['k8s.io.api.core.v1.Pod', [], 'expected an object, got []'],
    ['k8s.io.api.core.v1.Service', { spec: { ports: [{ targetPort: true }] } }, 'spec.ports.targetPort: expected an integer or a string, got true'],
    ['k8s.io.api.apps.v1.Deployment', { spec: { template: { spec: { containers: [null, { ports: [null, { containerPort: 'x' }] }] } } } },
      'spec.template.spec.containers.ports.containerPort: expected an integer, got "x"'],
  ];
  for (const [message, obj, want] of cases) assert.equal(encodeError(message, obj), want);
});

test('a list in pieces is the enveloped list in one buffer; a bad item names items', () => {
  const head = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5000', continue: 'abc' } };
  for (const n of [0, 1, 300, 1000]) {
    const items: unknown[] = Array.from({ length: n }, (_, i) => pod(i));
    if (n > 1) items[1] = null;
    const pieces = encodeProtobufList(head, items);
    if (n === 1000) assert.ok(pieces.length > 3, `${pieces.length} pieces`);
    assert.ok(Buffer.concat(pieces).equals(encodeProtobufObject({ ...head, items })), `${n} pods`);
  }
  assert.throws(() => encodeProtobufList(head, [pod(0), { spec: { nodeName: 5 } }]), { message: 'protobuf: cannot encode v1 PodList: items.spec.nodeName: expected a string, got 5' });
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

test('decoded strings: the cache of short ASCII values never hands back a wrong one', () => {
  // 20,000 distinct short values collide in the 4,096 slots; the same values read again must hit.
  const data: Record<string, string> = {};
  for (let i = 0; i < 20000; i++) data[`k${i}`] = i % 3 === 0 ? `v${i}` : i % 3 === 1 ? `é${i}` : 'x'.repeat(i % 40);
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'many' }, data };
  const bytes = encodeProtobufObject(obj);
  assert.deepEqual(decodeProtobufObject(bytes), obj);
  assert.deepEqual(decodeProtobufObject(bytes), obj);
});

/** The Date-based formatting times.ts used before, as the reference. */
function formatWithDate(seconds: number, nanos: number, micro: boolean): string {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) return 'out of range';
  const two = (n: number) => String(n).padStart(2, '0');
  const frac = micro ? `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}` : '';
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}${frac}Z`;
}

test('times: the arithmetic formatting agrees with Date, at the range edges and at random', () => {
  const gen = new Gen(rng(31));
  const edges = [0, -1, 1, 86399, 86400, -86400, 951782400, 951868800, -62135596800, -62167219200, -62167219201, 253402300799, 253402300800, 8.64e12, -8.64e12 - 1, 2 ** 62];
  const values = [...edges, ...Array.from({ length: 20000 }, () => gen.int(-62167219200 - 1e6, 253402300800 + 1e6))];
  for (const seconds of values) {
    for (const [nanos, micro] of [[0, false], [123456789, true], [999, true]] as const) {
      let got: string;
      try {
        got = formatRfc3339(seconds, nanos, micro);
      } catch {
        got = 'out of range';
      }
      assert.equal(got, formatWithDate(seconds, nanos, micro), `${seconds}s ${nanos}ns`);
    }
  }
});

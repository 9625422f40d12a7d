// The protobuf codec against bytes written by hand from upstream's generated.proto, against
// what Go clients send (every non-pointer field, zero or not), and on malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import {
  decodeProtobufObject, decodeProtobufWatchEvent, encodeProtobufList, encodeProtobufObject, encodeProtobufWatchEvent,
  protobufMediaType, supportsProtobuf,
} from '../../src/api/protobuf/index.js';
import { formatRfc3339, parseRfc3339 } from '../../src/api/protobuf/times.js';
import { formatGoDuration, parseGoDuration } from '../../src/options/go-duration.js';
import { ProtoWriter } from '../../src/api/protobuf/writer.js';

// A protobuf writer independent of the codec: varints and length-delimited fields by hand.
function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const ld = (no: number, ...payload: Buffer[]) => {
  const p = Buffer.concat(payload);
  return Buffer.concat([varint((no << 3) | 2), varint(p.length), p]);
};
const str = (no: number, s: string) => ld(no, Buffer.from(s, 'utf8'));
const num = (no: number, n: number | bigint) => Buffer.concat([varint(no << 3), varint(n)]);
const entry = (no: number, k: string, v: Buffer) => ld(no, str(1, k), v);
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), ld(1, str(1, apiVersion), str(2, kind)), ld(2, raw), str(3, ''), str(4, '')]);

// 2008-01-01T01:01:01Z; upstream's Go-written fixture core.v1.ConfigMap.pb has these exact bytes
// for its creationTimestamp: 42 08 | 08 cd a1 e6 bb 04 | 10 00.
const TIME_2008 = Buffer.from('4208' + '08cda1e6bb04' + '1000', 'hex');

// ConfigMap {metadata(1) ObjectMeta, data(2) map<string,string>, binaryData(3) map<string,bytes>, immutable(4) bool}
// ObjectMeta {name(1), namespace(3), creationTimestamp(8) Time, labels(11) map<string,string>}
const configMapBytes = envelope('v1', 'ConfigMap', Buffer.concat([
  ld(1, str(1, 'demo'), str(3, 'default'), TIME_2008, entry(11, 'app', str(2, 'web'))),
  entry(2, 'a', str(2, '1')),
  entry(2, 'empty', str(2, '')),
  entry(3, 'bin', ld(2, Buffer.from([0, 1, 2, 255]))),
  num(4, 0),
]));
const configMapJson = {
  kind: 'ConfigMap', apiVersion: 'v1',
  metadata: { name: 'demo', namespace: 'default', creationTimestamp: '2008-01-01T01:01:01Z', labels: { app: 'web' } },
  data: { a: '1', empty: '' },
  binaryData: { bin: Buffer.from([0, 1, 2, 255]).toString('base64') },
  immutable: false,
};

test('a ConfigMap encoded by hand from the proto definition decodes, and encodes to the same bytes', () => {
  assert.deepEqual(decodeProtobufObject(configMapBytes), configMapJson);
  assert.equal(encodeProtobufObject(configMapJson).toString('hex'), configMapBytes.toString('hex'));
});

test('what a Go client sends: every value field, zero or not; JSON gets upstream omitempty rules', () => {
  // Deployment{metadata, spec{replicas(1) *int32 = 0, selector, template{metadata, spec{containers}}, paused(7) bool = false}, status{}}
  const zeroMeta = Buffer.concat([str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), num(7, 0), ld(8)]);
  const podSpec = ld(2, ld(2, str(1, ''), str(2, 'nginx'), str(14, ''), num(16, 0)), str(3, ''));
  const body = envelope('apps/v1', 'Deployment', Buffer.concat([
    ld(1, str(1, 'web'), zeroMeta),
    ld(2,
      num(1, 0),
      ld(2, entry(1, 'app', str(2, 'web'))),
      ld(3, ld(1, zeroMeta, entry(11, 'app', str(2, 'web'))), podSpec),
      ld(4),
      num(5, 0),
      num(7, 0)),
    ld(3, num(1, 0), num(2, 0)),
  ]));
  const decoded = decodeProtobufObject(body, { group: 'apps', version: 'v1', kind: 'Deployment' });
  // A null time (Go's zero Time) goes back out as the empty message it came in as.
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(decoded)), decoded);
  assert.deepEqual(decoded, {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: { name: 'web', creationTimestamp: null },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: '', image: 'nginx' }] } },
      strategy: {},
    },
    status: {},
  });
});

test('int-or-string, quantities, times, micro times and durations take their JSON forms', () => {
  const svc = {
    kind: 'Service', apiVersion: 'v1', metadata: { name: 's' },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'named', port: 81, targetPort: 'web' }] },
  };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(svc)), svc);
  // IntOrString{type(1)=1, intVal(2)=0, strVal(3)="web"}: Go writes all three fields.
  assert.ok(encodeProtobufObject(svc).includes(ld(4, num(1, 1), num(2, 0), str(3, 'web'))));

  const quota = { kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name: 'q' }, spec: { hard: { cpu: '1000m', memory: '1Gi', pods: '10' } } };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(quota)), { ...quota, spec: { hard: { cpu: '1', memory: '1Gi', pods: '10' } } });

  const lease = {
    kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name: 'l', creationTimestamp: '2024-02-29T23:59:59Z' },
    spec: { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2024-03-01T10:00:00.123456Z', renewTime: '0001-01-01T00:00:00.000001Z' },
  };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(lease)), lease);
  // A non-UTC offset is the same instant; metav1.Time keeps seconds only.
  const offset = { ...lease, metadata: { name: 'l', creationTimestamp: '2024-03-01T01:59:59.9+02:00' } };
  assert.equal((decodeProtobufObject(encodeProtobufObject(offset)).metadata).creationTimestamp, '2024-02-29T23:59:59Z');

  for (const [text, canonical] of [['1h0m0s', '1h0m0s'], ['90m', '1h30m0s'], ['1.5s', '1.5s'], ['300ms', '300ms'], ['2us', '2µs'], ['0', '0s'], ['-1m', '-1m0s'], ['1ns', '1ns']] as const) {
    assert.equal(formatGoDuration(parseGoDuration(text)), canonical, text);
  }
  assert.throws(() => parseGoDuration('1x'));

  for (const [text, seconds, nanos] of [
    ['1970-01-01T00:00:00Z', 0, 0], ['1969-12-31T23:59:59Z', -1, 0], ['0001-01-01T00:00:00Z', -62135596800, 0],
    ['9999-12-31T23:59:59Z', 253402300799, 0], ['2024-02-29T12:00:00.000001Z', 1709208000, 1000],
    ['2024-02-29T14:00:00.5+02:00', 1709208000, 500000000], ['2024-02-29t09:30:00-02:30', 1709208000, 0],
  ] as const) {
    assert.deepEqual(parseRfc3339(text), { seconds, nanos }, text);
  }
  assert.equal(formatRfc3339(-62135596800, 0, false), '0001-01-01T00:00:00Z');
  assert.equal(formatRfc3339(1709208000, 123456789, true), '2024-02-29T12:00:00.123456Z');
  assert.throws(() => parseRfc3339('2024-13-01T00:00:00Z'));
  assert.throws(() => parseRfc3339('yesterday'));
});

test('secrets: bytes are base64 in JSON; present zero values of pointer fields survive', () => {
  const secret = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, type: 'Opaque', immutable: false, data: { k: Buffer.from('héllo\0').toString('base64'), empty: '' } };
  const bytes = encodeProtobufObject(secret);
  assert.ok(bytes.includes(entry(2, 'k', ld(2, Buffer.from('héllo\0')))));
  assert.deepEqual(decodeProtobufObject(bytes), secret);
  const job = { kind: 'Job', apiVersion: 'batch/v1', metadata: { name: 'j' }, spec: { parallelism: 0, backoffLimit: 0, suspend: false, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(job)), job);
});

test('empty and absent: empty maps and lists are absent; empty strings inside maps and lists stay', () => {
  const cm = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', labels: {}, finalizers: [] }, data: { '': '', x: '' } };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(cm)), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { '': '', x: '' } });
  const role = { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(role)), role);
});

test('the envelope: kind and apiVersion come from it, or from the request when it leaves them empty', () => {
  const raw = ld(1, str(1, 'x'));
  const noKind = envelope('', '', raw);
  assert.deepEqual(decodeProtobufObject(noKind, { group: '', version: 'v1', kind: 'Namespace' }), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x' } });
  assert.equal(protobufMediaType, 'application/vnd.kubernetes.protobuf');
  assert.equal(supportsProtobuf('apps', 'v1', 'Deployment'), true);
  assert.equal(supportsProtobuf('', 'v1', 'Status'), true);
  assert.equal(supportsProtobuf('meta.k8s.io', 'v1', 'PartialObjectMetadataList'), true);
  assert.equal(supportsProtobuf('stable.example.com', 'v1', 'CronTab'), false);
  assert.equal(supportsProtobuf('meta.k8s.io', 'v1', 'Table'), false);
});

function badRequest(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && pattern.test(e.message));
}

test('malformed bodies are 400 BadRequest; unknown fields are skipped as upstream skips them', () => {
  badRequest(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}')), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
  badRequest(() => decodeProtobufObject(Buffer.alloc(0)), /empty data/);
  badRequest(() => decodeProtobufObject(Buffer.from('k8s\0', 'latin1')), /empty body/);
  badRequest(() => decodeProtobufObject(configMapBytes.subarray(0, configMapBytes.length - 30)), /EOF|index out of range/);
  // metadata.name sent as a varint.
  badRequest(() => decodeProtobufObject(envelope('v1', 'ConfigMap', ld(1, num(1, 5)))), /wrong wireType = 0 for field name/);
  badRequest(() => decodeProtobufObject(envelope('v1', 'ConfigMap', ld(1, Buffer.from([0x0f])))), /wireType|wire type/);
  badRequest(() => decodeProtobufObject(configMapBytes, { group: '', version: 'v1', kind: 'Secret' }), /ConfigMap in version "v1" cannot be handled as a Secret/);
  badRequest(() => decodeProtobufObject(configMapBytes, { group: 'apps', version: 'v1', kind: 'ConfigMap' }), /the API version in the data \(v1\) does not match the expected API version \(apps\/v1\)/);
  badRequest(() => decodeProtobufObject(envelope('example.com/v1', 'Widget', Buffer.alloc(0))), /no kind "Widget" is registered/);
  badRequest(() => decodeProtobufObject(envelope('v1', 'Service', ld(2, ld(1, ld(4, num(1, 7)))))), /impossible IntOrString.Type/);
  badRequest(() => decodeProtobufObject(envelope('v1', 'ResourceQuota', ld(2, entry(1, 'cpu', ld(2, str(1, 'lots')))))), /quantities must match/);
  // Field 99 of ConfigMap and field 77 of its metadata do not exist.
  const unknown = envelope('v1', 'ConfigMap', Buffer.concat([ld(1, str(1, 'u'), str(77, 'zz')), str(99, 'ignored'), num(98, 3)]));
  assert.deepEqual(decodeProtobufObject(unknown), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'u' } });
});

test('packed repeated scalars decode like unpacked ones', () => {
  // PodSecurityContext.supplementalGroups(4) repeated int64, packed.
  const pod = envelope('v1', 'Pod', Buffer.concat([ld(1, str(1, 'p')), ld(2, ld(14, ld(4, varint(1), varint(2), varint(300))))]));
  assert.deepEqual(decodeProtobufObject(pod), { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { securityContext: { supplementalGroups: [1, 2, 300] } } });
});

test('watch frames: length prefix, raw WatchEvent, enveloped object', () => {
  const frame = encodeProtobufWatchEvent('ADDED', configMapJson);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  // WatchEvent{type(1) "ADDED", object(2) RawExtension{raw(1) <enveloped ConfigMap>}}
  assert.equal(frame.subarray(4).toString('hex'), Buffer.concat([str(1, 'ADDED'), ld(2, ld(1, configMapBytes))]).toString('hex'));
  assert.deepEqual(decodeProtobufWatchEvent(frame), { type: 'ADDED', object: configMapJson });
});

test('lists: the pieces concatenate to the enveloped list', () => {
  const items = [configMapJson, { ...configMapJson, metadata: { name: 'two' } }];
  const head = { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'abc' } };
  const whole = Buffer.concat(encodeProtobufList(head, items));
  assert.equal(whole.toString('hex'), encodeProtobufObject({ ...head, items }).toString('hex'));
  const list = decodeProtobufObject(whole);
  assert.deepEqual(list, {
    ...head,
    items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
  });
  const empty = decodeProtobufObject(Buffer.concat(encodeProtobufList({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' } }, [])));
  assert.deepEqual(empty, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' } });
});

test('Status and PartialObjectMetadata encode', () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nope', reason: 'NotFound', details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] }, code: 404 };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(status)), status);
  const pom = { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'a', uid: 'u', resourceVersion: '3', creationTimestamp: '2024-01-01T00:00:00Z' } }] };
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(pom)), pom);
});

test('encoding an object that breaks the schema names the field', () => {
  assert.throws(() => encodeProtobufObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 5 } }), /metadata\.name: expected a string, got 5/);
  assert.throws(() => encodeProtobufObject({ kind: 'CronTab', apiVersion: 'example.com/v1', metadata: {} }), /has no protobuf form/);
});

test('the writer: nested lengths of one to three bytes, negative and 64-bit integers, UTF-8', () => {
  for (const n of [0, 127, 128, 16383, 16384, 70000]) {
    const w = new ProtoWriter(8);
    w.uint32(0x0a).fork().uint32(0x0a).fork().string('é'.repeat(n)).ldelim().uint32(0x10).int32(-1).ldelim();
    const text = Buffer.from('é'.repeat(n), 'utf8');
    const want = ld(1, ld(1, varint(text.length), text), num(2, -1));
    assert.equal(w.finish().toString('hex'), want.toString('hex'), `n=${n}`);
  }
  const w = new ProtoWriter(1);
  w.int64(2 ** 53 - 1).int64(-5).int64('-9223372036854775808').sint32(-3).sint64(-3).bool(true).string('😀').double(1.5);
  const want = Buffer.concat([
    varint(2 ** 53 - 1), varint(-5n), varint(-9223372036854775808n), varint(5), varint(5), Buffer.from([1]),
    Buffer.from([4]), Buffer.from('😀', 'utf8'), Buffer.from('000000000000f83f', 'hex'),
  ]);
  assert.equal(w.finish().toString('hex'), want.toString('hex'));
});

// Response compression (upstream's APIResponseCompression, on by default): an answer of more than
// 128 KiB is gzipped when the client sends Accept-Encoding: gzip, with Content-Encoding and Vary,
// and decompresses to the bytes sent without it; small answers, clients that do not ask, and
// watches are not compressed; the gate turns it off.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { protobufMediaType } from '../../src/api/protobuf/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const NS = '/api/v1/namespaces/default/configmaps';
const PAYLOAD = 'x'.repeat(1024);

before(async () => {
  s = await startTestServer([]);
  for (let i = 0; i < 200; i++) {
    const r = await s.http('POST', NS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `gz-${i}` }, data: { payload: PAYLOAD } }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 201, r.body);
  }
});
after(async () => {
  await s?.stop();
});

const bytesOf = (r: { bytes?: Buffer; body: string }) => r.bytes ?? Buffer.from(r.body);

describe('response compression', () => {
  it('a list over 128 KiB is gzipped when asked, and decompresses to the plain answer', async () => {
    const plain = await s.http('GET', `${NS}?resourceVersion=0`);
    assert.equal(plain.status, 200);
    assert.ok(bytesOf(plain).length > 128 * 1024);
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await s.http('GET', `${NS}?resourceVersion=0`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['vary'], 'Accept-Encoding');
    assert.equal(zipped.headers['content-type'], 'application/json');
    assert.ok(bytesOf(zipped).length < bytesOf(plain).length);
    assert.deepEqual(gunzipSync(bytesOf(zipped)), bytesOf(plain));
  });

  it('takes "gzip" as one token among others, and protobuf answers too', async () => {
    const plain = await s.http('GET', `${NS}?resourceVersion=0`, { headers: { Accept: protobufMediaType } });
    const zipped = await s.http('GET', `${NS}?resourceVersion=0`, { headers: { Accept: protobufMediaType, 'Accept-Encoding': 'deflate, gzip' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(bytesOf(zipped)), bytesOf(plain));
    // "gzip;q=1" is not the bare token upstream looks for.
    const q = await s.http('GET', `${NS}?resourceVersion=0`, { headers: { 'Accept-Encoding': 'gzip;q=1' } });
    assert.equal(q.headers['content-encoding'], undefined);
  });

  it('leaves small answers alone', async () => {
    const r = await s.http('GET', `${NS}/gz-1`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['vary'], undefined);
    assert.equal((JSON.parse(r.body) as { metadata: { name: string } }).metadata.name, 'gz-1');
  });
});

describe('response compression off (--feature-gates=APIResponseCompression=false)', () => {
  it('answers a big list uncompressed even when asked', async () => {
    const off = await startTestServer(['--feature-gates=APIResponseCompression=false'], { etcd: s.etcd });
    try {
      const r = await off.http('GET', `${NS}?resourceVersion=0`, { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], undefined);
      assert.ok(bytesOf(r).length > 128 * 1024);
    } finally {
      await off.stop();
    }
  });
});

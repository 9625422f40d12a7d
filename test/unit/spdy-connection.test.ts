import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { SpdyConnection, type SpdyStream } from '../../src/kubelet/spdy/connection.js';
import { FrameParser, pingFrame } from '../../src/kubelet/spdy/frames.js';

async function socketPair(): Promise<{ client: Socket; server: Socket; close(): void }> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'connection') as Promise<[Socket]>;
  const client = connect((srv.address() as AddressInfo).port, '127.0.0.1');
  const [server] = await accepted;
  return { client, server, close: () => { client.destroy(); server.destroy(); srv.close(); } };
}

function readAll(s: SpdyStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (b: Buffer) => parts.push(b));
    s.on('end', () => resolve(Buffer.concat(parts).toString()));
    s.on('error', reject);
  });
}

test('streams carry headers and bytes both ways, with half-close in each direction', async () => {
  const pair = await socketPair();
  const client = new SpdyConnection(pair.client, false);
  const server = new SpdyConnection(pair.server, true);
  server.on('stream', s => {
    // An echo that answers after the client half-closes.
    const got = readAll(s);
    void got.then(text => s.end(`${s.headers['streamtype']}:${text.toUpperCase()}`));
  });
  const a = await client.createStream({ streamtype: 'stdin' });
  const b = await client.createStream({ streamtype: 'stdout' });
  assert.equal(a.id, 1);
  assert.equal(b.id, 3);
  const big = 'z'.repeat(200_000);
  a.end('hello');
  b.write(big);
  b.end();
  assert.equal(await readAll(a), 'stdin:HELLO');
  assert.equal(await readAll(b), `stdout:${big.toUpperCase()}`);
  client.close();
  pair.close();
});

test('a reset stream closes on the peer without an end', async () => {
  const pair = await socketPair();
  const client = new SpdyConnection(pair.client, false);
  const server = new SpdyConnection(pair.server, true);
  const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
  const s = await client.createStream({ streamtype: 'data' });
  const [peer] = await accepted;
  const closed = once(peer, 'close');
  s.resetStream();
  await closed;
  assert.equal(peer.reset, true);
  pair.close();
});

test('pings from the peer are echoed; garbage closes the connection with an error', async () => {
  const pair = await socketPair();
  const server = new SpdyConnection(pair.server, true);
  const parser = new FrameParser();
  pair.client.write(pingFrame(1));
  const [chunk] = await once(pair.client, 'data') as [Buffer];
  const [pong] = parser.push(chunk);
  assert.ok(pong && pong.kind === 'control' && pong.type === 6 && pong.payload.readUInt32BE(0) === 1);
  const closed = once(server, 'close') as Promise<[Error | undefined]>;
  pair.client.write(Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 0]));
  const [err] = await closed;
  assert.match(String(err), /unsupported version 2/);
  pair.close();
});

test('a reader that does not read pauses the socket instead of buffering without bound', async () => {
  const pair = await socketPair();
  const client = new SpdyConnection(pair.client, false);
  const server = new SpdyConnection(pair.server, true);
  const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
  const s = await client.createStream({ streamtype: 'stdout' });
  const [peer] = await accepted;
  const chunk = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  // Write until the client side reports backpressure (the server never reads).
  while (s.write(chunk)) written += chunk.length;
  await new Promise(r => setTimeout(r, 200));
  let blocked = 0;
  for (let i = 0; i < 200 && s.writableNeedDrain; i++) { blocked++; await new Promise(r => setTimeout(r, 5)); }
  assert.ok(s.writableNeedDrain, 'the writer stays blocked while the reader is not reading');
  assert.ok(peer.readableLength < 8 * 1024 * 1024, `receiver buffered ${peer.readableLength} bytes`);
  let read = 0;
  peer.on('data', (b: Buffer) => { read += b.length; });
  await once(s, 'drain');
  assert.ok(read > 0 && written >= 0 && blocked > 0);
  pair.close();
});

test('creating a stream on a closed connection fails instead of hanging', async () => {
  const pair = await socketPair();
  const client = new SpdyConnection(pair.client, false);
  const pending = client.createStream({ streamtype: 'error' });
  pair.server.destroy();
  await assert.rejects(pending, /connection closed/);
  await assert.rejects(client.createStream({}), /connection closed/);
  pair.close();
});

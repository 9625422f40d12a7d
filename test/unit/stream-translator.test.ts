import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { SpdyConnection, type SpdyStream } from '../../src/kubelet/spdy/connection.js';
import { UpgradeRefusedError } from '../../src/kubelet/spdy-dial.js';
import { dialFailureStatus, translateExecStatus, translateStreams, type SpdyDialer, type StreamOptions } from '../../src/kubelet/stream-translator.js';
import { channel, decodeChannelMessage, encodeChannelMessage } from '../../src/kubelet/wsstream.js';

test('channel messages carry their channel in the first byte', () => {
  const m = encodeChannelMessage(channel.stderr, Buffer.from('oops'));
  assert.deepEqual([...m], [2, 0x6f, 0x6f, 0x70, 0x73]);
  assert.deepEqual(decodeChannelMessage(m), { channel: 2, data: Buffer.from('oops') });
  assert.deepEqual(decodeChannelMessage(encodeChannelMessage(channel.close, Buffer.from([channel.stdin]))), { channel: 255, data: Buffer.from([0]) });
  assert.equal(decodeChannelMessage(Buffer.alloc(0)), undefined);
});

test('the kubelet status becomes what upstream translator writes', () => {
  assert.deepEqual(translateExecStatus(''), { metadata: {}, status: 'Success' });
  assert.deepEqual(translateExecStatus('{"metadata":{},"status":"Success"}'), { metadata: {}, status: 'Success' });
  const exit = translateExecStatus(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: "command 'x' exited with 2", details: { causes: [{ reason: 'ExitCode', message: '2' }] } }));
  assert.equal(exit.message, 'command terminated with non-zero exit code: command terminated with exit code 2');
  assert.deepEqual(exit.details, { causes: [{ reason: 'ExitCode', message: '2' }] });
  assert.equal(translateExecStatus('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"300"}]}}').message,
    'Internal error occurred: error stream protocol error: invalid exit code value "300"');
  assert.equal(translateExecStatus('{"status":"Failure","reason":"NonZeroExitCode"}').message, 'Internal error occurred: error stream protocol error: details must be set');
  assert.equal(translateExecStatus('{"status":"Failure","reason":"NonZeroExitCode","details":{}}').message, 'Internal error occurred: error stream protocol error: no ExitCode cause given');
  assert.equal(translateExecStatus('{"status":"Failure","message":"container not found"}').message, 'Internal error occurred: container not found');
  assert.equal(translateExecStatus('{"status":"Weird"}').message, 'Internal error occurred: error stream protocol error: unknown error');
  const garbage = translateExecStatus('not json');
  assert.equal(garbage.code, 500);
  assert.match(garbage.message ?? '', /^Internal error occurred: error stream protocol error: .* in "not json"$/);
});

test('a refusal carrying a Status is passed on as it is; other failures are internal errors', () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' as const, message: 'pod not found', reason: 'NotFound', code: 404 };
  assert.deepEqual(dialFailureStatus(new UpgradeRefusedError('pod not found', 404, status)), status);
  assert.deepEqual(dialFailureStatus(new Error('error dialing backend: dial tcp 10.0.0.1:10250: connect: connection refused')), {
    metadata: {}, status: 'Failure', reason: 'InternalError', code: 500,
    message: 'Internal error occurred: error dialing backend: dial tcp 10.0.0.1:10250: connect: connection refused',
    details: { causes: [{ message: 'error dialing backend: dial tcp 10.0.0.1:10250: connect: connection refused' }] },
  });
});

/** A kubelet end: a SPDY server on a local socket, handed each connection's streams. */
async function fakeKubelet(serve: (streams: Map<string, SpdyStream>, conn: SpdyConnection) => void, expected: string[]): Promise<{ dial: SpdyDialer; close(): void }> {
  const srv = createServer(sock => {
    const conn = new SpdyConnection(sock, true);
    const got = new Map<string, SpdyStream>();
    conn.on('stream', s => {
      got.set(s.headers['streamtype'] ?? '', s);
      if (expected.every(t => got.has(t))) serve(got, conn);
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as AddressInfo).port;
  return {
    dial: () => new Promise<Socket>(resolve => { const s = connect(port, '127.0.0.1', () => resolve(s)); }),
    close: () => srv.close(),
  };
}

interface Session { messages: { channel: number; data: string }[]; closed: Promise<unknown>; ws: WebSocket }

/** A WebSocket client against a translator whose kubelet is dial(); sends `early` the moment it opens. */
async function session(dial: SpdyDialer, opts: StreamOptions, early: Buffer[] = []): Promise<Session & { stop(): void }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  wss.on('connection', ws => { void translateStreams(ws, dial, opts); });
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, ['v5.channel.k8s.io']);
  const messages: Session['messages'] = [];
  ws.on('message', (d: Buffer) => { const m = decodeChannelMessage(d)!; messages.push({ channel: m.channel, data: m.data.toString() }); });
  const closed = once(ws, 'close');
  await once(ws, 'open');
  for (const m of early) ws.send(m);
  return { messages, closed, ws, stop: () => wss.close() };
}

const exitStatus = (code: number) => JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'x', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

test('stdin sent before the kubelet streams exist arrives, then half-closes; output and exit code come back', async () => {
  const kubelet = await fakeKubelet(streams => {
    const parts: Buffer[] = [];
    streams.get('stdin')!.on('data', (b: Buffer) => parts.push(b));
    streams.get('stdin')!.on('end', () => {
      streams.get('stdout')!.end(Buffer.concat(parts).toString().toUpperCase());
      streams.get('stderr')!.end('warn');
      streams.get('error')!.end(exitStatus(3));
    });
  }, ['error', 'stdin', 'stdout', 'stderr']);
  const slowDial: SpdyDialer = () => new Promise(resolve => setTimeout(() => resolve(kubelet.dial()), 100));
  const s = await session(slowDial, { stdin: true, stdout: true, stderr: true, tty: false },
    [encodeChannelMessage(channel.stdin, Buffer.from('early ')), encodeChannelMessage(channel.stdin, Buffer.from('bytes')), encodeChannelMessage(channel.close, Buffer.from([channel.stdin]))]);
  await s.closed;
  const text = (ch: number) => s.messages.filter(m => m.channel === ch).map(m => m.data).join('');
  assert.equal(text(channel.stdout), 'EARLY BYTES');
  assert.equal(text(channel.stderr), 'warn');
  const status = JSON.parse(text(channel.error)) as { reason: string; details: unknown };
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  assert.equal(s.messages.at(-1)!.channel, channel.error, 'the status is the last message');
  s.stop();
  kubelet.close();
});

test('with a tty there is no stderr stream and resize messages reach the kubelet', async () => {
  const sizes: string[] = [];
  const kubelet = await fakeKubelet(streams => {
    streams.get('resize')!.on('data', (b: Buffer) => {
      sizes.push(b.toString());
      streams.get('stdout')!.end('sized');
      streams.get('error')!.end('');
    });
  }, ['error', 'stdin', 'stdout', 'resize']);
  const s = await session(kubelet.dial, { stdin: true, stdout: true, stderr: true, tty: true }, [encodeChannelMessage(channel.resize, Buffer.from('{"Width":80,"Height":24}'))]);
  await s.closed;
  assert.deepEqual(sizes, ['{"Width":80,"Height":24}']);
  assert.deepEqual(s.messages.map(m => m.channel), [channel.stdout, channel.error]);
  assert.equal(s.messages[1]!.data, '{"metadata":{},"status":"Success"}');
  s.stop();
  kubelet.close();
});

test('a kubelet that cannot be reached or sends garbage ends the session with an internal error, not a hang', async () => {
  const down = await session(() => Promise.reject(new Error('error dialing backend: dial tcp 127.0.0.1:1: connect: connection refused')), { stdin: false, stdout: true, stderr: false, tty: false });
  await down.closed;
  assert.equal(JSON.parse(down.messages[0]!.data).message, 'Internal error occurred: error dialing backend: dial tcp 127.0.0.1:1: connect: connection refused');
  down.stop();

  const srv = createServer(sock => sock.write(Buffer.from('HTTP/1.1 200 OK garbage that is not SPDY')));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as AddressInfo).port;
  const garbage = await session(() => new Promise(resolve => { const c = connect(port, '127.0.0.1', () => resolve(c)); }), { stdin: false, stdout: true, stderr: false, tty: false });
  await garbage.closed;
  const st = JSON.parse(garbage.messages.at(-1)!.data) as { code: number; message: string };
  assert.equal(st.code, 500);
  assert.match(st.message, /^Internal error occurred: /);
  garbage.stop();
  srv.close();
});

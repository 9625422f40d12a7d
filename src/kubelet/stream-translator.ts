// Upstream 1.32's StreamTranslatorHandler: a v5.channel.k8s.io WebSocket client (kubectl 1.30+,
// @kubernetes/client-node) is served by the API server itself, which runs the exec/attach
// against the kubelet over SPDY (what every 1.28–1.32 kubelet speaks) and relays the channels.
// When the command ends, the error channel carries one Status: Success, NonZeroExitCode with the
// exit code, or the failure; then the WebSocket closes.
import type { Readable } from 'node:stream';
import type WebSocket from 'ws';
import type { Status } from '../api/types.js';
import type { KubeletClient } from './client.js';
import { SpdyConnection, type SpdyStream } from './spdy/connection.js';
import { channel, decodeChannelMessage, encodeChannelMessage } from './wsstream.js';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Above this many unsent bytes on the WebSocket the kubelet's stream is paused. */
const highWaterMark = 256 * 1024;

type StatusJson = Omit<Status, 'kind' | 'apiVersion' | 'code'> & { code?: number };

function internal(message: string): StatusJson {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** What client-go's v4 error decoder makes of the kubelet's Status, re-expressed as upstream's translator writes it. */
export function translateExecStatus(raw: string): StatusJson {
  if (raw.trim() === '') return { metadata: {}, status: 'Success' };
  let st: StatusJson;
  try {
    st = JSON.parse(raw) as StatusJson;
  } catch (e) {
    return internal(`error stream protocol error: ${(e as Error).message} in "${raw}"`);
  }
  if (st.status === 'Success') return { metadata: {}, status: 'Success' };
  if (st.status !== 'Failure') return internal('error stream protocol error: unknown error');
  if (st.reason === 'NonZeroExitCode') {
    const code = st.details?.causes?.find(c => c.reason === 'ExitCode')?.message;
    if (code === undefined || !/^\d+$/.test(code) || Number(code) > 255) return internal('error stream protocol error: no ExitCode cause given');
    const inner = `command terminated with non-zero exit code: ${st.message ?? ''}`;
    return {
      metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${inner}`, reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: code }] },
    };
  }
  return internal(st.message ?? '');
}

function relay(ws: WebSocket, from: Readable, ch: number): Promise<void> {
  return new Promise(resolve => {
    from.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      const paused = ws.bufferedAmount > highWaterMark;
      if (paused) from.pause();
      ws.send(encodeChannelMessage(ch, chunk), () => { if (paused) from.resume(); });
    });
    from.once('end', () => resolve());
    from.once('close', () => resolve());
  });
}

function readText(s: Readable): Promise<string> {
  return new Promise(resolve => {
    const parts: Buffer[] = [];
    s.on('data', (b: Buffer) => parts.push(b));
    s.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    s.once('close', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function finish(ws: WebSocket, status: StatusJson): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(encodeChannelMessage(channel.error, Buffer.from(JSON.stringify(status))), () => ws.close(1000));
}

/** Runs the translated session until the command ends or either side goes away. */
export async function translateStreams(ws: WebSocket, kubelet: KubeletClient, url: URL, opts: StreamOptions): Promise<void> {
  let spdy: SpdyConnection;
  try {
    const up = await kubelet.upgrade(url, 'POST', {
      connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': ['v5.channel.k8s.io', 'v4.channel.k8s.io'], host: url.host,
    });
    if (!up.socket) {
      const body: Buffer[] = [];
      for await (const c of up.response) body.push(c as Buffer);
      const text = Buffer.concat(body).toString('utf8');
      // The kubelet's own refusal: a Status when it sends one, else its text as the error.
      return finish(ws, internal(`unable to upgrade connection: ${text.trim() || (up.response.statusMessage ?? '')}`));
    }
    if (up.head && up.head.length > 0) up.socket.unshift(up.head);
    spdy = new SpdyConnection(up.socket, false);
  } catch (e) {
    return finish(ws, internal((e as Error).message));
  }
  ws.once('close', () => spdy.close());
  try {
    const open = (type: string) => spdy.createStream({ streamtype: type });
    const errorStream = await open('error');
    const stdin = opts.stdin ? await open('stdin') : undefined;
    const stdout = opts.stdout ? await open('stdout') : undefined;
    const stderr = opts.stderr && !opts.tty ? await open('stderr') : undefined;
    const resize = opts.tty ? await open('resize') : undefined;
    errorStream.end();
    stdout?.end();
    stderr?.end();
    const statusText = readText(errorStream);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const msg = decodeChannelMessage(isBinary ? data : Buffer.from(data));
      if (!msg) return;
      if (msg.channel === channel.stdin) stdin?.write(msg.data);
      else if (msg.channel === channel.resize) resize?.write(msg.data);
      else if (msg.channel === channel.close && msg.data[0] === channel.stdin) stdin?.end();
    });
    const outputs: Promise<void>[] = [];
    if (stdout) outputs.push(relay(ws, stdout, channel.stdout));
    if (stderr) outputs.push(relay(ws, stderr, channel.stderr));
    await Promise.all(outputs);
    finish(ws, translateExecStatus(await statusText));
    for (const s of [stdin, resize] as (SpdyStream | undefined)[]) s?.destroy();
  } catch (e) {
    finish(ws, internal((e as Error).message));
  }
  spdy.close();
}

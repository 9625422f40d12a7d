// Upstream 1.32's StreamTranslatorHandler: a v5.channel.k8s.io WebSocket client (kubectl 1.30+,
// @kubernetes/client-node) is served by the API server itself, which runs the exec/attach
// against the kubelet over SPDY (what every 1.28–1.32 kubelet speaks) and relays the channels.
// When the command ends, the error channel carries one Status: Success, NonZeroExitCode with the
// exit code, or the failure; then the WebSocket closes.
import type { Duplex, Readable, Writable } from 'node:stream';
import type WebSocket from 'ws';
import { SpdyConnection, type SpdyStream } from './spdy/connection.js';
import { UpgradeRefusedError, type StreamStatus } from './spdy-dial.js';
import { channel, decodeChannelMessage, encodeChannelMessage } from './wsstream.js';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Opens the SPDY/3.1 connection to the kubelet (dialSpdy in production, a socket in tests). */
export type SpdyDialer = () => Promise<Duplex>;

/** Above this many unsent bytes on the WebSocket the kubelet's stream is paused. */
const highWaterMark = 256 * 1024;

/** apierrors.NewInternalError as the translator writes it. */
export function internalStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** The translator's Status for a command whose exit code client-go decoded (codeExitToStatusError). */
export function exitCodeStatus(code: number): StreamStatus {
  return {
    metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: command terminated with exit code ${code}`, reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** client-go's v4 error-stream decoder applied to the kubelet's Status, re-expressed as the translator writes it. */
export function translateExecStatus(raw: string): StreamStatus {
  if (raw === '') return { metadata: {}, status: 'Success' };
  let st: StreamStatus;
  try {
    st = JSON.parse(raw) as StreamStatus;
  } catch (e) {
    return internalStatus(`error stream protocol error: ${(e as Error).message} in ${JSON.stringify(raw)}`);
  }
  if (st.status === 'Success') return { metadata: {}, status: 'Success' };
  if (st.status !== 'Failure') return internalStatus('error stream protocol error: unknown error');
  if (st.reason === 'NonZeroExitCode') {
    if (!st.details) return internalStatus('error stream protocol error: details must be set');
    const cause = st.details.causes?.find(c => c.reason === 'ExitCode');
    if (!cause) return internalStatus('error stream protocol error: no ExitCode cause given');
    const code = cause.message ?? '';
    // strconv.ParseUint(message, 10, 8).
    if (!/^\d+$/.test(code) || Number(code) > 255) return internalStatus(`error stream protocol error: invalid exit code value ${JSON.stringify(code)}`);
    return exitCodeStatus(Number(code));
  }
  return internalStatus(st.message ?? '');
}

/** The Status written when the kubelet connection could not be set up. */
export function dialFailureStatus(e: unknown): StreamStatus {
  if (e instanceof UpgradeRefusedError && e.status) return e.status;
  return internalStatus(e instanceof Error ? e.message : String(e));
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

function finish(ws: WebSocket, status: StreamStatus): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(encodeChannelMessage(channel.error, Buffer.from(JSON.stringify(status))), () => ws.close(1000));
}

interface Inputs { stdin?: Writable; resize?: Writable }

/**
 * Takes the client's messages from the moment the WebSocket opens: stdin sent before the kubelet
 * streams exist is held (the socket is paused meanwhile), then written in order.
 */
class ClientInput {
  private held: Buffer[] = [];
  private inputs: Inputs | undefined;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const msg = isBinary ? data : Buffer.from(data);
      if (this.inputs) this.route(msg);
      else {
        this.held.push(msg);
        ws.pause();
      }
    });
  }

  attach(inputs: Inputs): void {
    this.inputs = inputs;
    for (const msg of this.held) this.route(msg);
    this.held = [];
    this.ws.resume();
  }

  private route(raw: Buffer): void {
    const msg = decodeChannelMessage(raw);
    const { stdin, resize } = this.inputs ?? {};
    if (!msg) return;
    if (msg.channel === channel.stdin && stdin && !stdin.writableEnded) {
      // A kubelet that does not read stdin stops the client's socket, not our memory.
      if (!stdin.write(msg.data)) {
        this.ws.pause();
        stdin.once('drain', () => this.ws.resume());
      }
    } else if (msg.channel === channel.resize) resize?.write(msg.data);
    else if (msg.channel === channel.close && msg.data[0] === channel.stdin) stdin?.end();
  }
}

/** Runs the translated session until the command ends or either side goes away. */
export async function translateStreams(ws: WebSocket, dial: SpdyDialer, opts: StreamOptions): Promise<void> {
  const input = new ClientInput(ws);
  let spdy: SpdyConnection;
  try {
    spdy = new SpdyConnection(await dial(), false);
  } catch (e) {
    return finish(ws, dialFailureStatus(e));
  }
  ws.once('close', () => spdy.close());
  let broken: Error | undefined;
  spdy.once('close', err => { broken = err; });
  try {
    // client-go's order: error first, then stdin, stdout, stderr (not with a tty), resize (tty only).
    const open = (type: string) => spdy.createStream({ streamtype: type });
    const errorStream = await open('error');
    const stdin = opts.stdin ? await open('stdin') : undefined;
    const stdout = opts.stdout ? await open('stdout') : undefined;
    const stderr = opts.stderr && !opts.tty ? await open('stderr') : undefined;
    const resize = opts.tty ? await open('resize') : undefined;
    // Nothing is written on these; the half-close tells the kubelet so.
    errorStream.end();
    stdout?.end();
    stderr?.end();
    const statusText = readText(errorStream);
    input.attach({ ...(stdin ? { stdin } : {}), ...(resize ? { resize } : {}) });
    const outputs: Promise<void>[] = [];
    if (stdout) outputs.push(relay(ws, stdout, channel.stdout));
    if (stderr) outputs.push(relay(ws, stderr, channel.stderr));
    await Promise.all(outputs);
    const text = await statusText;
    // A connection that failed (garbage, reset) ends the streams too; that is no success.
    finish(ws, broken && text === '' ? internalStatus(`error reading from error stream: ${broken.message}`) : translateExecStatus(text));
    for (const s of [stdin, resize] as (SpdyStream | undefined)[]) s?.destroy();
  } catch (e) {
    finish(ws, internalStatus((e as Error).message));
  }
  spdy.close();
}

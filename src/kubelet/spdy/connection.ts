// A SPDY/3.1 session over one byte stream, as moby/spdystream runs it for Kubernetes: streams
// are opened with SYN_STREAM and accepted with an empty SYN_REPLY, half-closed with an empty
// FIN DATA frame, torn down with RST_STREAM; PINGs are echoed. spdystream does no flow control,
// so neither does this: a full stream pauses the whole socket, which TCP turns into backpressure.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  ControlType, FLAG_FIN, FrameParser, RstStatus, dataFrame, goAwayFrame, payloadStreamId, pingFrame,
  rstStreamFrame, synReplyFrame, synStreamFrame, type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, SpdyProtocolError, type SpdyHeaders } from './headers.js';

const FLAG_UNIDIRECTIONAL = 0x02;
/** Outgoing DATA frames are cut at this size so one stream cannot hog the socket. */
const maxDataFrame = 32 * 1024;

export class SpdyStream extends Duplex {
  remoteClosed = false;
  localClosed = false;
  /** Set once the stream ended by RST_STREAM rather than by both FINs. */
  reset = false;

  constructor(private readonly conn: SpdyConnection, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    this.conn.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localClosed = true;
    this.conn.sendData(this.id, Buffer.alloc(0), true, cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.conn.release(this, !(this.localClosed && this.remoteClosed) && !this.reset);
    cb(err);
  }

  /** Tears the stream down at once (RST_STREAM CANCEL), as spdystream's Reset. */
  resetStream(): void {
    this.destroy();
  }

  /** Delivers a DATA frame's payload; false when the reader is full. */
  deliver(data: Buffer, fin: boolean): boolean {
    let more = true;
    if (data.length > 0) more = this.push(data);
    if (fin) this.finishRemote();
    return more;
  }

  finishRemote(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
  }
}

export interface SpdyConnectionEvents {
  stream: [SpdyStream];
  close: [Error | undefined];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pending = new Map<number, { resolve: (s: SpdyStream) => void; reject: (e: Error) => void; stream: SpdyStream }>();
  private readonly full = new Set<SpdyStream>();
  private drainWaiters: (() => void)[] = [];
  private nextId: number;
  private lastPeerId = 0;
  private closed = false;

  constructor(private readonly socket: Duplex, private readonly isServer: boolean) {
    super();
    this.nextId = isServer ? 2 : 1;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    });
    socket.on('end', () => this.shutdown(undefined));
    socket.on('error', (e: Error) => this.shutdown(e));
    socket.on('close', () => this.shutdown(undefined));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Opens a stream and waits for the peer's SYN_REPLY. */
  createStream(headers: SpdyHeaders): Promise<SpdyStream> {
    if (this.closed) return Promise.reject(new Error('spdy: connection closed'));
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, stream });
      this.socket.write(synStreamFrame(id, this.compressor.compress(headers)));
    });
  }

  /** GOAWAY, then the socket ends; open streams end with it. */
  close(): void {
    if (this.closed) return;
    this.socket.write(goAwayFrame(this.lastPeerId));
    this.socket.end();
    this.shutdown(undefined);
  }

  destroy(err?: Error): void {
    this.socket.destroy();
    this.shutdown(err);
  }

  sendData(id: number, data: Buffer, fin: boolean, cb: (err?: Error | null) => void): void {
    if (this.closed) return cb(new Error('spdy: connection closed'));
    let ok = true;
    if (data.length === 0) ok = this.socket.write(dataFrame(id, data, fin));
    for (let off = 0; off < data.length; off += maxDataFrame) {
      const end = Math.min(off + maxDataFrame, data.length);
      ok = this.socket.write(dataFrame(id, data.subarray(off, end), fin && end === data.length));
    }
    if (ok) cb();
    else this.drainWaiters.push(() => cb());
  }

  resumeFor(stream: SpdyStream): void {
    if (this.full.delete(stream) && this.full.size === 0) this.socket.resume();
  }

  release(stream: SpdyStream, sendReset: boolean): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    this.resumeFor(stream);
    if (sendReset && !this.closed) this.socket.write(rstStreamFrame(stream.id, RstStatus.Cancel));
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
      for (const f of frames) this.handle(f);
    } catch (e) {
      this.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private handle(f: Frame): void {
    if (f.kind === 'data') {
      const stream = this.streams.get(f.streamId);
      if (!stream || stream.remoteClosed) return;
      if (!stream.deliver(f.data, (f.flags & FLAG_FIN) !== 0)) {
        this.full.add(stream);
        this.socket.pause();
      }
      return;
    }
    switch (f.type) {
      case ControlType.SynStream: return this.onSynStream(f.flags, f.payload);
      case ControlType.SynReply: return this.onSynReply(f.flags, f.payload);
      case ControlType.RstStream: return this.onReset(payloadStreamId(f.payload));
      case ControlType.Headers: {
        // Header blocks share the compression context, so they must be inflated even if unused.
        this.decompressor.decompress(f.payload.subarray(4));
        if ((f.flags & FLAG_FIN) !== 0) this.streams.get(payloadStreamId(f.payload))?.finishRemote();
        return;
      }
      case ControlType.Ping: {
        if (f.payload.length !== 4) throw new SpdyProtocolError('bad PING frame');
        const id = f.payload.readUInt32BE(0);
        // An id of the peer's parity is its ping; ours come back as replies and need nothing.
        if ((id % 2 === 0) !== this.isServer) this.socket.write(pingFrame(id));
        return;
      }
      case ControlType.GoAway: {
        this.socket.end();
        return;
      }
      default:
        // SETTINGS and WINDOW_UPDATE: spdystream does not act on them either.
        return;
    }
  }

  private onSynStream(flags: number, payload: Buffer): void {
    if (payload.length < 10) throw new SpdyProtocolError('SYN_STREAM too short');
    const id = payloadStreamId(payload);
    const headers = this.decompressor.decompress(payload.subarray(10));
    const peerParity = this.isServer ? 1 : 0;
    if (id === 0 || id % 2 !== peerParity || id <= this.lastPeerId) {
      this.socket.write(rstStreamFrame(id, RstStatus.ProtocolError));
      return;
    }
    this.lastPeerId = id;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    this.socket.write(synReplyFrame(id, this.compressor.compress({})));
    if ((flags & FLAG_UNIDIRECTIONAL) !== 0) {
      stream.localClosed = true;
      stream.end();
    }
    if ((flags & FLAG_FIN) !== 0) stream.finishRemote();
    this.emit('stream', stream);
  }

  private onSynReply(flags: number, payload: Buffer): void {
    const id = payloadStreamId(payload);
    this.decompressor.decompress(payload.subarray(4));
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if ((flags & FLAG_FIN) !== 0) waiting.stream.finishRemote();
    waiting.resolve(waiting.stream);
  }

  private onReset(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    const waiting = this.pending.get(id);
    if (waiting) {
      this.pending.delete(id);
      waiting.reject(new Error(`spdy: stream ${id} was refused`));
    }
    stream.reset = true;
    stream.finishRemote();
    stream.destroy();
  }

  private shutdown(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    for (const { reject } of this.pending.values()) reject(err ?? new Error('spdy: connection closed'));
    this.pending.clear();
    for (const stream of [...this.streams.values()]) {
      stream.finishRemote();
      stream.reset = true;
      stream.destroy();
    }
    this.streams.clear();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    this.emit('close', err);
  }
}

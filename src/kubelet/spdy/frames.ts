// SPDY/3.1 framing (the subset Kubernetes streams use: moby/spdystream on both the kubelet and
// kubectl side). Control frames carry version 3; the parser accepts bytes in any chunking and
// refuses anything that is not SPDY/3 instead of waiting for more.
import { SpdyProtocolError } from './headers.js';

export const FLAG_FIN = 0x01;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes (SPDY/3 §2.4.2). */
export const RstStatus = { ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, Cancel: 5, InternalError: 6, StreamInUse: 8, StreamAlreadyClosed: 9 } as const;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

/** Frames bigger than this are refused: spdystream writes at most its 32 KiB copy buffer, so a larger length means garbage. */
export const maxFrameLength = 1 << 20;

export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24 | data.length) >>> 0, 4);
  return data.length > 0 ? Buffer.concat([head, data]) : head;
}

export function controlFrame(type: ControlType, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE((flags << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function ids(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function synStreamFrame(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  // Associated stream 0, priority 0, slot 0.
  return controlFrame(ControlType.SynStream, flags, Buffer.concat([ids(streamId & 0x7fffffff, 0), Buffer.alloc(2), headerBlock]));
}

export function synReplyFrame(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  return controlFrame(ControlType.SynReply, flags, Buffer.concat([ids(streamId & 0x7fffffff), headerBlock]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  return controlFrame(ControlType.RstStream, 0, ids(streamId & 0x7fffffff, status));
}

export function pingFrame(id: number): Buffer {
  return controlFrame(ControlType.Ping, 0, ids(id));
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  return controlFrame(ControlType.GoAway, 0, ids(lastGoodStreamId & 0x7fffffff, status));
}

/** The stream id at the front of a SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS or WINDOW_UPDATE payload. */
export function payloadStreamId(payload: Buffer): number {
  if (payload.length < 4) throw new SpdyProtocolError('control frame too short');
  return payload.readUInt32BE(0) & 0x7fffffff;
}

/** Splits a byte stream into frames. */
export class FrameParser {
  private buffered: Buffer[] = [];
  private length = 0;

  /** Adds bytes; returns every frame now complete. Throws SpdyProtocolError on garbage. */
  push(chunk: Buffer): Frame[] {
    this.buffered.push(chunk);
    this.length += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.length < 8) break;
      const head = this.peek(8);
      const control = (head[0]! & 0x80) !== 0;
      if (control) {
        const version = head.readUInt16BE(0) & 0x7fff;
        if (version !== 3) throw new SpdyProtocolError(`unsupported version ${version}`);
      }
      const flags = head[4]!;
      const len = head.readUInt32BE(4) & 0xffffff;
      if (len > maxFrameLength) throw new SpdyProtocolError('frame too large');
      if (this.length < 8 + len) break;
      const whole = this.take(8 + len);
      const body = whole.subarray(8);
      if (control) frames.push({ kind: 'control', type: whole.readUInt16BE(2), flags, payload: body });
      else frames.push({ kind: 'data', streamId: whole.readUInt32BE(0) & 0x7fffffff, flags, data: body });
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.buffered[0]!.length < n) this.buffered = [Buffer.concat(this.buffered)];
    return this.buffered[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.buffered[0]!.length < n) this.buffered = [Buffer.concat(this.buffered)];
    const first = this.buffered[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.buffered.shift();
    else this.buffered[0] = first.subarray(n);
    this.length -= n;
    return out;
  }
}

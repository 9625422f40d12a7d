// Opening a SPDY/3.1 session to a kubelet as client-go's SPDY round tripper does it for the
// stream translator and the port-forward tunnel: the upgrade request offers the stream
// protocols, and a refusal becomes the kubelet's own Status when its body is one, else
// "unable to upgrade connection: <body>".
import type { Duplex } from 'node:stream';
import type { Status } from '../api/types.js';
import type { KubeletClient } from './client.js';

/** A Status as upstream marshals it onto a stream's error channel (no TypeMeta unless decoded with it). */
export type StreamStatus = Omit<Status, 'kind' | 'apiVersion' | 'code'> & { kind?: string; apiVersion?: string; code?: number };

/** The kubelet refused the upgrade; status is set when its body was a Status. */
export class UpgradeRefusedError extends Error {
  constructor(message: string, readonly httpCode: number, readonly status?: StreamStatus) {
    super(message);
    this.name = 'UpgradeRefusedError';
  }
}

export interface SpdySession {
  socket: Duplex;
  /** The X-Stream-Protocol-Version the kubelet chose ('' when it named none). */
  protocol: string;
}

const maxRefusalBody = 64 * 1024;

function parseStatus(text: string): StreamStatus | undefined {
  try {
    const v = JSON.parse(text) as StreamStatus;
    return v !== null && typeof v === 'object' && v.kind === 'Status' ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function dialSpdy(kubelet: KubeletClient, url: URL, protocols: string[]): Promise<SpdySession> {
  const up = await kubelet.upgrade(url, 'POST', { connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': protocols, host: url.host });
  const upgraded = /\bupgrade\b/i.test(up.response.headers.connection ?? '') && /spdy\/3\.1/i.test(up.response.headers.upgrade ?? '');
  if (!up.socket || !upgraded) {
    up.socket?.destroy();
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of up.response) {
      parts.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= maxRefusalBody) break;
    }
    up.response.destroy();
    const text = Buffer.concat(parts).toString('utf8');
    const status = parseStatus(text);
    const message = status?.message ?? `unable to upgrade connection: ${text.trim()}`;
    throw new UpgradeRefusedError(message, up.response.statusCode ?? 500, status);
  }
  if (up.head && up.head.length > 0) up.socket.unshift(up.head);
  const chosen = up.response.headers['x-stream-protocol-version'];
  return { socket: up.socket, protocol: typeof chosen === 'string' ? chosen : '' };
}

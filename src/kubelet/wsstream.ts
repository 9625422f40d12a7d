// The channel WebSocket protocols of k8s.io/apimachinery pkg/util/httpstream/wsstream: every
// binary message starts with its channel number (stdin 0, stdout 1, stderr 2, error 3, resize 4);
// v5 adds channel 255, whose one data byte names a channel the sender will write no more to.
import type { IncomingMessage } from 'node:http';

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const v5Protocol = 'v5.channel.k8s.io';
export const v4Protocol = 'v4.channel.k8s.io';
/** WebSocket subprotocol of port-forward tunnelled over WebSocket (kubectl 1.31+). */
/** The SPDY stream protocol of port-forward, toward the kubelet. */
export const portForwardProtocol = 'portforward.k8s.io';
export const tunnelProtocol = 'SPDY/3.1+portforward.k8s.io';

export function encodeChannelMessage(ch: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = ch;
  data.copy(out, 1);
  return out;
}

export function decodeChannelMessage(msg: Buffer): { channel: number; data: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  return { channel: msg[0]!, data: msg.subarray(1) };
}

export function isWebSocketRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket' && /\bupgrade\b/i.test(req.headers.connection ?? '');
}

/** Any connection upgrade (SPDY/3.1 or WebSocket), as httpstream.IsUpgradeRequest. */
export function isUpgradeRequest(req: IncomingMessage): boolean {
  return /\bupgrade\b/i.test(req.headers.connection ?? '') && (req.headers.upgrade ?? '') !== '';
}

export function requestedProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map(p => p.trim()).filter(p => p !== '');
}

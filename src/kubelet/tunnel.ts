// Port-forward tunnelled over WebSocket (upstream's PortForwardWebsockets, on by default in 1.32):
// the client speaks SPDY inside binary WebSocket messages; the API server opens a SPDY/3.1
// upgrade to the kubelet and carries the bytes across unchanged in both directions.
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** Above this many unsent bytes toward the client the kubelet connection is paused. */
const highWaterMark = 256 * 1024;

export function tunnel(ws: WebSocket, kubelet: Duplex): void {
  kubelet.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const paused = ws.bufferedAmount > highWaterMark;
    if (paused) kubelet.pause();
    ws.send(chunk, { binary: true }, () => { if (paused) kubelet.resume(); });
  });
  ws.on('message', (data: Buffer) => {
    if (!kubelet.write(data)) {
      // A kubelet that does not read stops the client's socket, not our memory.
      ws.pause();
      kubelet.once('drain', () => ws.resume());
    }
  });
  const close = () => {
    kubelet.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  };
  kubelet.once('close', close);
  kubelet.once('error', close);
  ws.once('close', close);
  ws.once('error', close);
}

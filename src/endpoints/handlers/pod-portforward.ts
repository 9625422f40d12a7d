// pods/portforward (upstream PortForwardREST): WebSocket clients asking for the tunnelling
// subprotocol (kubectl 1.31+) get their SPDY carried over WebSocket to a SPDY/3.1 upgrade on the
// kubelet; SPDY clients and older WebSocket clients are spliced straight to the kubelet.
import { WebSocketServer } from 'ws';
import { errors } from '../../api/errors.js';
import { dialSpdy } from '../../kubelet/spdy-dial.js';
import { tunnel } from '../../kubelet/tunnel.js';
import { proxyUpgrade } from '../../kubelet/upgrade-proxy.js';
import { isUpgradeRequest, isWebSocketRequest, portForwardProtocol, requestedProtocols, tunnelProtocol } from '../../kubelet/wsstream.js';
import { hijack } from '../../server/upgrade.js';
import type { HandlerContext } from './context.js';
import { unknownError, type KubeletDeps } from './pod-location.js';
import { kubeletStreamURL } from './pod-stream.js';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p: Set<string>) => (p.has(tunnelProtocol) ? tunnelProtocol : false) });

export function portForwardHandler(deps: KubeletDeps) {
  return async (ctx: HandlerContext): Promise<void> => {
    const params = new URLSearchParams();
    const ports = ctx.query.getAll('ports');
    if (ports.length > 0) params.append('port', ports.join(','));
    const url = await kubeletStreamURL(deps, ctx, 'portForward', params);
    const raw = hijack(ctx.req, ctx.res);
    if (!raw || !isUpgradeRequest(ctx.req)) throw errors.badRequest('Upgrade request required');
    if (isWebSocketRequest(ctx.req) && requestedProtocols(ctx.req).includes(tunnelProtocol)) {
      // The kubelet first: if it refuses, the client gets its answer instead of a WebSocket.
      const { socket: kubelet } = await dialSpdy(deps.kubelet, url, [portForwardProtocol]).catch((e: unknown) => { throw unknownError(e); });
      raw.switching();
      wss.handleUpgrade(ctx.req, raw.socket, raw.head, ws => tunnel(ws, kubelet));
      return;
    }
    await proxyUpgrade(ctx.req, { client: raw.socket, head: raw.head, onSwitching: raw.switching }, deps.kubelet, url).catch((e: unknown) => { throw unknownError(e); });
  };
}

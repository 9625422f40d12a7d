// pods/exec and pods/attach (upstream ExecREST / AttachREST): the container is checked, the
// kubelet's /exec or /attach URL built with its own parameter names (input, output, error, tty,
// command), and the upgrade served: v5 WebSocket clients through the stream translator, every
// other SPDY or WebSocket client spliced straight to the kubelet.
import { WebSocketServer } from 'ws';
import { errors } from '../../api/errors.js';
import { dialSpdy } from '../../kubelet/spdy-dial.js';
import { translateStreams, type StreamOptions } from '../../kubelet/stream-translator.js';
import { proxyUpgrade } from '../../kubelet/upgrade-proxy.js';
import { isUpgradeRequest, isWebSocketRequest, requestedProtocols, v4Protocol, v5Protocol } from '../../kubelet/wsstream.js';
import { hijack } from '../../server/upgrade.js';
import type { HandlerContext } from './context.js';
import { kubeletEndpoint, nodeNameOf, queryBool, streamContainer, unknownError, type KubeletDeps } from './pod-location.js';

// Only v5 clients are translated; the handler checks the list before ws sees it.
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p: Set<string>) => (p.has(v5Protocol) ? v5Protocol : false) });

export async function kubeletStreamURL(deps: KubeletDeps, ctx: HandlerContext, path: string, params: URLSearchParams): Promise<URL> {
  const { namespace, name } = ctx.ri;
  const pod = await deps.pods.get(namespace, name);
  const container = path === 'portForward' ? '' : streamContainer(pod, ctx.query.get('container') ?? '');
  const nodeName = nodeNameOf(pod);
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const ep = await kubeletEndpoint(deps, nodeName);
  params.sort();
  return deps.kubelet.url(ep, container ? `/${path}/${namespace}/${name}/${container}` : `/${path}/${namespace}/${name}`, params);
}

function streamHandler(deps: KubeletDeps, path: 'exec' | 'attach') {
  return async (ctx: HandlerContext): Promise<void> => {
    const q = ctx.query;
    const opts: StreamOptions = { stdin: queryBool(q, 'stdin'), stdout: queryBool(q, 'stdout'), stderr: queryBool(q, 'stderr'), tty: queryBool(q, 'tty') };
    const params = new URLSearchParams();
    if (opts.stdin) params.append('input', '1');
    if (opts.stdout) params.append('output', '1');
    if (opts.stderr) params.append('error', '1');
    if (opts.tty) params.append('tty', '1');
    if (path === 'exec') for (const c of q.getAll('command')) params.append('command', c);
    const url = await kubeletStreamURL(deps, ctx, path, params);
    const raw = hijack(ctx.req, ctx.res);
    if (!raw || !isUpgradeRequest(ctx.req)) throw errors.badRequest('Upgrade request required');
    if (isWebSocketRequest(ctx.req) && requestedProtocols(ctx.req).includes(v5Protocol)) {
      raw.switching();
      await new Promise<void>(resolve => {
        wss.handleUpgrade(ctx.req, raw.socket, raw.head, ws => {
          const dial = () => dialSpdy(deps.kubelet, url, [v5Protocol, v4Protocol]).then(s => s.socket);
          void translateStreams(ws, dial, opts).finally(resolve);
        });
      });
      return;
    }
    await proxyUpgrade(ctx.req, { client: raw.socket, head: raw.head, onSwitching: raw.switching }, deps.kubelet, url).catch((e: unknown) => { throw unknownError(e); });
  };
}

export const execHandler = (deps: KubeletDeps) => streamHandler(deps, 'exec');
export const attachHandler = (deps: KubeletDeps) => streamHandler(deps, 'attach');

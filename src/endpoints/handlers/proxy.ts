// pods/proxy, services/proxy and nodes/proxy (upstream ProxyREST with the UpgradeAwareHandler):
// any method, the path after /proxy joined onto the target, the query passed on, the caller's
// credentials stripped; an upgrade request is spliced, anything else streamed both ways.
import { posix } from 'node:path';
import type { Backend, KubeletClient } from '../../kubelet/client.js';
import { ProxyTransport } from '../../kubelet/client.js';
import { forwardedHeaders, proxyUpgrade } from '../../kubelet/upgrade-proxy.js';
import { isUpgradeRequest } from '../../kubelet/wsstream.js';
import type { Store } from '../../registry/store.js';
import { hijack } from '../../server/upgrade.js';
import type { HandlerContext } from './context.js';
import { unknownError } from './pod-location.js';
import { nodeProxyLocation, podProxyLocation, serviceProxyLocation } from './proxy-location.js';

export interface ProxyDeps {
  pods: Store;
  nodes: Store;
  services: Store;
  endpoints: Store;
  kubelet: KubeletClient;
}

/** net.JoinPreservingTrailingSlash of the target's path and the request's path after /proxy. */
export function proxyPath(requestPath: string): string {
  const segs = requestPath.split('/');
  // ['', 'api', v] or ['', 'apis', group, v], then namespaces/{ns}, then {resource}/{name}/proxy.
  let at = segs[1] === 'api' ? 3 : 4;
  if (segs[at] === 'namespaces') at += 2;
  const rest = segs.slice(at + 3).join('/');
  const joined = posix.join('/', rest);
  return rest.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

async function forward(ctx: HandlerContext, backend: Backend, target: URL): Promise<void> {
  const incoming = new URL(ctx.req.originalUrl, 'https://local');
  target.pathname = proxyPath(incoming.pathname);
  target.search = incoming.search;
  const raw = hijack(ctx.req, ctx.res);
  if (raw && isUpgradeRequest(ctx.req)) {
    await proxyUpgrade(ctx.req, { client: raw.socket, head: raw.head, onSwitching: raw.switching }, backend, target).catch((e: unknown) => { throw unknownError(e); });
    return;
  }
  const headers = { ...forwardedHeaders(ctx.req), host: target.host };
  const hasBody = ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined;
  if (ctx.req.headers['content-length']) headers['content-length'] = ctx.req.headers['content-length'];
  const aborted = new AbortController();
  ctx.res.once('close', () => aborted.abort());
  const upstream = await backend.request(target, ctx.req.method ?? 'GET', headers, { ...(hasBody ? { body: ctx.req } : {}), signal: aborted.signal })
    .catch((e: unknown) => { throw unknownError(e); });
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headersDistinct)) {
    if (value && !/^(connection|keep-alive|transfer-encoding|upgrade|proxy-connection)$/i.test(name)) out[name] = value;
  }
  ctx.res.writeHead(upstream.statusCode ?? 502, out);
  // pipe() keeps a slow reader's backpressure on the backend's socket.
  upstream.pipe(ctx.res);
  await new Promise<void>(resolve => {
    upstream.once('error', () => { ctx.res.destroy(); resolve(); });
    ctx.res.once('close', () => { upstream.destroy(); resolve(); });
    upstream.once('end', () => resolve());
  });
}

export function proxyHandlers(deps: ProxyDeps): Record<string, (ctx: HandlerContext) => Promise<void>> {
  const transport = new ProxyTransport();
  return {
    '/pods/proxy': async ctx => forward(ctx, transport, await podProxyLocation(deps.pods, ctx.ri.namespace, ctx.ri.name)),
    '/services/proxy': async ctx => forward(ctx, transport, await serviceProxyLocation(deps, ctx.ri.namespace, ctx.ri.name)),
    '/nodes/proxy': async ctx => {
      const { url, backend } = await nodeProxyLocation(deps.nodes, deps.pods, deps.kubelet, transport, ctx.ri.name);
      await forward(ctx, backend, url);
    },
  };
}

// The kubelet-facing pod subresources, keyed as the resource router looks virtual handlers up.
import type { KubeletClient } from '../../kubelet/client.js';
import type { Stores } from '../../server/stores.js';
import type { HandlerContext } from './context.js';
import { podLogHandler } from './pod-log.js';
import { portForwardHandler } from './pod-portforward.js';
import { attachHandler, execHandler } from './pod-stream.js';
import { proxyHandlers } from './proxy.js';

export function kubeletHandlers(stores: Stores, kubelet: KubeletClient): Record<string, (ctx: HandlerContext) => Promise<void>> {
  const deps = { pods: stores.builtin('', 'pods'), nodes: stores.builtin('', 'nodes'), services: stores.builtin('', 'services'), endpoints: stores.builtin('', 'endpoints'), kubelet };
  return {
    '/pods/log': podLogHandler(deps),
    '/pods/exec': execHandler(deps),
    '/pods/attach': attachHandler(deps),
    '/pods/portforward': portForwardHandler(deps),
    ...proxyHandlers(deps),
  };
}

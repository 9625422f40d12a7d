// Resolves a resource request to its catalog entry and store, checks scope and verb, and
// dispatches to the verb's handler.
import type { NextFunction, Request, Response } from 'express';
import type { Catalog } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { Store } from '../registry/store.js';
import type { HandlerContext } from './handlers/context.js';
import { createHandler } from './handlers/create.js';
import { deleteCollectionHandler, deleteHandler } from './handlers/delete.js';
import { getHandler } from './handlers/get.js';
import { listHandler } from './handlers/list.js';
import { patchHandler } from './handlers/patch.js';
import { updateHandler } from './handlers/update.js';
import { watchHandler } from './handlers/watch.js';
import { scaleHandler } from './handlers/scale.js';
import { writeError } from './status-writer.js';
import { addWarning } from '../api/warnings.js';

type Handler = (ctx: HandlerContext) => Promise<void>;

/** Connect subresources answer the verbs upstream registers for them (GET and POST become get and create). */
const connectVerbs: Record<string, string[]> = {
  log: ['get'], exec: ['get', 'create'], attach: ['get', 'create'], portforward: ['get', 'create'], proxy: ['get', 'create', 'update', 'patch', 'delete'],
};

const handlers: Record<string, Handler> = {
  get: getHandler,
  list: listHandler,
  watch: watchHandler,
  create: createHandler,
  update: updateHandler,
  patch: patchHandler,
  delete: deleteHandler,
  deletecollection: deleteCollectionHandler,
};

/**
 * Whether upstream's installer registers a route for this method on this path: collections
 * take GET, POST and DELETE; objects GET, PUT, PATCH and DELETE; HEAD only reaches proxies.
 */
function routed(method: string, named: boolean, subresource: string): boolean {
  if (subresource) return method !== 'HEAD' || subresource === 'proxy';
  if (method === 'HEAD') return false;
  if (method === 'POST') return !named;
  if (method === 'PUT' || method === 'PATCH') return named;
  return true;
}

export interface ResourceRouterDeps {
  catalog: Catalog;
  storeFor(info: ResourceInfo): Store;
  minRequestTimeoutSeconds: number;
  /** Create-only resources answered without storage (the review APIs, serviceaccounts/token), keyed `<group>/<resource>[/<subresource>]`. */
  virtual?: Record<string, Handler>;
}

export function resourceHandler(deps: ResourceRouterDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const ri = req.requestInfo;
    if (!ri || !ri.isResourceRequest) return next();
    try {
      const info = deps.catalog.lookup(ri.apiGroup, ri.apiVersion, ri.resource);
      if (!info) throw errors.notFoundPath();
      const verb = ri.verb;
      if (!routed(req.method, ri.name !== '', ri.subresource)) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      if (info.custom?.deprecationWarning) addWarning(info.custom.deprecationWarning);
      const virtual = deps.virtual?.[ri.subresource ? `${info.group}/${info.resource}/${ri.subresource}` : `${info.group}/${info.resource}`];
      if (ri.subresource) {
        const sub = info.subresources.find(s => s.name === ri.subresource);
        // Only proxy takes a path after the subresource.
        if (!sub || (ri.parts.length > 0 && !(sub.name === 'proxy' && virtual))) throw errors.notFoundPath();
        const served = ['status', 'scale', 'approval', 'ephemeralcontainers'].includes(sub.name) ? ['get', 'update', 'patch'] : sub.name === 'finalize' ? ['update'] : virtual ? connectVerbs[sub.name] ?? ['create'] : [];
        if (!sub.verbs.includes(verb) || !served.includes(verb)) {
          throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
        }
      } else if (!info.verbs.includes(verb)) {
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      }
      // A namespaced resource needs a namespace except to list or watch across all of them;
      // a cluster-scoped one never has one.
      if (info.namespaced && !ri.namespace && !['list', 'watch', 'deletecollection'].includes(verb)) throw errors.notFoundPath();
      if (!info.namespaced && ri.namespace) throw errors.notFoundPath();
      if (info.custom?.terminating && verb === 'create' && !ri.subresource) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
      const handler = virtual ?? (ri.subresource === 'scale' ? scaleHandler : handlers[verb]);
      if (!handler) throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const url = new URL(req.originalUrl, 'https://local');
      await handler({ req, res, ri, info, store: deps.storeFor(info), query: url.searchParams, minRequestTimeoutSeconds: deps.minRequestTimeoutSeconds });
    } catch (e) {
      writeError(res, e);
    }
  };
}

// Param objects read from the server's own stores: a paramKind names a served group/version/kind
// (built-in or custom), looked up in the live catalog at each request.
import { isApiError } from '../../api/errors.js';
import { groupVersion, type ResourceInfo } from '../../api/resource-info.js';
import type { Catalog } from '../../api/catalog.js';
import type { Store } from '../../registry/store.js';
import type { ParamResolver } from './params.js';

export function storeParams(catalog: Catalog, storeFor: (info: ResourceInfo) => Store): ParamResolver {
  return (apiVersion, kind) => {
    const info = catalog.all().find(i => groupVersion(i) === apiVersion && i.kind === kind);
    if (!info) return undefined;
    const store = storeFor(info);
    return {
      namespaced: info.namespaced,
      get: async (namespace, name) => {
        try {
          return await store.get(namespace, name);
        } catch (e) {
          if (isApiError(e) && e.code === 404) return null;
          throw e;
        }
      },
      list: async namespace => (await store.list(namespace, {})).items,
    };
  };
}

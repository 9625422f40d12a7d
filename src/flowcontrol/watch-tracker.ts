// Upstream's WatchTracker (apiserver/pkg/util/flowcontrol/watch_tracker.go): the watches in
// flight per resource, namespace and name, so a write can be charged for the watchers that will
// receive its event (the mutating work estimator).
import type { RequestInfo } from '../filters/request-info.js';
import { groupResourceKey } from './object-count-tracker.js';

export class WatchTracker {
  /** resource key -> "namespace/name" -> watches ("" for all namespaces or all names). */
  private readonly watches = new Map<string, Map<string, number>>();

  /** Records a watch; the returned function forgets it (idempotent). */
  register(info: RequestInfo): () => void {
    const resource = groupResourceKey(info.apiGroup, info.resource);
    const scope = `${info.namespace}/${info.name}`;
    const byScope = this.watches.get(resource) ?? new Map<string, number>();
    this.watches.set(resource, byScope);
    byScope.set(scope, (byScope.get(scope) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (byScope.get(scope) ?? 1) - 1;
      if (n > 0) byScope.set(scope, n);
      else byScope.delete(scope);
      if (byScope.size === 0) this.watches.delete(resource);
    };
  }

  /** The watches a write of this object will send an event to. */
  interested(info: RequestInfo): number {
    const byScope = this.watches.get(groupResourceKey(info.apiGroup, info.resource));
    if (!byScope) return 0;
    const at = (ns: string, name: string) => byScope.get(`${ns}/${name}`) ?? 0;
    let n = at('', '');
    if (info.namespace) n += at(info.namespace, '');
    if (info.name) {
      n += at('', info.name);
      if (info.namespace) n += at(info.namespace, info.name);
    }
    return n;
  }
}

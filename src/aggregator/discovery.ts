// Discovery for aggregated APIs: the /apis group and version order from APIServices
// (SortedByGroupAndVersion, apiregistration.k8s.io first), and each backend's own aggregated
// discovery entry for its group version, fetched with the backend's ETag and kept, marked Stale,
// when a later fetch fails. Backends without aggregated discovery are read through their legacy
// APIResourceList, as upstream's discovery manager falls back.
import { request } from 'node:https';
import type { APIGroupInfo } from '../api/catalog.js';
import type { DiscoveryAggregation } from '../endpoints/discovery.js';
import { log } from '../observability/logger.js';
import { type BackendDeps, resolveService, tlsOptions } from './backend.js';
import { aggregatorMetrics } from './metrics.js';
import { APIREGISTRATION_GROUP, sortedByGroupAndVersion } from './priorities.js';
import type { APIServiceLister } from './registry.js';
import { type APIService, isAvailable, isRemote } from './types.js';

const AGGREGATED_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const FETCH_TIMEOUT_MS = 5000;
const BODY_LIMIT = 32 << 20;

/** One fetched group version, by APIService name. */
interface Fetched {
  etag?: string;
  entry: Record<string, unknown>;
  stale: boolean;
}

/** GET on a backend as system:kube-aggregator; resolves the status, headers and body text. */
export type BackendGet = (s: APIService, path: string, headers: Record<string, string>) => Promise<{ status: number; etag?: string; body: string }>;

export function backendGet(backend: BackendDeps): BackendGet {
  return async (s, path, headers) => {
    const addr = await resolveService(backend, s.spec.service ?? {});
    return new Promise((resolve, reject) => {
      const req = request({
        host: addr.host, port: addr.port, path, method: 'GET',
        headers: { ...headers, 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' },
        ...tlsOptions(backend, s),
      }, res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > BODY_LIMIT) req.destroy(new Error('discovery document too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(typeof res.headers.etag === 'string' ? { etag: res.headers.etag } : {}), body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        // A connection dropped mid-body ends no stream; the promise must still settle.
        res.on('close', () => { if (!res.complete) reject(new Error('unexpected EOF')); });
      });
      // Upstream wraps the fetch in a 5s http.TimeoutHandler: a whole-request limit, not an idle one.
      const timer = setTimeout(() => req.destroy(new Error('request timed out')), FETCH_TIMEOUT_MS);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end();
    });
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The APIVersionDiscovery entry for group/version in an APIGroupDiscoveryList, or undefined. */
export function versionFromAggregated(doc: unknown, group: string, version: string): Obj | undefined {
  if (!isObj(doc) || doc['kind'] !== 'APIGroupDiscoveryList' || !Array.isArray(doc['items'])) return undefined;
  for (const g of doc['items']) {
    if (!isObj(g) || !isObj(g['metadata']) || (g['metadata']['name'] ?? '') !== group || !Array.isArray(g['versions'])) continue;
    const v = g['versions'].find(x => isObj(x) && x['version'] === version);
    if (isObj(v)) return v;
  }
  return undefined;
}

/** An APIResourceList turned into an APIVersionDiscovery entry (upstream's ConvertGroupVersionIntoToDiscovery). */
export function versionFromLegacy(doc: unknown, version: string): Obj | undefined {
  if (!isObj(doc) || !Array.isArray(doc['resources'])) return undefined;
  const list = doc['resources'].filter(isObj);
  const resources: Obj[] = [];
  for (const r of list) {
    const name = String(r['name'] ?? '');
    if (name.includes('/')) continue;
    const subs = list.filter(x => String(x['name'] ?? '').startsWith(`${name}/`)).map(x => ({
      subresource: String(x['name']).slice(name.length + 1),
      responseKind: { group: String(x['group'] ?? ''), version: String(x['version'] ?? ''), kind: String(x['kind'] ?? '') },
      verbs: x['verbs'] ?? [],
    }));
    resources.push({
      resource: name,
      responseKind: { group: String(r['group'] ?? ''), version: String(r['version'] ?? ''), kind: String(r['kind'] ?? '') },
      scope: r['namespaced'] === true ? 'Namespaced' : 'Cluster',
      singularResource: String(r['singularName'] ?? ''),
      verbs: r['verbs'] ?? [],
      ...(Array.isArray(r['shortNames']) && r['shortNames'].length > 0 ? { shortNames: r['shortNames'] } : {}),
      ...(Array.isArray(r['categories']) && r['categories'].length > 0 ? { categories: r['categories'] } : {}),
      ...(subs.length > 0 ? { subresources: subs } : {}),
    });
  }
  return { version, resources, freshness: 'Current' };
}

export class AggregatedDiscovery implements DiscoveryAggregation {
  private readonly fetched = new Map<string, Fetched>();
  private rev = 0;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: APIServiceLister, private readonly get: BackendGet, private readonly refreshMs = 60_000) {
    services.onChange((type, s) => {
      const name = s.metadata.name ?? '';
      if (type === 'DELETED' || !isRemote(s)) {
        if (this.fetched.delete(name)) this.rev += 1;
        return;
      }
      void this.refresh(name);
    });
  }

  start(): void {
    for (const s of this.services.list()) if (isRemote(s)) void this.refresh(s.metadata.name ?? '');
    this.timer = setInterval(() => { for (const s of this.services.list()) if (isRemote(s)) void this.refresh(s.metadata.name ?? ''); }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  revision(): number {
    return this.services.revision() * 1_000_003 + this.rev;
  }

  groups(local: APIGroupInfo[]): APIGroupInfo[] {
    const localVersions = new Map(local.map(g => [g.name, new Set(g.versions)]));
    const out: APIGroupInfo[] = [];
    const seen = new Set<string>();
    for (const list of sortedByGroupAndVersion(this.services.list())) {
      const name = list[0]!.spec.group ?? '';
      if (name === '') continue;
      // A Local APIService whose group version is not (or no longer) served here is left out.
      const versions = list.filter(s => isRemote(s) || localVersions.get(name)?.has(s.spec.version ?? '')).map(s => s.spec.version ?? '');
      for (const v of localVersions.get(name) ?? []) if (!versions.includes(v)) versions.push(v);
      if (versions.length === 0) continue;
      seen.add(name);
      out.push({ name, versions, preferredVersion: versions[0]! });
    }
    // Served here without an APIService yet (autoregistration has not run): after the others, in catalog order.
    for (const g of local) if (!seen.has(g.name)) out.push(g);
    const i = out.findIndex(g => g.name === APIREGISTRATION_GROUP);
    if (i > 0) out.unshift(...out.splice(i, 1));
    return out;
  }

  remoteVersion(group: string, version: string): object | null | undefined {
    const s = this.services.get(`${version}.${group}`);
    if (!s || !isRemote(s)) return undefined;
    const f = this.fetched.get(s.metadata.name ?? '');
    if (!f) return null;
    return { ...f.entry, version, freshness: f.stale ? 'Stale' : 'Current' };
  }

  /** Fetches one APIService's entry now; concurrent calls share one fetch. */
  refresh(name: string): Promise<void> {
    const running = this.inFlight.get(name);
    if (running) return running;
    const p = this.fetch(name).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, p);
    return p;
  }

  private async fetch(name: string): Promise<void> {
    const s = this.services.get(name);
    if (!s || !isRemote(s)) return;
    const group = s.spec.group ?? '';
    const version = s.spec.version ?? '';
    const previous = this.fetched.get(name);
    // Upstream keeps the last good entry marked Stale; with none, the version is listed empty and Stale.
    const markStale = () => {
      if (previous?.stale) return;
      this.fetched.set(name, previous ? { ...previous, stale: true } : { entry: { version }, stale: true });
      this.rev += 1;
    };
    if (!isAvailable(s)) return markStale();
    try {
      const headers: Record<string, string> = { Accept: AGGREGATED_ACCEPT };
      if (previous?.etag && !previous.stale) headers['If-None-Match'] = previous.etag;
      const res = await this.get(s, '/apis', headers);
      if (res.status === 304 && previous) return;
      if (res.status !== 200) throw new Error(`unexpected status ${res.status} from /apis`);
      let entry = versionFromAggregated(JSON.parse(res.body), group, version);
      if (!entry) {
        const legacy = await this.get(s, `/apis/${group}/${version}`, { Accept: 'application/json' });
        if (legacy.status !== 200) throw new Error(`unexpected status ${legacy.status} from /apis/${group}/${version}`);
        entry = versionFromLegacy(JSON.parse(legacy.body), version);
      }
      if (!entry) throw new Error('the backend does not serve its group version in discovery');
      const next: Fetched = { entry, stale: false, ...(res.etag ? { etag: res.etag } : {}) };
      if (previous && !previous.stale && JSON.stringify(previous.entry) === JSON.stringify(entry)) return;
      this.fetched.set(name, next);
      this.rev += 1;
      aggregatorMetrics.discoveryAggregated();
    } catch (e) {
      log.v(2).info('aggregated discovery fetch failed', { apiservice: name, err: (e as Error).message });
      markStale();
    }
  }
}

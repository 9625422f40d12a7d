// OpenAPI of aggregated APIs: every available backend's /openapi/v2 merged beside the CRDs'
// (kube-openapi's merge: the local spec wins path and definition clashes), and for v3 the
// backend's document for its own group version. Fetched when an APIService changes and on a
// resync, with the backend's ETag; a backend that fails keeps its last good spec.
import type { OpenAPIExtra } from '../api/openapi-documents.js';
import { log } from '../observability/logger.js';
import type { BackendGet } from './discovery.js';
import { aggregatorMetrics } from './metrics.js';
import type { APIServiceLister } from './registry.js';
import { type APIService, isAvailable, isRemote } from './types.js';

type V2 = ReturnType<OpenAPIExtra['v2']>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Spec {
  v2?: { etag?: string; doc: V2 };
  v3?: { key: string; etag?: string; doc: object };
}

const serviceKey = (s: APIService) => `${s.spec.service?.namespace ?? ''}/${s.spec.service?.name ?? ''}:${s.spec.service?.port ?? 443}`;

/** Merges `extra` into `into` where keys are free. */
function addMissing(into: Record<string, unknown>, extra: unknown): void {
  if (!isObj(extra)) return;
  for (const [k, v] of Object.entries(extra)) if (!(k in into)) into[k] = v;
}

export class AggregatedOpenAPI implements OpenAPIExtra {
  /** By APIService name. */
  private readonly specs = new Map<string, Spec>();
  private rev = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: APIServiceLister,
    private readonly get: BackendGet,
    /** The CRDs' OpenAPI, merged first. */
    private readonly local: OpenAPIExtra | undefined,
    private readonly refreshMs = 60_000,
  ) {
    services.onChange((type, s) => {
      const name = s.metadata.name ?? '';
      if (type === 'DELETED' || !isRemote(s)) {
        if (this.specs.delete(name)) this.changed(name, 'delete', 0);
        return;
      }
      this.schedule(name, type === 'ADDED' ? 'add' : 'update');
    });
  }

  start(): void {
    for (const s of this.services.list()) if (isRemote(s)) this.schedule(s.metadata.name ?? '', 'startup');
    this.timer = setInterval(() => { for (const s of this.services.list()) if (isRemote(s)) this.schedule(s.metadata.name ?? '', 'update'); }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Resolves when every fetch scheduled so far has finished (tests wait on it). */
  settled(): Promise<void> {
    return this.chain;
  }

  revision(): number {
    return (this.local?.revision() ?? 0) * 1_000_003 + this.rev;
  }

  v2(): V2 {
    const base = this.local?.v2() ?? { paths: {}, definitions: {} };
    const out: V2 = { paths: { ...base.paths }, definitions: { ...base.definitions }, parameters: { ...base.parameters } };
    // By name, for a stable result whatever order the fetches finished in.
    for (const name of [...this.specs.keys()].sort()) {
      const doc = this.specs.get(name)?.v2?.doc;
      if (!doc) continue;
      addMissing(out.paths, doc.paths);
      addMissing(out.definitions, doc.definitions);
      addMissing(out.parameters ?? {}, doc.parameters);
    }
    return out;
  }

  v3(): Map<string, object> {
    const out = new Map(this.local?.v3() ?? []);
    for (const spec of this.specs.values()) if (spec.v3 && !out.has(spec.v3.key)) out.set(spec.v3.key, spec.v3.doc);
    return out;
  }

  private changed(name: string, reason: 'add' | 'update' | 'delete' | 'startup', seconds: number): void {
    this.rev += 1;
    aggregatorMetrics.openapiV2Regenerated(name, reason, seconds);
  }

  private schedule(name: string, reason: 'add' | 'update' | 'startup'): void {
    this.chain = this.chain.then(() => this.fetch(name, reason)).catch(e => log.v(2).info('aggregated OpenAPI fetch failed', { apiservice: name, err: (e as Error).message }));
  }

  private async fetch(name: string, reason: 'add' | 'update' | 'startup'): Promise<void> {
    const s = this.services.get(name);
    if (!s || !isRemote(s) || !isAvailable(s)) return;
    const started = Date.now();
    const previous = this.specs.get(name) ?? {};
    const next: Spec = { ...previous };
    // Several APIServices of one Service share its spec; the first one's copy is reused.
    const sibling = [...this.specs.entries()].find(([n]) => n !== name && this.services.get(n) && serviceKey(this.services.get(n)!) === serviceKey(s))?.[1];
    const v2 = sibling?.v2 ?? await this.fetchV2(s, previous.v2);
    if (v2) next.v2 = v2;
    const v3 = await this.fetchV3(s, previous.v3);
    if (v3) next.v3 = v3;
    if (next.v2 === previous.v2 && next.v3 === previous.v3) return;
    this.specs.set(name, next);
    this.changed(name, reason, (Date.now() - started) / 1000);
  }

  private async fetchV2(s: APIService, previous: Spec['v2']): Promise<Spec['v2']> {
    const res = await this.get(s, '/openapi/v2', { Accept: 'application/json', ...(previous?.etag ? { 'If-None-Match': previous.etag } : {}) });
    if (res.status === 304) return previous;
    if (res.status !== 200) throw new Error(`/openapi/v2 answered ${res.status}`);
    const doc: unknown = JSON.parse(res.body);
    if (!isObj(doc)) throw new Error('/openapi/v2 is not an object');
    return {
      ...(res.etag ? { etag: res.etag } : {}),
      doc: { paths: isObj(doc['paths']) ? doc['paths'] : {}, definitions: isObj(doc['definitions']) ? doc['definitions'] : {}, ...(isObj(doc['parameters']) ? { parameters: doc['parameters'] } : {}) },
    };
  }

  private async fetchV3(s: APIService, previous: Spec['v3']): Promise<Spec['v3']> {
    const key = `apis/${s.spec.group ?? ''}/${s.spec.version ?? ''}`;
    const index = await this.get(s, '/openapi/v3', { Accept: 'application/json' });
    if (index.status === 404) return undefined;
    if (index.status !== 200) throw new Error(`/openapi/v3 answered ${index.status}`);
    const paths = (JSON.parse(index.body) as { paths?: Record<string, { serverRelativeURL?: string }> }).paths ?? {};
    const url = paths[key]?.serverRelativeURL;
    if (!url) return undefined;
    const res = await this.get(s, url, { Accept: 'application/json', ...(previous?.etag ? { 'If-None-Match': previous.etag } : {}) });
    if (res.status === 304) return previous;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const doc: unknown = JSON.parse(res.body);
    if (!isObj(doc)) throw new Error(`${url} is not an object`);
    return { key, doc, ...(res.etag ? { etag: res.etag } : {}) };
  }
}

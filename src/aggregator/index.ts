// The aggregation layer assembled: the APIService registry, autoregistration, availability,
// discovery and OpenAPI aggregation, and the proxy. run.ts builds one and passes its pieces to
// the app; start() runs after the CRD controllers have published the stored CRDs.
import { readFile } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import type { Catalog } from '../api/catalog.js';
import type { DiscoveryAggregation } from '../endpoints/discovery.js';
import type { OpenAPIExtra } from '../api/openapi-documents.js';
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import { AutoRegister } from './autoregister.js';
import { AvailabilityController } from './availability.js';
import { type BackendDeps, orNull } from './backend.js';
import { AggregatedDiscovery, backendGet } from './discovery.js';
import { AggregatedOpenAPI } from './openapi.js';
import { aggregatorProxy } from './proxy.js';
import { APIServiceRegistry } from './registry.js';

export interface AggregatorConfig {
  catalog: Catalog;
  apiservices: Store;
  services: Store;
  endpoints: Store;
  /** --enable-aggregator-routing. */
  endpointRouting?: boolean;
  /** --proxy-client-cert-file / --proxy-client-key-file. */
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
  /** --aggregator-reject-forwarding-redirect (default true). */
  rejectForwardingRedirects?: boolean;
  /** The CRDs' OpenAPI, which the aggregated one wraps. */
  localOpenAPI?: OpenAPIExtra;
}

export class Aggregator {
  readonly registry: APIServiceRegistry;
  readonly discovery: DiscoveryAggregation & { start(): void; stop(): void };
  readonly openapi: AggregatedOpenAPI;
  readonly proxy: RequestHandler;
  private readonly autoregister: AutoRegister;
  private readonly availability: AvailabilityController;
  private readonly watched: Informer[];
  private clientCert: { cert: Buffer; key: Buffer } | undefined;

  constructor(private readonly cfg: AggregatorConfig) {
    this.registry = new APIServiceRegistry(cfg.apiservices);
    const backend: BackendDeps = {
      getService: orNull((ns, name) => cfg.services.get(ns, name)),
      getEndpoints: orNull((ns, name) => cfg.endpoints.get(ns, name)),
      endpointRouting: cfg.endpointRouting ?? false,
      clientCert: () => this.clientCert,
    };
    const get = backendGet(backend);
    this.discovery = new AggregatedDiscovery(this.registry, get);
    this.openapi = new AggregatedOpenAPI(this.registry, get, cfg.localOpenAPI);
    this.proxy = aggregatorProxy(this.registry, backend, { rejectForwardingRedirects: cfg.rejectForwardingRedirects ?? true });
    this.autoregister = new AutoRegister(cfg.catalog, this.registry, cfg.apiservices);
    this.availability = new AvailabilityController({ services: this.registry, store: cfg.apiservices, backend });
    // A backend's Service or Endpoints changing rechecks its APIServices at once, as upstream's handlers do.
    this.watched = [new Informer(cfg.services), new Informer(cfg.endpoints)];
    for (const inf of this.watched) inf.onEvent((_t, o) => this.availability.serviceChanged(o.metadata.namespace ?? '', o.metadata.name ?? ''));
  }

  /** Loads the proxy client certificate (a missing file stops start-up, as upstream). */
  async loadClientCert(): Promise<void> {
    if (!this.cfg.proxyClientCertFile || !this.cfg.proxyClientKeyFile) return;
    this.clientCert = { cert: await readFile(this.cfg.proxyClientCertFile), key: await readFile(this.cfg.proxyClientKeyFile) };
  }

  /** Resolves once autoregistration's first pass is done (upstream's autoregister-completion). */
  async start(): Promise<void> {
    await this.registry.start();
    await Promise.all(this.watched.map(i => i.start()));
    this.availability.start();
    this.discovery.start();
    this.openapi.start();
    await this.autoregister.start();
  }

  stop(): void {
    this.autoregister.stop();
    this.availability.stop();
    this.discovery.stop();
    this.openapi.stop();
    for (const inf of this.watched) inf.stop();
    this.registry.stop();
  }
}

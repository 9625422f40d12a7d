// API discovery as upstream 1.32 serves it: the legacy documents (/api, /api/v1, /apis,
// /apis/<group>, /apis/<group>/<version>) and aggregated discovery (apidiscovery.k8s.io v2 and
// v2beta1) on /api and /apis. The catalog is fixed at start, so every body is built once.
import { createHash } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { APIGroupInfo, Catalog } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import { parseAccept } from './negotiate.js';
import { writeError } from './status-writer.js';

export interface DiscoveryOptions {
  /**
   * The host:port clients should reach the server at (upstream: --advertise-address and
   * --secure-port). Unset, /api names the address the request arrived on.
   */
  serverAddress?: string;
}

type AggregatedVersion = 'v2' | 'v2beta1';

const byName = <T>(name: (x: T) => string) => (a: T, b: T) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
const gvString = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** APIResource entries of one group version: resources and "<resource>/<subresource>", by name. */
function apiResources(resources: ResourceInfo[]): object[] {
  const entries: { name: string; body: object }[] = [];
  for (const r of resources) {
    entries.push({
      name: r.resource,
      body: {
        name: r.resource,
        singularName: r.singularName,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
        ...(r.categories.length > 0 ? { categories: r.categories } : {}),
        ...(r.storageVersionHash ? { storageVersionHash: r.storageVersionHash } : {}),
      },
    });
    for (const s of r.subresources) {
      const name = `${r.resource}/${s.name}`;
      entries.push({
        name,
        body: {
          name,
          singularName: '',
          namespaced: r.namespaced,
          ...(s.group !== undefined ? { group: s.group } : {}),
          ...(s.version !== undefined ? { version: s.version } : {}),
          kind: s.kind,
          verbs: s.verbs,
        },
      });
    }
  }
  return entries.sort(byName(e => e.name)).map(e => e.body);
}

function groupVersionRefs(g: APIGroupInfo) {
  return {
    name: g.name,
    versions: g.versions.map(v => ({ groupVersion: gvString(g.name, v), version: v })),
    preferredVersion: { groupVersion: gvString(g.name, g.preferredVersion), version: g.preferredVersion },
  };
}

/** An APIResourceDiscovery entry (apidiscovery.k8s.io). */
function resourceDiscovery(r: ResourceInfo): object {
  return {
    resource: r.resource,
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(r.subresources.length > 0
      ? {
          subresources: [...r.subresources].sort(byName(s => s.name)).map(s => ({
            subresource: s.name,
            responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

function groupDiscovery(catalog: Catalog, g: APIGroupInfo): object {
  return {
    metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null },
    versions: g.versions.map(v => ({
      version: v,
      resources: catalog.resourcesFor(g.name, v).sort(byName(r => r.resource)).map(resourceDiscovery),
      freshness: 'Current',
    })),
  };
}

/** One aggregated document, rendered for both media type versions, with upstream's ETag. */
class AggregatedDocument {
  readonly etag: string;
  private readonly bodies: Record<AggregatedVersion, string>;

  constructor(items: object[]) {
    // Upstream hashes the JSON of the list without its type meta, whatever the media type.
    const hash = createHash('sha512').update(JSON.stringify({ metadata: {}, items })).digest('hex').toUpperCase();
    this.etag = `"${hash}"`;
    const render = (v: AggregatedVersion) => JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items });
    this.bodies = { v2: render('v2'), v2beta1: render('v2beta1') };
  }

  send(req: Request, res: Response, version: AggregatedVersion): void {
    res.setHeader('ETag', this.etag);
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'public');
    if (req.headers['if-none-match'] === this.etag) {
      res.status(304).end();
      return;
    }
    res.status(200)
      .setHeader('Content-Type', `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`)
      .end(this.bodies[version]);
  }
}

const jsonRanges = new Set(['application/json', 'application/*', '*/*']);

/**
 * The aggregated discovery version the Accept header asks for first, or undefined for the legacy
 * document. Media types we cannot produce (protobuf) are skipped, as upstream skips unacceptable
 * clauses.
 */
export function aggregatedVersionFor(accept: string | undefined): AggregatedVersion | undefined {
  for (const r of parseAccept(accept)) {
    if (r.q <= 0 || !jsonRanges.has(r.type)) continue;
    const as = r.params['as'];
    if (as === undefined) return undefined;
    const v = r.params['v'];
    if (as === 'APIGroupDiscoveryList' && r.params['g'] === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) return v;
  }
  return undefined;
}

function sendJSON(res: Response, body: string): void {
  res.status(200).setHeader('Content-Type', 'application/json').end(body);
}

/** host:port of the local end of the request's connection, as Go's net.JoinHostPort writes it. */
function localAddress(req: Request): string {
  const host = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const port = req.socket.localPort ?? 443;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function discoveryRouter(catalog: Catalog, opts: DiscoveryOptions = {}): Router {
  const groups = catalog.groups();
  const core = groups.find(g => g.name === '');
  const apiGroups = groups.filter(g => g.name !== '');

  const apiVersions = (address: string) => JSON.stringify({
    kind: 'APIVersions',
    versions: core?.versions ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  });
  const fixedAPIVersions = opts.serverAddress !== undefined ? apiVersions(opts.serverAddress) : undefined;

  // Upstream's /api/v1 list has no apiVersion; the /apis/<group>/<version> lists do.
  const coreLists = new Map<string, string>();
  for (const v of core?.versions ?? []) {
    coreLists.set(v, JSON.stringify({ kind: 'APIResourceList', groupVersion: v, resources: apiResources(catalog.resourcesFor('', v)) }));
  }
  const groupList = JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups.map(groupVersionRefs) });
  const groupDocs = new Map<string, string>();
  const groupLists = new Map<string, string>();
  for (const g of apiGroups) {
    groupDocs.set(g.name, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...groupVersionRefs(g) }));
    for (const v of g.versions) {
      const gv = gvString(g.name, v);
      groupLists.set(gv, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: apiResources(catalog.resourcesFor(g.name, v)) }));
    }
  }
  const aggregatedCore = new AggregatedDocument(core ? [groupDiscovery(catalog, core)] : []);
  const aggregatedGroups = new AggregatedDocument(apiGroups.map(g => groupDiscovery(catalog, g)));

  const router = Router();
  router.get('/api', (req, res) => {
    const v = aggregatedVersionFor(req.headers.accept);
    if (v) return aggregatedCore.send(req, res, v);
    res.setHeader('Vary', 'Accept');
    sendJSON(res, fixedAPIVersions ?? apiVersions(localAddress(req)));
  });
  router.get('/apis', (req, res) => {
    const v = aggregatedVersionFor(req.headers.accept);
    if (v) return aggregatedGroups.send(req, res, v);
    res.setHeader('Vary', 'Accept');
    sendJSON(res, groupList);
  });
  router.get('/api/:version', (req, res) => {
    const body = coreLists.get(req.params.version);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendJSON(res, body);
  });
  router.get('/apis/:group', (req, res) => {
    const body = groupDocs.get(req.params.group);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendJSON(res, body);
  });
  router.get('/apis/:group/:version', (req, res) => {
    const body = groupLists.get(`${req.params.group}/${req.params.version}`);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendJSON(res, body);
  });
  return router;
}

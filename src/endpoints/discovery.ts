// API discovery as upstream 1.32 serves it: the legacy documents (/api, /api/v1, /apis,
// /apis/<group>, /apis/<group>/<version>) and aggregated discovery (apidiscovery.k8s.io v2 and
// v2beta1) on /api and /apis. The bodies of a catalog revision are built once, on first use.
import { createHash } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { APIGroupInfo, Catalog } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import { encodeProtobufObject, protobufMediaType } from '../api/protobuf/index.js';
import type { ResourceInfo } from '../api/resource-info.js';
import { encodeBody } from './encoded.js';
import { clauseMatches, notAcceptableMessage, parseAccept, type MediaRange } from './negotiate.js';
import { writeError } from './status-writer.js';

export interface DiscoveryOptions {
  /**
   * The host:port clients should reach the server at (upstream: --advertise-address and
   * --secure-port). Unset, /api names the address the request arrived on.
   */
  serverAddress?: string;
  /** The aggregation layer's view: APIService group/version order and the groups other servers serve. */
  aggregation?: DiscoveryAggregation;
}

/** What the aggregator adds to discovery. */
export interface DiscoveryAggregation {
  /** Goes up whenever an APIService or a fetched backend document changes. */
  revision(): number;
  /** The API groups (not the core group) in /apis order, the catalog's `local` ones merged with the aggregated ones. */
  groups(local: APIGroupInfo[]): APIGroupInfo[];
  /**
   * A group version another server serves: its APIVersionDiscovery entry as fetched (freshness
   * Stale when the last fetch failed), null when none has been fetched yet; undefined when it is served here.
   */
  remoteVersion(group: string, version: string): object | null | undefined;
}

type AggregatedVersion = 'v2' | 'v2beta1';
type DiscoveryFormat = 'json' | 'protobuf';

/** Encodes on first use, then keeps the bytes. */
function lazyProtobuf(obj: Record<string, unknown>): () => Buffer {
  let bytes: Buffer | undefined;
  return () => (bytes ??= encodeProtobufObject(obj));
}

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
    // Upstream names a custom resource's group and version here, and leaves them empty for built-ins.
    responseKind: r.custom ? { group: r.group, version: r.version, kind: r.kind } : { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(r.subresources.length > 0
      ? {
          subresources: [...r.subresources].sort(byName(s => s.name)).map(s => ({
            subresource: s.name,
            responseKind: r.custom ? { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind } : { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

function groupDiscovery(catalog: Catalog, g: APIGroupInfo, aggregation: DiscoveryAggregation | undefined): object | undefined {
  const versions: object[] = [];
  for (const v of g.versions) {
    const remote = aggregation?.remoteVersion(g.name, v);
    if (remote === null) continue;
    versions.push(remote ?? {
      version: v,
      resources: catalog.resourcesFor(g.name, v).sort(byName(r => r.resource)).map(resourceDiscovery),
      freshness: 'Current',
    });
  }
  if (versions.length === 0) return undefined;
  return { metadata: g.name ? { name: g.name, creationTimestamp: null } : { creationTimestamp: null }, versions };
}

/** One aggregated document, rendered for both media type versions, with upstream's ETag. */
class AggregatedDocument {
  readonly etag: string;
  private readonly bodies: Record<AggregatedVersion, string>;
  private readonly protobuf: () => Buffer;

  constructor(items: object[]) {
    // Upstream hashes the JSON of the list without its type meta, whatever the media type.
    const hash = createHash('sha512').update(JSON.stringify({ metadata: {}, items })).digest('hex').toUpperCase();
    this.etag = `"${hash}"`;
    const render = (v: AggregatedVersion) => JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items });
    this.bodies = { v2: render('v2'), v2beta1: render('v2beta1') };
    this.protobuf = lazyProtobuf({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });
  }

  send(req: Request, res: Response, version: AggregatedVersion, format: DiscoveryFormat): void {
    res.setHeader('ETag', this.etag);
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'public');
    if (req.headers['if-none-match'] === this.etag) {
      res.status(304).end();
      return;
    }
    const params = `g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
    if (format === 'protobuf') {
      res.status(200).setHeader('Content-Type', `${protobufMediaType};${params}`).end(this.protobuf());
      return;
    }
    res.status(200).setHeader('Content-Type', `application/json;${params}`).end(this.bodies[version]);
  }
}

export interface DiscoveryChoice {
  format: DiscoveryFormat;
  /** The aggregated document's version; undefined for the legacy document. */
  aggregated?: AggregatedVersion;
}

const discoveryFormats: { subtype: string; format: DiscoveryFormat | 'yaml' }[] = [
  { subtype: 'json', format: 'json' },
  { subtype: 'yaml', format: 'yaml' },
  { subtype: 'vnd.kubernetes.protobuf', format: 'protobuf' },
];

/** A clause's as/g/v, or undefined when it has none; null when its stream or sv refuses it. */
function conversionOf(c: MediaRange, format: string): { as: string; g: string; v: string } | undefined | null {
  const p = c.params;
  if ((p['stream'] ?? '') !== '' && (p['stream'] !== 'watch' || format === 'yaml')) return null;
  if ((p['sv'] ?? '') !== '') return null;
  return p['as'] === undefined && p['g'] === undefined && p['v'] === undefined ? undefined : { as: p['as'] ?? '', g: p['g'] ?? '', v: p['v'] ?? '' };
}

/**
 * As upstream's discovery wrapper: the first Accept clause asking for the aggregated document
 * (wherever it stands) selects it; otherwise the legacy document in the first plain clause's
 * format, undefined (406) when none matches. Aggregated protobuf is v2 only (our schema has no
 * v2beta1), and the aggregated document has no YAML form here.
 */
export function negotiateDiscovery(accept: string | undefined, opts: { protobuf: boolean; aggregated: boolean }): DiscoveryChoice | { format: 'yaml' } | undefined {
  const clauses = parseAccept(accept);
  if (opts.aggregated) {
    for (const c of clauses) {
      for (const f of discoveryFormats) {
        if (!clauseMatches(c, 'application', f.subtype)) continue;
        const conv = conversionOf(c, f.format);
        if (!conv || conv.g !== 'apidiscovery.k8s.io' || conv.as !== 'APIGroupDiscoveryList') continue;
        if (conv.v === 'v2' && f.format !== 'yaml' && (f.format === 'json' || opts.protobuf)) return { format: f.format, aggregated: 'v2' };
        if (conv.v === 'v2beta1' && f.format === 'json') return { format: 'json', aggregated: 'v2beta1' };
      }
    }
  }
  if (!accept) return { format: 'json' };
  for (const c of clauses) {
    for (const f of discoveryFormats) {
      if (!clauseMatches(c, 'application', f.subtype) || conversionOf(c, f.format) !== undefined) continue;
      if (f.format === 'protobuf' && !opts.protobuf) continue;
      return { format: f.format };
    }
  }
  return undefined;
}

/** The aggregated discovery version a JSON-only client asks for first, or undefined for legacy. */
export function aggregatedVersionFor(accept: string | undefined): AggregatedVersion | undefined {
  const c = negotiateDiscovery(accept, { protobuf: false, aggregated: true });
  return c && 'aggregated' in c ? c.aggregated : undefined;
}

/** A legacy document: its JSON text, and its protobuf form on demand. */
interface LegacyDocument {
  json: string;
  protobuf: () => Buffer;
}

function legacyDocument(obj: Record<string, unknown>, protobufApiVersion: string): LegacyDocument {
  return { json: JSON.stringify(obj), protobuf: lazyProtobuf({ ...obj, apiVersion: protobufApiVersion }) };
}

function sendLegacy(req: Request, res: Response, doc: LegacyDocument): void {
  const choice = negotiateDiscovery(req.headers.accept, { protobuf: true, aggregated: false });
  if (!choice) return writeError(res, errors.notAcceptable(notAcceptableMessage));
  if (choice.format === 'protobuf') {
    res.status(200).setHeader('Content-Type', protobufMediaType).end(doc.protobuf());
    return;
  }
  if (choice.format === 'yaml') {
    res.status(200).setHeader('Content-Type', 'application/yaml').end(encodeBody('yaml', JSON.parse(doc.json)));
    return;
  }
  res.status(200).setHeader('Content-Type', 'application/json').end(doc.json);
}

/** host:port of the local end of the request's connection, as Go's net.JoinHostPort writes it. */
function localAddress(req: Request): string {
  const host = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const port = req.socket.localPort ?? 443;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Every discovery body of one catalog revision. */
interface DiscoveryDocuments {
  core: APIGroupInfo | undefined;
  coreLists: Map<string, LegacyDocument>;
  groupList: LegacyDocument;
  groupDocs: Map<string, LegacyDocument>;
  groupLists: Map<string, LegacyDocument>;
  aggregatedCore: AggregatedDocument;
  aggregatedGroups: AggregatedDocument;
}

function buildDocuments(catalog: Catalog, aggregation: DiscoveryAggregation | undefined): DiscoveryDocuments {
  const groups = catalog.groups();
  const core = groups.find(g => g.name === '');
  const localGroups = groups.filter(g => g.name !== '');
  const apiGroups = aggregation ? aggregation.groups(localGroups) : localGroups;
  const coreLists = new Map<string, LegacyDocument>();
  for (const v of core?.versions ?? []) {
    coreLists.set(v, legacyDocument({ kind: 'APIResourceList', groupVersion: v, resources: apiResources(catalog.resourcesFor('', v)) }, 'v1'));
  }
  const groupList = legacyDocument({ kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups.map(groupVersionRefs) }, 'v1');
  const groupDocs = new Map<string, LegacyDocument>();
  const groupLists = new Map<string, LegacyDocument>();
  for (const g of apiGroups) {
    groupDocs.set(g.name, legacyDocument({ kind: 'APIGroup', apiVersion: 'v1', ...groupVersionRefs(g) }, 'v1'));
    for (const v of g.versions) {
      // A group version served elsewhere is proxied there, this document included.
      if (aggregation?.remoteVersion(g.name, v) !== undefined) continue;
      const gv = gvString(g.name, v);
      groupLists.set(gv, legacyDocument({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: apiResources(catalog.resourcesFor(g.name, v)) }, 'v1'));
    }
  }
  return {
    core, coreLists, groupList, groupDocs, groupLists,
    aggregatedCore: new AggregatedDocument(core ? [groupDiscovery(catalog, core, undefined) ?? {}] : []),
    aggregatedGroups: new AggregatedDocument(apiGroups.map(g => groupDiscovery(catalog, g, aggregation)).filter(g => g !== undefined)),
  };
}

export function discoveryRouter(catalog: Catalog, opts: DiscoveryOptions = {}): Router {
  // Rebuilt on the first request after the catalog (a CRD came, changed or went) or the aggregation changed.
  let built: { revision: string; docs: DiscoveryDocuments } | undefined;
  const docs = (): DiscoveryDocuments => {
    const revision = `${catalog.revision}/${opts.aggregation?.revision() ?? 0}`;
    if (built?.revision !== revision) built = { revision, docs: buildDocuments(catalog, opts.aggregation) };
    return built.docs;
  };

  // Upstream's /api and /api/v1 JSON has no apiVersion; the protobuf envelope names v1.
  const apiVersions = (address: string) => legacyDocument({
    kind: 'APIVersions',
    versions: docs().core?.versions ?? [],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  }, 'v1');
  const fixedAPIVersions = opts.serverAddress !== undefined ? apiVersions(opts.serverAddress) : undefined;

  const router = Router();
  const allFormats = { protobuf: true, aggregated: true };
  router.get('/api', (req, res) => {
    const c = negotiateDiscovery(req.headers.accept, allFormats);
    if (c && 'aggregated' in c && c.aggregated) return docs().aggregatedCore.send(req, res, c.aggregated, c.format);
    res.setHeader('Vary', 'Accept');
    sendLegacy(req, res, fixedAPIVersions ?? apiVersions(localAddress(req)));
  });
  router.get('/apis', (req, res) => {
    const c = negotiateDiscovery(req.headers.accept, allFormats);
    if (c && 'aggregated' in c && c.aggregated) return docs().aggregatedGroups.send(req, res, c.aggregated, c.format);
    res.setHeader('Vary', 'Accept');
    sendLegacy(req, res, docs().groupList);
  });
  router.get('/api/:version', (req, res) => {
    const body = docs().coreLists.get(req.params.version);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendLegacy(req, res, body);
  });
  router.get('/apis/:group', (req, res) => {
    const body = docs().groupDocs.get(req.params.group);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendLegacy(req, res, body);
  });
  router.get('/apis/:group/:version', (req, res) => {
    const body = docs().groupLists.get(`${req.params.group}/${req.params.version}`);
    if (body === undefined) return writeError(res, errors.notFoundPath());
    sendLegacy(req, res, body);
  });
  return router;
}

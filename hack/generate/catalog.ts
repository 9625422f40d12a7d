// The served groups and the ResourceInfo catalog: legacy discovery entries of every served group
// version, with etcd key prefixes, storage versions and OpenAPI definition names attached.
import { createHash } from 'node:crypto';
import type { ResourceInfo, SubresourceInfo } from '../../src/api/resource-info.js';
import { type JsonObject, isObject, objectAt } from './json.js';
import { isPrerelease, promotions, storageVersionChanges } from './served.js';
import type { DiscoveryResource, Upstream } from './upstream.js';

export interface ServedGroup {
  /** '' for core. */
  name: string;
  /** In discovery order (the preferred version first). */
  versions: string[];
  preferredVersion: string;
}

/** Core first, then the /apis groups in upstream's order, each with the versions 1.32 serves. */
export function servedGroups(upstream: Upstream): ServedGroup[] {
  const out: ServedGroup[] = [{ name: '', versions: ['v1'], preferredVersion: 'v1' }];
  for (const g of upstream.groups) {
    const versions = g.versions.map(v => v.version).filter(v => !isPrerelease(v));
    for (const p of promotions) if (p.group === g.name && !versions.includes(p.to)) versions.unshift(p.to);
    if (versions.length === 0) continue;
    const preferred = versions.includes(g.preferredVersion.version) ? g.preferredVersion.version : versions[0]!;
    out.push({ name: g.name, versions, preferredVersion: preferred });
  }
  return out;
}

const gv = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** Upstream's storage version hash: the first 8 bytes of sha256("<group>/<version>/<kind>"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** Legacy discovery entries of a served group version, sorted by name as upstream lists them. */
function discoveryEntries(upstream: Upstream, group: string, version: string): DiscoveryResource[] {
  const entries = [...(upstream.resources.get(gv(group, version)) ?? [])];
  for (const p of promotions) {
    if (p.group !== group || p.to !== version) continue;
    const promoted = p.discovery ?? (upstream.resources.get(gv(group, p.from)) ?? [])
      .filter(r => p.resources.includes(r.name.split('/')[0]!))
      .map(r => ({ ...r }));
    if (promoted.length === 0) throw new Error(`no discovery entries for ${gv(group, version)} (${p.resources.join(', ')})`);
    entries.push(...promoted);
  }
  if (entries.length === 0) throw new Error(`no discovery data for ${gv(group, version)}`);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** 'services/specs' from '/registry/services/specs/<namespace>/service1'. */
function etcdPrefix(key: string): string {
  const path = key.replace(/^\/registry\//, '');
  const ns = path.indexOf('/<namespace>/');
  return ns >= 0 ? path.slice(0, ns) : path.slice(0, path.lastIndexOf('/'));
}

/** The etcd key prefix of a group-resource; every version of a resource shares it. */
function etcdPath(upstream: Upstream, group: string, version: string, resource: string): string | undefined {
  const exact = upstream.etcdPaths[`${gv(group, version)}/${resource}`];
  if (exact) return etcdPrefix(exact);
  for (const [k, key] of Object.entries(upstream.etcdPaths)) {
    const parts = k.split('/');
    const [g, r] = parts.length === 2 ? ['', parts[1]] : [parts[0], parts[2]];
    if (g === group && r === resource) return etcdPrefix(key);
  }
  return undefined;
}

interface GVK { group: string; version: string; kind: string }

function gvkList(schema: JsonObject): GVK[] {
  const list = schema['x-kubernetes-group-version-kind'];
  return Array.isArray(list) ? list.filter(isObject).map(g => ({ group: String(g['group']), version: String(g['version']), kind: String(g['kind']) })) : [];
}

/** Top-level kinds (one group-version-kind each) -> their OpenAPI v2 definition names. */
function definitionsByGVK(openapiV2: JsonObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, schema] of Object.entries(objectAt(openapiV2, 'definitions', 'openapi-v2'))) {
    if (!isObject(schema)) continue;
    const gvks = gvkList(schema);
    if (gvks.length !== 1) continue;
    const k = `${gv(gvks[0]!.group, gvks[0]!.version)}/${gvks[0]!.kind}`;
    if (out.has(k)) throw new Error(`openapi-v2: ${k} is defined by both ${out.get(k)} and ${name}`);
    out.set(k, name);
  }
  return out;
}

/** Every group version upstream registers (the list DeleteOptions names). */
function registeredGroupVersions(openapiV2: JsonObject): { group: string; version: string }[] {
  const del = objectAt(objectAt(openapiV2, 'definitions', 'openapi-v2'), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'openapi-v2');
  return gvkList(del).map(({ group, version }) => ({ group, version }));
}

interface Storage { group: string; version: string; hash?: string }

/**
 * Where a resource's objects are stored. The reference data's storage version hash names the
 * stored group/version/kind; promotions and later storage moves override it.
 */
function storageOf(r: DiscoveryResource, group: string, version: string, registered: { group: string; version: string }[]): Storage {
  const resource = r.name;
  const promoted = promotions.find(p => p.group === group && p.to === version && p.resources.includes(resource));
  const moved = promoted ? { group, version } : storageVersionChanges[`${group}/${resource}`];
  if (moved) return { ...moved, hash: storageVersionHash(moved.group, moved.version, r.kind) };
  if (!r.storageVersionHash) return { group, version };
  const match = registered.find(c => storageVersionHash(c.group, c.version, r.kind) === r.storageVersionHash);
  if (!match) throw new Error(`${gv(group, version)}/${resource}: no registered version matches storage version hash ${r.storageVersionHash}`);
  return { ...match, hash: r.storageVersionHash };
}

export function buildCatalog(upstream: Upstream, groups: ServedGroup[], openapiV2: JsonObject): ResourceInfo[] {
  const definitions = definitionsByGVK(openapiV2);
  const registered = registeredGroupVersions(openapiV2);
  const out: ResourceInfo[] = [];
  for (const g of groups) {
    for (const version of g.versions) {
      const entries = discoveryEntries(upstream, g.name, version);
      for (const r of entries) {
        if (r.name.includes('/')) continue;
        const subresources: SubresourceInfo[] = entries
          .filter(s => s.name.startsWith(`${r.name}/`))
          .map(s => ({
            name: s.name.slice(r.name.length + 1),
            kind: s.kind,
            ...(s.group !== undefined ? { group: s.group } : {}),
            ...(s.version !== undefined ? { version: s.version } : {}),
            verbs: [...s.verbs],
          }));
        const storage = storageOf(r, g.name, version, registered);
        const etcd = storage.hash ? etcdPath(upstream, g.name, version, r.name) : '';
        if (etcd === undefined) throw new Error(`${gv(g.name, version)}/${r.name}: stored, but no etcd path in the reference data`);
        const definition = definitions.get(`${gv(g.name, version)}/${r.kind}`);
        if (!definition) throw new Error(`${gv(g.name, version)}/${r.name}: no OpenAPI definition for kind ${r.kind}`);
        out.push({
          group: g.name,
          version,
          resource: r.name,
          singularName: r.singularName,
          kind: r.kind,
          namespaced: r.namespaced,
          verbs: [...r.verbs],
          shortNames: [...(r.shortNames ?? [])],
          categories: [...(r.categories ?? [])],
          ...(storage.hash ? { storageVersionHash: storage.hash } : {}),
          subresources,
          etcdPath: etcd,
          storageVersion: storage.version,
          ...(storage.group !== g.name ? { storageGroup: storage.group } : {}),
          definition,
          preferred: version === g.preferredVersion,
        });
      }
    }
  }
  return out;
}

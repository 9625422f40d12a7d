// Shared pieces of the OpenAPI v2 and v3 derivations: which URL paths a served set keeps, which
// promoted paths to add, and pruning to the schemas reachable from the kept paths (upstream's
// documents hold exactly those).
import type { ServedGroup } from './catalog.js';
import { type Json, type JsonObject, isObject } from './json.js';
import { promote } from './promote.js';
import type { Promotion } from './served.js';

export interface ServedSet {
  /** 'v1', 'apps/v1', ... */
  groupVersions: Set<string>;
  /** '' for core, then API group names. */
  groups: Set<string>;
}

export function servedSetOf(groups: ServedGroup[]): ServedSet {
  return {
    groups: new Set(groups.map(g => g.name)),
    groupVersions: new Set(groups.flatMap(g => g.versions.map(v => (g.name ? `${g.name}/${v}` : v)))),
  };
}

const versionSegment = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/** Whether a URL path belongs to the served API (non-resource paths always do). */
export function pathServed(path: string, served: ServedSet): boolean {
  const seg = path.split('/').filter(s => s !== '');
  if (seg[0] !== 'apis' || seg.length < 2) return true;
  if (seg.length === 2) return served.groups.has(seg[1]!);
  if (!versionSegment.test(seg[2]!)) return true;
  return served.groupVersions.has(`${seg[1]}/${seg[2]}`);
}

/**
 * Paths of a promotion's beta version that serve its promoted resources, renamed to the GA
 * version. The version root ('/apis/<g>/<v>/') comes along only when the GA version is new.
 */
export function promotedPaths(paths: JsonObject, p: Promotion, gaVersionExists: boolean): JsonObject {
  const prefix = `/apis/${p.group}/${p.from}/`;
  const out: JsonObject = {};
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length).split('/').filter(s => s !== '');
    if (rest[0] === 'watch') rest.shift();
    const isRoot = rest.length === 0;
    if (isRoot ? gaVersionExists : !p.resources.includes(rest[0]!)) continue;
    out[promote(path, p) as string] = promote(item, p);
  }
  return out;
}

function collectRefs(v: Json, prefix: string, into: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collectRefs(x, prefix, into);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith(prefix)) into.add(x.slice(prefix.length));
      else collectRefs(x, prefix, into);
    }
  }
}

/** The schemas reachable from `roots`, in the order of `schemas`. */
export function reachableSchemas(roots: Json[], schemas: JsonObject, refPrefix: string): JsonObject {
  const start = new Set<string>();
  for (const r of roots) collectRefs(r, refPrefix, start);
  const stack = [...start];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`unresolved $ref ${refPrefix}${name}`);
    seen.add(name);
    const next = new Set<string>();
    collectRefs(schema, refPrefix, next);
    for (const n of next) if (!seen.has(n)) stack.push(n);
  }
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) if (seen.has(name)) out[name] = schema;
  return out;
}

/**
 * `pool` plus the schemas of a promotion's beta document: the beta package's schemas renamed to
 * the GA version, the others (meta types) as they are; names already in `pool` are kept.
 */
export function withPromotedSchemas(pool: JsonObject, betaSchemas: JsonObject, p: Promotion): JsonObject {
  const prefix = `io.k8s.api.${p.pkg}.${p.from}.`;
  const out: JsonObject = { ...pool };
  for (const [name, schema] of Object.entries(betaSchemas)) {
    const inPackage = name.startsWith(prefix);
    const renamed = inPackage ? (promote(name, p) as string) : name;
    if (renamed in out) continue;
    const s = inPackage ? promote(schema, p) : schema;
    if (isObject(s) && inPackage && p.requiredListItems?.includes(name.slice(prefix.length))) s['required'] = ['items'];
    out[renamed] = s;
  }
  return out;
}

// Renames an OpenAPI fragment (paths, definitions, discovery) from a beta version to the GA
// version it became: definition names and $refs, URL paths, operation IDs, tags, and
// x-kubernetes-group-version-kind entries. These are the only places a version appears in
// upstream's generated documents.
import { type Json, type JsonObject, isObject } from './json.js';
import type { Promotion } from './served.js';

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function promoteString(s: string, p: Promotion): string {
  return s
    .split(`io.k8s.api.${p.pkg}.${p.from}.`).join(`io.k8s.api.${p.pkg}.${p.to}.`)
    .split(`/apis/${p.group}/${p.from}/`).join(`/apis/${p.group}/${p.to}/`);
}

function promoteOperationId(id: string, p: Promotion): string {
  return id.replace(capitalize(p.from), capitalize(p.to));
}

function promoteTag(tag: string, p: Promotion): string {
  return tag.endsWith(`_${p.from}`) ? tag.slice(0, -p.from.length) + p.to : tag;
}

function isGVK(o: JsonObject): boolean {
  return typeof o['group'] === 'string' && typeof o['version'] === 'string' && typeof o['kind'] === 'string';
}

export function promote(v: Json, p: Promotion): Json {
  if (typeof v === 'string') return promoteString(v, p);
  if (Array.isArray(v)) return v.map(x => promote(x, p));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const key = promoteString(k, p);
    if (k === 'operationId' && typeof x === 'string') out[key] = promoteOperationId(x, p);
    else if (k === 'tags' && Array.isArray(x)) out[key] = x.map(t => (typeof t === 'string' ? promoteTag(t, p) : t));
    else out[key] = promote(x, p);
  }
  if (isGVK(out) && out['group'] === p.group && out['version'] === p.from) out['version'] = p.to;
  return out;
}

/**
 * Adds the GA version next to the beta one in x-kubernetes-group-version-kind lists that name
 * every registered group version (DeleteOptions, WatchEvent...): upstream keeps registered
 * betas there and lists the GA version too.
 */
export function addPromotedGVKs(v: Json, p: Promotion): Json {
  if (Array.isArray(v)) return v.map(x => addPromotedGVKs(x, p));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'x-kubernetes-group-version-kind' && Array.isArray(x) && x.length > 1) out[k] = withPromotedGVK(x, p);
    else out[k] = addPromotedGVKs(x, p);
  }
  return out;
}

function withPromotedGVK(list: Json[], p: Promotion): Json[] {
  const gvks = list.filter(isObject);
  const beta = gvks.find(g => g['group'] === p.group && g['version'] === p.from);
  if (!beta || gvks.some(g => g['group'] === p.group && g['version'] === p.to)) return list;
  const added: JsonObject = { ...beta, version: p.to };
  const key = (g: JsonObject) => `${String(g['group'])}\u0000${String(g['version'])}`;
  return [...gvks, added].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

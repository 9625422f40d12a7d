// Reads the upstream v1.28.7 reference data (shared/upstream-api) into typed structures.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type JsonObject, isObject, readJson, readObject } from './json.js';

/** One entry of a legacy APIResourceList (a resource or a "<resource>/<subresource>"). */
export interface DiscoveryResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface GroupVersionRef { groupVersion: string; version: string }

export interface DiscoveryGroup {
  name: string;
  versions: GroupVersionRef[];
  preferredVersion: GroupVersionRef;
}

export interface TableColumn { name: string; type: string; format: string; priority: number }
export interface TableInfo { columns: TableColumn[]; exampleRow: unknown[] | null }

export interface Upstream {
  /** groupVersion ('v1', 'apps/v1', ...) -> its legacy resource list entries. */
  resources: Map<string, DiscoveryResource[]>;
  /** The /apis groups in upstream's order. */
  groups: DiscoveryGroup[];
  /** '<groupVersion>/<resource>' -> etcd key of a sample object. */
  etcdPaths: Record<string, string>;
  openapiV2: JsonObject;
  /** '/openapi/v3/<key>' documents; key like 'api/v1', 'apis/apps', 'version'. */
  openapiV3: Map<string, JsonObject>;
  /** '<groupVersion>/<resource>' -> table columns. */
  tables: Record<string, TableInfo>;
}

function resourceList(path: string): { groupVersion: string; resources: DiscoveryResource[] } {
  const o = readObject(path);
  if (typeof o['groupVersion'] !== 'string' || !Array.isArray(o['resources'])) {
    throw new Error(`${path}: not an APIResourceList`);
  }
  return { groupVersion: o['groupVersion'], resources: o['resources'] as unknown as DiscoveryResource[] };
}

export function loadUpstream(dir: string): Upstream {
  const discoveryDir = join(dir, 'discovery');
  const resources = new Map<string, DiscoveryResource[]>();
  for (const f of readdirSync(discoveryDir).sort()) {
    if (f !== 'api__v1.json' && !/^apis__.+__v\w+\.json$/.test(f)) continue;
    const list = resourceList(join(discoveryDir, f));
    resources.set(list.groupVersion, list.resources);
  }

  const apis = readObject(join(discoveryDir, 'apis.json'));
  if (!Array.isArray(apis['groups'])) throw new Error('discovery/apis.json: no groups');
  const groups = apis['groups'] as unknown as DiscoveryGroup[];

  const etcd = readObject(join(dir, 'etcd-paths.json'));
  const etcdPaths: Record<string, string> = {};
  for (const [k, v] of Object.entries(etcd)) if (typeof v === 'string') etcdPaths[k] = v;

  const openapiV3 = new Map<string, JsonObject>();
  const v3Dir = join(dir, 'openapi-v3');
  for (const f of readdirSync(v3Dir).sort()) {
    const m = /^(.*)_openapi\.json$/.exec(f);
    if (!m) continue;
    openapiV3.set(m[1]!.split('__').join('/'), readObject(join(v3Dir, f)));
  }

  const tablesJson = readObject(join(dir, 'tables.json'));
  const tables: Record<string, TableInfo> = {};
  for (const [k, v] of Object.entries(tablesJson)) {
    if (!isObject(v)) throw new Error(`tables.json: ${k} is not an object`);
    tables[k] = v as unknown as TableInfo;
  }

  const openapiV2 = readJson(join(dir, 'openapi-v2.json'));
  if (!isObject(openapiV2)) throw new Error('openapi-v2.json: not an object');

  return { resources, groups, etcdPaths, openapiV2, openapiV3, tables };
}

// The resource catalog: every served resource at every served version, in discovery order. The
// built-in entries come from src/generated/catalog.json (hack/generate.ts writes it).
import { readFileSync } from 'node:fs';
import { type ResourceInfo, groupVersion } from './resource-info.js';

export interface APIGroupInfo {
  /** '' for the core group. */
  name: string;
  /** In discovery order: the preferred version first, as upstream lists them. */
  versions: string[];
  preferredVersion: string;
}

const key = (group: string, version: string, name: string) => `${group}/${version}/${name}`;

export class Catalog {
  private readonly entries: readonly ResourceInfo[];
  private readonly byResource = new Map<string, ResourceInfo>();
  private readonly byKindKey = new Map<string, ResourceInfo>();
  private readonly byGroupVersion = new Map<string, ResourceInfo[]>();
  private readonly groupList: APIGroupInfo[] = [];

  /** Entries keep their order; a later entry for the same group/version/resource is an error. */
  constructor(entries: readonly ResourceInfo[]) {
    this.entries = [...entries];
    const groups = new Map<string, APIGroupInfo>();
    for (const r of this.entries) {
      const k = key(r.group, r.version, r.resource);
      if (this.byResource.has(k)) throw new Error(`catalog: duplicate entry for ${groupVersion(r)} ${r.resource}`);
      this.byResource.set(k, r);
      const kk = key(r.group, r.version, r.kind);
      if (!this.byKindKey.has(kk)) this.byKindKey.set(kk, r);
      const gv = groupVersion(r);
      const list = this.byGroupVersion.get(gv);
      if (list) list.push(r);
      else this.byGroupVersion.set(gv, [r]);

      let g = groups.get(r.group);
      if (!g) {
        g = { name: r.group, versions: [], preferredVersion: r.version };
        groups.set(r.group, g);
        this.groupList.push(g);
      }
      if (!g.versions.includes(r.version)) g.versions.push(r.version);
    }
    for (const g of this.groupList) {
      const preferred = this.entries.find(r => r.group === g.name && r.preferred);
      if (preferred) g.preferredVersion = preferred.version;
    }
  }

  all(): readonly ResourceInfo[] {
    return this.entries;
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byResource.get(key(group, version, resource));
  }

  /** The resource serving `kind` at group/version (the first one listed if several do). */
  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.byKindKey.get(key(group, version, kind));
  }

  /** Core first, then the API groups in upstream's /apis order. */
  groups(): APIGroupInfo[] {
    return this.groupList.map(g => ({ ...g, versions: [...g.versions] }));
  }

  /** The resources of one group version, sorted by name as discovery lists them. */
  resourcesFor(group: string, version: string): ResourceInfo[] {
    return [...(this.byGroupVersion.get(group ? `${group}/${version}` : version) ?? [])];
  }
}

function loadBuiltinEntries(): ResourceInfo[] {
  const raw: unknown = JSON.parse(readFileSync(new URL('../generated/catalog.json', import.meta.url), 'utf8'));
  if (!Array.isArray(raw)) throw new Error('src/generated/catalog.json: expected an array');
  return raw as ResourceInfo[];
}

let builtin: Catalog | undefined;

/** The built-in catalog, loaded once and shared. */
export function builtinCatalog(): Catalog {
  builtin ??= new Catalog(loadBuiltinEntries());
  return builtin;
}

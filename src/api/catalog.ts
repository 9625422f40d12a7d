// The resource catalog: every served resource at every served version. One live catalog per
// server, made of sources that are replaced whole: the built-in entries (src/generated/catalog.json,
// written by hack/generate.ts) and one source per CustomResourceDefinition (later also per
// APIService). Everything that serves or describes resources reads this one catalog; whatever
// caches per resource listens to its change events.
import { readFileSync } from 'node:fs';
import { type ResourceInfo, groupVersion } from './resource-info.js';
import { sortByKubeAwareVersion } from './version-priority.js';

export interface APIGroupInfo {
  /** '' for the core group. */
  name: string;
  /** In discovery order: the preferred version first, as upstream lists them. */
  versions: string[];
  preferredVersion: string;
}

const BUILTIN = 'builtin';
const key = (group: string, version: string, name: string) => `${group}/${version}/${name}`;

/** The lookup tables of one catalog revision. */
class Index {
  readonly entries: ResourceInfo[] = [];
  readonly byResource = new Map<string, ResourceInfo>();
  readonly byKind = new Map<string, ResourceInfo>();
  /** Discovery's view: only what discovery lists (custom types once Established). */
  readonly listed = new Map<string, ResourceInfo[]>();
  readonly groups: APIGroupInfo[] = [];

  constructor(sources: Map<string, readonly ResourceInfo[]>) {
    const builtinGroups = new Map<string, APIGroupInfo>();
    const customVersions = new Map<string, Set<string>>();
    for (const [source, list] of sources) {
      for (const r of list) {
        const k = key(r.group, r.version, r.resource);
        if (this.byResource.has(k)) {
          // Built-ins win a clash; among built-ins a duplicate is a generator bug.
          if (source === BUILTIN) throw new Error(`catalog: duplicate entry for ${groupVersion(r)} ${r.resource}`);
          continue;
        }
        this.byResource.set(k, r);
        this.entries.push(r);
        const kk = key(r.group, r.version, r.kind);
        if (!this.byKind.has(kk)) this.byKind.set(kk, r);
        if (r.custom && !r.custom.established) continue;
        const gv = groupVersion(r);
        const listed = this.listed.get(gv);
        if (listed) listed.push(r);
        else this.listed.set(gv, [r]);
        if (source === BUILTIN) {
          let g = builtinGroups.get(r.group);
          if (!g) {
            g = { name: r.group, versions: [], preferredVersion: r.version };
            builtinGroups.set(r.group, g);
            this.groups.push(g);
          }
          if (!g.versions.includes(r.version)) g.versions.push(r.version);
          if (r.preferred) g.preferredVersion = r.version;
        } else if (!builtinGroups.has(r.group)) {
          const versions = customVersions.get(r.group) ?? new Set<string>();
          versions.add(r.version);
          customVersions.set(r.group, versions);
        }
      }
    }
    // Custom groups come after the built-in ones (upstream's group priority 1000 is below every
    // built-in group's), by name; their versions by kube-aware priority, the first preferred.
    for (const name of [...customVersions.keys()].sort()) {
      const versions = sortByKubeAwareVersion([...customVersions.get(name)!]);
      this.groups.push({ name, versions, preferredVersion: versions[0]! });
    }
  }
}

export class Catalog {
  private readonly sources = new Map<string, readonly ResourceInfo[]>();
  private index: Index;
  private rev = 0;
  private readonly listeners = new Set<() => void>();

  /** A catalog of the built-in entries (kept in their order); other sources are added while serving. */
  constructor(builtin: readonly ResourceInfo[]) {
    this.sources.set(BUILTIN, [...builtin]);
    this.index = new Index(this.sources);
  }

  /** Goes up with every change of any source. */
  get revision(): number {
    return this.rev;
  }

  /** Replaces a source's entries (a CRD's served versions) in one step. */
  setSource(name: string, entries: readonly ResourceInfo[]): void {
    if (name === BUILTIN) throw new Error('catalog: the built-in source is fixed');
    this.sources.set(name, [...entries]);
    this.changed();
  }

  removeSource(name: string): void {
    if (name === BUILTIN || !this.sources.delete(name)) return;
    this.changed();
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.index = new Index(this.sources);
    this.rev += 1;
    for (const fn of this.listeners) fn();
  }

  /** Every served entry, built-ins first. */
  all(): readonly ResourceInfo[] {
    return this.index.entries;
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.index.byResource.get(key(group, version, resource));
  }

  /** The resource serving `kind` at group/version (the first one listed if several do). */
  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.index.byKind.get(key(group, version, kind));
  }

  /** Core first, then the API groups in upstream's /apis order, as discovery lists them. */
  groups(): APIGroupInfo[] {
    return this.index.groups.map(g => ({ ...g, versions: [...g.versions] }));
  }

  /** The resources discovery lists for one group version. */
  resourcesFor(group: string, version: string): ResourceInfo[] {
    return [...(this.index.listed.get(group ? `${group}/${version}` : version) ?? [])];
  }
}

let builtinEntries: readonly ResourceInfo[] | undefined;

/** The built-in entries, read once from src/generated/catalog.json. */
export function builtinResources(): readonly ResourceInfo[] {
  if (!builtinEntries) {
    const raw: unknown = JSON.parse(readFileSync(new URL('../generated/catalog.json', import.meta.url), 'utf8'));
    if (!Array.isArray(raw)) throw new Error('src/generated/catalog.json: expected an array');
    builtinEntries = raw as ResourceInfo[];
  }
  return builtinEntries;
}

let builtin: Catalog | undefined;

/** A catalog of the built-in entries only, for code that never sees custom types (tests, generators, the protobuf check). */
export function builtinCatalog(): Catalog {
  builtin ??= new Catalog(builtinResources());
  return builtin;
}

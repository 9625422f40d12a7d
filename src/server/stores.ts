// One generic Store per served resource, created on first use and replaced when its catalog
// entry changes (a CRD update makes a new entry, so a store never serves a stale schema).
import type { Catalog } from '../api/catalog.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { Admission } from '../registry/admission.js';
import { Store } from '../registry/store.js';
import type { StoreHooks } from '../registry/store-hooks.js';
import type { Storage } from '../storage/interface.js';

export class Stores {
  private readonly byKey = new Map<string, Store>();

  constructor(
    private readonly catalog: Catalog,
    private readonly storage: Storage,
    private readonly etcdPrefix: string,
    private readonly admission: Admission,
    /** Per-resource write steps (allocation, TTLs); none by default. */
    private readonly hooksFor: (info: ResourceInfo) => StoreHooks | undefined = () => undefined,
  ) {}

  storeFor(info: ResourceInfo): Store {
    const k = `${info.group}/${info.version}/${info.resource}`;
    let s = this.byKey.get(k);
    if (!s || s.info !== info) {
      s = new Store(info, this.storage, this.etcdPrefix, this.admission, this.hooksFor(info));
      this.byKey.set(k, s);
    }
    return s;
  }

  /** The store of a built-in resource at its preferred version. */
  builtin(group: string, resource: string): Store {
    const info = this.catalog.all().find(r => r.group === group && r.resource === resource && r.preferred);
    if (!info) throw new Error(`resource ${resource}.${group} is not in the catalog`);
    return this.storeFor(info);
  }
}

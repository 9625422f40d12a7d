// Upstream's EquivalentResourceRegistry, which matchPolicy: Equivalent consults: resources are
// equivalent when they keep their objects in one place (the kube-apiserver keys them by storage
// prefix), so core and events.k8s.io Events, autoscaling v1 and v2 HorizontalPodAutoscalers and
// every served version of a CRD are one resource; unstored ones are keyed by group and resource.
import type { Catalog } from '../api/catalog.js';
import type { ResourceInfo } from '../api/resource-info.js';

const identity = (r: ResourceInfo) => r.etcdPath || `${r.group}/${r.resource}`;

export class EquivalentResources {
  private revision = -1;
  private byIdentity = new Map<string, ResourceInfo[]>();

  constructor(private readonly catalog: Catalog) {}

  /** Every served entry equivalent to info (info among them) that has the subresource, in catalog order. */
  for(info: ResourceInfo, subresource: string): ResourceInfo[] {
    if (this.revision !== this.catalog.revision) {
      this.byIdentity = new Map();
      for (const r of this.catalog.all()) {
        const id = identity(r);
        const list = this.byIdentity.get(id);
        if (list) list.push(r);
        else this.byIdentity.set(id, [r]);
      }
      this.revision = this.catalog.revision;
    }
    const all = this.byIdentity.get(identity(info)) ?? [info];
    return subresource ? all.filter(r => r.subresources.some(s => s.name === subresource)) : all;
  }
}

// upstream's ipallocator/controller/repair.go and portallocator/controller/repair.go: rebuilds
// each range's bitmap from the Services that exist, creating the range on first start and
// releasing leaked values (held in the bitmap by no Service) only after they were seen leaked
// three times in a row, so an allocation whose Service is still being written is never lost.
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import { familyOf } from '../registry/allocators/ip-range.js';
import type { RangeStore } from '../registry/allocators/range-store.js';
import type { ServiceAllocator } from '../registry/allocators/service-allocator.js';
import type { Store } from '../registry/store.js';

const REPAIRS_BEFORE_LEAK_CLEANUP = 3;
const MAX_ATTEMPTS = 5;

type Fields = Record<string, unknown>;

/** The values of one range a service holds, as item indexes. */
type Extract = (svc: KubeObject) => number[];

interface Target {
  name: string;
  store: RangeStore;
  extract: Extract;
  leaks: Map<number, number>;
}

const specOf = (svc: KubeObject): Fields => (svc['spec'] ?? {}) as Fields;

export class ServiceAllocationRepair {
  private readonly targets: Target[] = [];

  constructor(private readonly services: Store, alloc: ServiceAllocator) {
    for (const { range, store } of alloc.ipStores()) {
      this.targets.push({
        name: `service IPs ${range.spec}`, store, leaks: new Map(),
        extract: svc => {
          const spec = specOf(svc);
          if (spec['type'] === 'ExternalName') return [];
          const ips = Array.isArray(spec['clusterIPs']) ? (spec['clusterIPs'] as string[]) : typeof spec['clusterIP'] === 'string' ? [spec['clusterIP']] : [];
          return ips.filter(ip => ip !== 'None' && familyOf(ip) === range.family).map(ip => range.indexOf(ip)).filter((i): i is number => {
            if (i === null) log.warn('the cluster IP of a service is not within the service CIDR; please recreate it', { service: `${svc.metadata.namespace}/${svc.metadata.name}`, cidr: range.spec });
            return i !== null;
          });
        },
      });
    }
    const { range, store } = alloc.nodePorts;
    this.targets.push({
      name: `node ports ${range.spec}`, store, leaks: new Map(),
      extract: svc => {
        const spec = specOf(svc);
        const ports: number[] = [];
        for (const p of (Array.isArray(spec['ports']) ? spec['ports'] : []) as Fields[]) if (typeof p['nodePort'] === 'number' && p['nodePort'] !== 0) ports.push(p['nodePort']);
        if (typeof spec['healthCheckNodePort'] === 'number' && spec['healthCheckNodePort'] !== 0) ports.push(spec['healthCheckNodePort']);
        return [...new Set(ports)].map(p => range.indexOf(p)).filter((i): i is number => {
          if (i === null) log.warn('the node port of a service is not within the node port range; please recreate it', { service: `${svc.metadata.namespace}/${svc.metadata.name}`, range: range.spec });
          return i !== null;
        });
      },
    });
  }

  /** One pass over every range; retried on a lost race with an allocation. */
  async runOnce(): Promise<void> {
    for (const t of this.targets) {
      for (let attempt = 1; ; attempt++) {
        if (await this.repair(t)) break;
        if (attempt >= MAX_ATTEMPTS) throw new Error(`unable to persist the updated ${t.name}: it kept changing`);
      }
    }
  }

  private async repair(t: Target): Promise<boolean> {
    // The snapshot first, then the services: anything allocated in between fails the write below.
    const snapshot = await t.store.read();
    const { items } = await this.services.list('', {});
    const fresh = t.store.newBitmap();
    for (const svc of items) {
      for (const i of t.extract(svc)) {
        if (!fresh.allocate(i)) log.warn(`a value of ${t.name} was assigned to multiple services; please recreate`, { service: `${svc.metadata.namespace}/${svc.metadata.name}` });
      }
    }
    const seen = new Set<number>();
    snapshot?.bitmap.forEach(i => {
      if (fresh.has(i)) return;
      seen.add(i);
      const count = (t.leaks.get(i) ?? 0) + 1;
      if (count < REPAIRS_BEFORE_LEAK_CLEANUP) {
        t.leaks.set(i, count);
        fresh.allocate(i);
      } else {
        t.leaks.delete(i);
        log.info(`${t.name}: releasing a leaked value`, { index: i });
      }
    });
    for (const i of [...t.leaks.keys()]) if (!seen.has(i)) t.leaks.delete(i);
    return t.store.replace(fresh, snapshot?.resourceVersion ?? '');
  }
}

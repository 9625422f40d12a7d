// Wiring of the Service networking pieces and the control-plane bookkeeping loops: ClusterIP
// and NodePort allocation (store hooks on services), Event TTLs (store hooks on events), the
// allocation repair loops, the default/kubernetes Service with its endpoint reconciler, and the
// API server identity lease.
import { hostname, networkInterfaces } from 'node:os';
import type { ResourceInfo } from '../api/resource-info.js';
import { ApiServerIdentity } from '../controllers/apiserver-identity.js';
import {
  LeaseEndpointReconciler, MasterCountEndpointReconciler, NoneEndpointReconciler, type EndpointReconciler,
} from '../controllers/endpoint-reconcilers.js';
import { KubernetesServiceController } from '../controllers/kubernetes-service.js';
import { MasterLeases } from '../controllers/master-leases.js';
import { runPeriodically, type Periodic } from '../controllers/periodic.js';
import { ServiceAllocationRepair } from '../controllers/service-allocation-repair.js';
import { log } from '../observability/logger.js';
import { isLoopbackIP } from '../registry/allocators/ip-range.js';
import { ServiceAllocator } from '../registry/allocators/service-allocator.js';
import type { StoreHooks } from '../registry/store-hooks.js';
import type { Storage } from '../storage/interface.js';
import type { Stores } from './stores.js';

export type EndpointReconcilerType = 'lease' | 'master-count' | 'none';

export interface CoreServicesConfig {
  storage: Storage;
  etcdPrefix: string;
  /** --service-cluster-ip-range, split at commas. */
  serviceClusterIpRanges: string[];
  /** --service-node-port-range. */
  serviceNodePortRange: { base: number; size: number };
  /** --advertise-address; '' picks the host's first non-loopback address of the service family. */
  advertiseAddress: string;
  endpointReconcilerType: EndpointReconcilerType;
  /** --apiserver-count, for master-count. */
  apiserverCount: number;
  /** --kubernetes-service-node-port. */
  kubernetesServiceNodePort: number;
  /** --event-ttl in seconds. */
  eventTtlSeconds: number;
  /** This process's --worker-processes index (0 for a single process): names its identity lease. */
  workerIndex: number;
}

/** upstream's DefaultEndpointReconcilerTTL and DefaultEndpointReconcilerInterval. */
export const ENDPOINT_RECONCILER_TTL_SECONDS = 15;
export const ENDPOINT_RECONCILER_INTERVAL_MS = 10_000;
/** upstream repairs the allocations every 3 minutes. */
const REPAIR_INTERVAL_MS = 3 * 60_000;

function hostAddress(ipv6: boolean): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal && (a.family === 'IPv6') === ipv6 && !a.address.startsWith('fe80')) return a.address;
  }
  return '';
}

export class CoreServices {
  readonly allocator: ServiceAllocator;
  private readonly publicIP: string;
  private repairLoop: Periodic | undefined;
  private kubernetesService: KubernetesServiceController | undefined;
  private identity: ApiServerIdentity | undefined;
  private stopped = false;

  constructor(private readonly cfg: CoreServicesConfig) {
    this.allocator = new ServiceAllocator({
      storage: cfg.storage, etcdPrefix: cfg.etcdPrefix, serviceClusterIPRanges: cfg.serviceClusterIpRanges, nodePortRange: cfg.serviceNodePortRange,
    });
    this.publicIP = cfg.advertiseAddress !== '' ? cfg.advertiseAddress : hostAddress(this.allocator.primaryFamily === 'IPv6');
  }

  /** The per-resource store hooks: allocation for core/v1 services, a TTL for events. */
  hooksFor(info: ResourceInfo): StoreHooks | undefined {
    if (info.group === '' && info.resource === 'services') {
      const alloc = this.allocator;
      return {
        beginCreate: (obj, opts) => alloc.beginCreate(obj, opts.dryRun),
        beginUpdate: (obj, old, opts) => alloc.beginUpdate(obj, old, opts.dryRun),
        afterDelete: obj => alloc.release(obj),
      };
    }
    if (info.resource === 'events' && (info.group === '' || info.group === 'events.k8s.io') && this.cfg.eventTtlSeconds > 0) {
      return { ttlSeconds: this.cfg.eventTtlSeconds };
    }
    return undefined;
  }

  /**
   * Runs the first allocation repair (it creates the ranges, so Services can be created once
   * `repaired` is called: the post-start hook), then starts the loops. Call after the system
   * namespaces exist.
   */
  async start(stores: Stores, securePort: number, repaired: () => void): Promise<void> {
    const services = stores.builtin('', 'services');
    const repair = new ServiceAllocationRepair(services, this.allocator);
    await repair.runOnce();
    repaired();
    if (this.stopped) return;
    this.repairLoop = runPeriodically('service allocation repair', REPAIR_INTERVAL_MS, () => repair.runOnce());

    const endpointStores = { endpoints: stores.builtin('', 'endpoints'), endpointSlices: stores.builtin('discovery.k8s.io', 'endpointslices') };
    let reconciler: EndpointReconciler;
    if (this.cfg.endpointReconcilerType === 'lease') {
      reconciler = new LeaseEndpointReconciler(endpointStores, new MasterLeases(this.cfg.storage, this.cfg.etcdPrefix, ENDPOINT_RECONCILER_TTL_SECONDS));
    } else if (this.cfg.endpointReconcilerType === 'master-count') {
      reconciler = new MasterCountEndpointReconciler(endpointStores, this.cfg.apiserverCount);
    } else {
      reconciler = new NoneEndpointReconciler();
    }
    if (this.publicIP === '') log.warn('No advertise address: the kubernetes Service endpoints will not list this server');
    else if (isLoopbackIP(this.publicIP) && this.cfg.endpointReconcilerType !== 'none') {
      // Endpoints validation refuses loopback IPs, so every sync will fail: say why once, up front.
      log.warn('The advertise address is a loopback address, which the kubernetes Endpoints cannot list; use a routable --advertise-address, or --endpoint-reconciler-type=none for a single local server', { advertiseAddress: this.publicIP });
    }
    this.kubernetesService = new KubernetesServiceController({
      services, reconciler, publicIP: this.publicIP,
      serviceIP: this.allocator.ipStores()[0]!.range.first(),
      publicServicePort: securePort,
      nodePort: this.cfg.kubernetesServiceNodePort,
      intervalMs: ENDPOINT_RECONCILER_INTERVAL_MS,
    });
    this.kubernetesService.start();

    this.identity = new ApiServerIdentity(stores.builtin('coordination.k8s.io', 'leases'), hostname(), this.cfg.workerIndex);
    this.identity.start();
  }

  /** Takes this server off the kubernetes endpoints and stops the loops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.kubernetesService?.stop(), this.repairLoop?.stop(), this.identity?.stop()]);
  }
}

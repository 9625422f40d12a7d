// upstream's pkg/controlplane/reconcilers: keep the default/kubernetes Endpoints (and, through
// the endpoints adapter, its EndpointSlice) listing the API servers. "lease": every server
// holds a TTL lease and the list is the live leases; "master-count": each server adds itself
// and trims to --apiserver-count; "none": nothing is kept.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isLoopbackIP } from '../registry/allocators/ip-range.js';
import type { Store } from '../registry/store.js';
import type { MasterLeases } from './master-leases.js';

export const KUBERNETES_SERVICE = { namespace: 'default', name: 'kubernetes' };

export interface EndpointReconciler {
  /** Makes sure this server (ip) is listed, with the https port. */
  reconcile(ip: string, port: number): Promise<void>;
  /** Takes this server off the list (shutdown). */
  remove(ip: string, port: number): Promise<void>;
}

export interface EndpointStores {
  endpoints: Store;
  endpointSlices: Store;
}

interface EndpointsSubset {
  addresses?: { ip: string }[];
  ports?: { name: string; port: number; protocol: string }[];
}

const httpsPort = (port: number) => [{ name: 'https', port, protocol: 'TCP' }];

/** The IPs the Endpoints list now (first subset), or null when it does not exist. */
async function currentIPs(stores: EndpointStores): Promise<string[] | null> {
  try {
    const ep = await stores.endpoints.get(KUBERNETES_SERVICE.namespace, KUBERNETES_SERVICE.name);
    const subsets = (ep['subsets'] ?? []) as EndpointsSubset[];
    return (subsets[0]?.addresses ?? []).map(a => a.ip);
  } catch (e) {
    if (isApiError(e) && e.code === 404) return null;
    throw e;
  }
}

/**
 * Writes the Endpoints and the EndpointSlice for these IPs (sorted, as RepackSubsets leaves
 * them). Loopback IPs fail as upstream's Endpoints validation fails them.
 */
export async function writeEndpoints(stores: EndpointStores, ips: string[], port: number): Promise<void> {
  const sorted = [...new Set(ips)].sort();
  sorted.forEach((ip, i) => {
    if (isLoopbackIP(ip)) {
      throw new Error(`Endpoints "kubernetes" is invalid: subsets[0].addresses[${i}].ip: Invalid value: "${ip}": may not be in the loopback range (127.0.0.0/8, ::1/128)`);
    }
  });
  const { namespace, name } = KUBERNETES_SERVICE;
  const subsets = sorted.length > 0 ? [{ addresses: sorted.map(ip => ({ ip })), ports: httpsPort(port) }] : [];
  await stores.endpoints.update(namespace, name, '', current => {
    const ep: KubeObject = current ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    ep.metadata.labels = { ...(ep.metadata.labels ?? {}), 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    ep['subsets'] = subsets;
    return ep;
  }, { dryRun: false, forceAllowCreate: true });
  const addressType = sorted.length > 0 && sorted.every(ip => ip.includes(':')) ? 'IPv6' : 'IPv4';
  await stores.endpointSlices.update(namespace, name, '', current => {
    const slice: KubeObject = current ?? { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace } };
    slice.metadata.labels = { ...(slice.metadata.labels ?? {}), 'kubernetes.io/service-name': name };
    slice['addressType'] = addressType;
    slice['endpoints'] = sorted.map(ip => ({ addresses: [ip], conditions: { ready: true } }));
    slice['ports'] = sorted.length > 0 ? httpsPort(port) : [];
    return slice;
  }, { dryRun: false, forceAllowCreate: true });
}

export class LeaseEndpointReconciler implements EndpointReconciler {
  constructor(private readonly stores: EndpointStores, private readonly leases: MasterLeases) {}

  async reconcile(ip: string, port: number): Promise<void> {
    await this.leases.update(ip);
    const live = await this.leases.list();
    if (!live.includes(ip)) live.push(ip);
    await writeEndpoints(this.stores, live, port);
  }

  async remove(ip: string, port: number): Promise<void> {
    await this.leases.remove(ip);
    const live = (await this.leases.list()).filter(x => x !== ip);
    await writeEndpoints(this.stores, live, port);
  }
}

export class MasterCountEndpointReconciler implements EndpointReconciler {
  constructor(private readonly stores: EndpointStores, private readonly masterCount: number) {}

  async reconcile(ip: string, port: number): Promise<void> {
    const current = await currentIPs(this.stores);
    if (current === null || (current.includes(ip) && current.length === this.masterCount)) {
      // Unchanged IPs still go through the write so the port and labels are corrected.
      await writeEndpoints(this.stores, current ?? [ip], port);
      return;
    }
    let addrs = [...new Set([...current, ip])].sort();
    // Too many: drop the ones after our own, wrapping around, until the count fits.
    while (addrs.length > this.masterCount) {
      const at = addrs.indexOf(ip);
      addrs = addrs.filter((_, k) => k !== (at + 1) % addrs.length);
    }
    await writeEndpoints(this.stores, addrs, port);
  }

  async remove(ip: string, port: number): Promise<void> {
    const current = await currentIPs(this.stores);
    if (current === null) return;
    await writeEndpoints(this.stores, current.filter(x => x !== ip), port);
  }
}

export class NoneEndpointReconciler implements EndpointReconciler {
  async reconcile(): Promise<void> {}
  async remove(): Promise<void> {}
}

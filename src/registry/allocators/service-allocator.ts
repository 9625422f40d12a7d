// ClusterIP and NodePort allocation for Services (upstream's pkg/registry/core/service/storage
// alloc.go): IP family defaulting, cluster IPs from --service-cluster-ip-range (one range per
// family), node ports and health-check node ports from --service-node-port-range. Each change is
// a transaction: revert() gives back what it took when the write fails, commit() releases what
// the update let go.
import { cause, errors, type ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { Storage } from '../../storage/interface.js';
import { familyOf, IPRange, type IPFamily } from './ip-range.js';
import { PortRange } from './port-range.js';
import { allocationErrors, AllocationError } from './range-errors.js';
import { RangeStore, type RangeOps } from './range-store.js';

type Fields = Record<string, unknown>;

export interface ServiceAllocatorConfig {
  storage: Storage;
  etcdPrefix: string;
  /** --service-cluster-ip-range: one CIDR, or two of different families (primary first). */
  serviceClusterIPRanges: string[];
  /** --service-node-port-range. */
  nodePortRange: { base: number; size: number };
}

export interface AllocationTxn {
  /** Called after the object was written: releases what the update gave up. */
  commit(): Promise<void>;
  /** Called when the write failed: gives back what was taken. */
  revert(): Promise<void>;
}

interface FamilyRange {
  range: IPRange;
  store: RangeStore;
}

const NOOP: AllocationTxn = { commit: async () => {}, revert: async () => {} };

const specOf = (svc: KubeObject): Fields => {
  if (typeof svc['spec'] !== 'object' || svc['spec'] === null) svc['spec'] = {};
  return svc['spec'] as Fields;
};
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const portsOf = (spec: Fields): Fields[] => (Array.isArray(spec['ports']) ? (spec['ports'] as Fields[]) : []);
const usesNodePorts = (spec: Fields) => spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
/** apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
const needsHealthCheck = (spec: Fields) => spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
const isHeadless = (spec: Fields) => spec['clusterIP'] === 'None' || strings(spec['clusterIPs'])[0] === 'None';
const hasSelector = (spec: Fields) => typeof spec['selector'] === 'object' && spec['selector'] !== null && Object.keys(spec['selector'] as object).length > 0;
const otherFamily = (f: IPFamily): IPFamily => (f === 'IPv4' ? 'IPv6' : 'IPv4');

export class ServiceAllocator {
  readonly families = new Map<IPFamily, FamilyRange>();
  readonly primaryFamily: IPFamily;
  readonly nodePorts: { range: PortRange; store: RangeStore };

  constructor(cfg: ServiceAllocatorConfig) {
    const root = cfg.etcdPrefix.replace(/\/+$/, '');
    cfg.serviceClusterIPRanges.forEach((text, i) => {
      const range = IPRange.parse(text);
      const key = `${root}/ranges/${i === 0 ? 'serviceips' : 'secondaryserviceips'}`;
      this.families.set(range.family, { range, store: new RangeStore(cfg.storage, key, 'serviceipallocations', range, allocationErrors.ipAllocated) });
    });
    const primary = [...this.families.values()][0];
    if (!primary) throw new Error('no service cluster IP range');
    this.primaryFamily = primary.range.family;
    const range = new PortRange(cfg.nodePortRange.base, cfg.nodePortRange.size);
    this.nodePorts = { range, store: new RangeStore(cfg.storage, `${root}/ranges/servicenodeports`, 'servicenodeportallocations', range, allocationErrors.portAllocated) };
  }

  /** Every range store (for the repair loops and start-up). */
  ipStores(): FamilyRange[] {
    return [...this.families.values()];
  }

  private invalid(svc: KubeObject, causes: ReturnType<typeof cause.invalid>[]): ApiError {
    return errors.invalid('', 'Service', svc.metadata.name ?? '', causes);
  }

  /** clusterIP and clusterIPs[0] say the same thing; fill whichever is missing (upstream's v1 conversion). */
  private normalizeClusterIPs(spec: Fields): void {
    const ips = strings(spec['clusterIPs']);
    const ip = typeof spec['clusterIP'] === 'string' ? spec['clusterIP'] : '';
    if (ip !== '' && ips.length === 0) spec['clusterIPs'] = [ip];
    else if (ip === '' && ips.length > 0) spec['clusterIP'] = ips[0];
  }

  /** initIPFamilyFields: ipFamilyPolicy and ipFamilies from the request, the old object and the cluster. */
  private initIPFamilies(svc: KubeObject, old: KubeObject | null): void {
    const spec = specOf(svc);
    if (spec['type'] === 'ExternalName') return;
    const oldSpec = old ? specOf(old) : null;
    // A PreferDualStack service keeps what it has until the user changes policy or IPs.
    if (oldSpec && oldSpec['ipFamilyPolicy'] === 'PreferDualStack' && spec['ipFamilyPolicy'] === 'PreferDualStack'
      && JSON.stringify(strings(spec['clusterIPs'])) === JSON.stringify(strings(oldSpec['clusterIPs']))
      && JSON.stringify(strings(spec['ipFamilies'])) === JSON.stringify(strings(oldSpec['ipFamilies']))) return;
    if (spec['ipFamilyPolicy'] === undefined) {
      if (oldSpec?.['ipFamilyPolicy'] !== undefined) spec['ipFamilyPolicy'] = oldSpec['ipFamilyPolicy'];
      else if (isHeadless(spec) && !hasSelector(spec)) spec['ipFamilyPolicy'] = 'RequireDualStack';
      else spec['ipFamilyPolicy'] = 'SingleStack';
    }
    const policy = spec['ipFamilyPolicy'];
    const causes: ReturnType<typeof cause.invalid>[] = [];
    let ips = strings(spec['clusterIPs']);
    let fams = strings(spec['ipFamilies']);
    if (oldSpec) {
      const oldIps = strings(oldSpec['clusterIPs']);
      const oldFams = strings(oldSpec['ipFamilies']);
      if (policy === 'SingleStack') {
        if (JSON.stringify(ips) === JSON.stringify(oldIps) && ips.length > 1) ips = ips.slice(0, 1);
        if (JSON.stringify(fams) === JSON.stringify(oldFams) && fams.length > 1) fams = fams.slice(0, 1);
      } else {
        if (ips.length < oldIps.length && ips.length > 0) causes.push(cause.invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary cluster IP"));
        if (fams.length < oldFams.length && fams.length > 0) causes.push(cause.invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary IP family"));
      }
    }
    if (policy === 'SingleStack') {
      if (ips.length === 2) causes.push(cause.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
      if (fams.length === 2) causes.push(cause.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
    ips.forEach((ip, i) => {
      if (ip === 'None' || i < fams.length) return;
      const fam = familyOf(ip);
      if (!fam) return;
      if (!this.families.has(fam)) causes.push(cause.invalid(`spec.clusterIPs[${i}]`, ips, `${fam} is not configured on this cluster`));
      else fams.push(fam);
    });
    if (causes.length > 0) throw this.invalid(svc, causes);
    if (ips.length > 0) spec['clusterIPs'] = ips;
    else delete spec['clusterIPs'];
    if (isHeadless(spec) && !hasSelector(spec)) {
      if (fams.length === 0) fams = [this.primaryFamily];
      if (fams.length < 2 && policy !== 'SingleStack') fams.push(otherFamily(fams[0] as IPFamily));
      spec['ipFamilies'] = fams;
      return;
    }
    if (policy === 'RequireDualStack' && this.families.size < 2) {
      causes.push(cause.invalid('spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
    }
    fams.forEach((f, i) => {
      if (!this.families.has(f as IPFamily)) causes.push(cause.invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
    });
    if (causes.length > 0) throw this.invalid(svc, causes);
    if (fams.length === 0) fams = [this.primaryFamily];
    if (policy !== 'SingleStack' && fams.length === 1 && this.families.size === 2) fams.push(otherFamily(fams[0] as IPFamily));
    spec['ipFamilies'] = fams;
  }

  /**
   * Reserves the cluster IPs the service lacks (per family, in ipFamilies order): requested
   * ones exactly, missing ones from the range. Returns what it took, per family.
   */
  private async allocClusterIPs(svc: KubeObject, keep: Map<IPFamily, string>, dryRun: boolean): Promise<Map<IPFamily, string>> {
    const spec = specOf(svc);
    const fams = strings(spec['ipFamilies']) as IPFamily[];
    const ips = strings(spec['clusterIPs']);
    const taken = new Map<IPFamily, string>();
    try {
      for (let i = 0; i < fams.length; i++) {
        const fam = fams[i]!;
        const fr = this.families.get(fam)!;
        const want = ips[i] ?? '';
        if (want !== '' && keep.get(fam) === want) continue;
        if (want === '') {
          let picked: number[];
          try {
            picked = await fr.store.apply({ next: 1 }, dryRun);
          } catch (e) {
            if (e instanceof AllocationError) throw errors.internal(`failed to allocate a serviceIP: ${e.message}`);
            throw e;
          }
          const ip = fr.range.ipAt(picked[0]!);
          taken.set(fam, ip);
          ips[i] = ip;
        } else {
          try {
            await fr.store.apply({ allocate: [fr.range.mustIndexOf(want)] }, dryRun);
          } catch (e) {
            if (e instanceof AllocationError) {
              throw this.invalid(svc, [cause.invalid('spec.clusterIPs', strings(spec['clusterIPs']), `failed to allocate IP ${want}: ${e.message}`)]);
            }
            throw e;
          }
          taken.set(fam, want);
        }
      }
    } catch (e) {
      if (!dryRun) await this.releaseIPs(taken);
      throw e;
    }
    spec['clusterIPs'] = ips;
    if (ips.length > 0) spec['clusterIP'] = ips[0];
    return taken;
  }

  private async releaseIPs(ips: Map<IPFamily, string>): Promise<void> {
    for (const [fam, ip] of ips) {
      const fr = this.families.get(fam);
      const i = fr?.range.indexOf(ip);
      if (fr && i !== null && i !== undefined) await fr.store.apply({ release: [i] });
    }
  }

  private ipsByFamily(spec: Fields | null): Map<IPFamily, string> {
    const out = new Map<IPFamily, string>();
    if (!spec || spec['type'] === 'ExternalName' || isHeadless(spec)) return out;
    for (const ip of strings(spec['clusterIPs'])) {
      const fam = familyOf(ip);
      if (fam) out.set(fam, ip);
    }
    return out;
  }

  /** Node ports (and the health-check node port) a service holds. */
  private portsHeld(spec: Fields | null): Set<number> {
    const out = new Set<number>();
    if (!spec) return out;
    if (usesNodePorts(spec)) for (const p of portsOf(spec)) if (typeof p['nodePort'] === 'number' && p['nodePort'] !== 0) out.add(p['nodePort']);
    if (needsHealthCheck(spec) && typeof spec['healthCheckNodePort'] === 'number' && spec['healthCheckNodePort'] !== 0) out.add(spec['healthCheckNodePort']);
    return out;
  }

  /**
   * Fills missing node ports (one per service port number, shared across protocols, as
   * upstream) and the health-check node port; reserves every value not in `held` in one batch.
   */
  private async allocNodePorts(svc: KubeObject, held: Set<number>, dryRun: boolean): Promise<Set<number>> {
    const spec = specOf(svc);
    const { range, store } = this.nodePorts;
    const ports = portsOf(spec);
    const shouldAllocate = spec['type'] === 'NodePort' || (spec['type'] === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false);
    const requested = new Map<number, { value: number; field: string; message: (m: string) => string }>();
    const needNext: Fields[] = [];
    if (usesNodePorts(spec)) {
      const byPort = new Map<number, number>();
      for (const p of ports) if (typeof p['nodePort'] === 'number' && p['nodePort'] !== 0 && !byPort.has(Number(p['port']))) byPort.set(Number(p['port']), p['nodePort']);
      ports.forEach((p, i) => {
        const shared = byPort.get(Number(p['port']));
        if (typeof p['nodePort'] !== 'number' || p['nodePort'] === 0) {
          if (shared !== undefined) p['nodePort'] = shared;
          else if (shouldAllocate) needNext.push(p);
          return;
        }
        if (!requested.has(p['nodePort'])) requested.set(p['nodePort'], { value: p['nodePort'], field: `spec.ports[${i}].nodePort`, message: m => m });
      });
    }
    let wantHealth = false;
    if (needsHealthCheck(spec)) {
      const hc = spec['healthCheckNodePort'];
      if (typeof hc === 'number' && hc !== 0) {
        if (!requested.has(hc)) requested.set(hc, { value: hc, field: 'spec.healthCheckNodePort', message: m => `failed to allocate requested HealthCheck NodePort ${hc}: ${m}` });
      } else wantHealth = true;
    }
    const fresh = [...requested.values()].filter(r => !held.has(r.value));
    // Distinct service port numbers get distinct node ports.
    const nextByPort = new Map<number, Fields[]>();
    for (const p of needNext) {
      const list = nextByPort.get(Number(p['port'])) ?? [];
      list.push(p);
      nextByPort.set(Number(p['port']), list);
    }
    const count = nextByPort.size + (wantHealth ? 1 : 0);
    if (fresh.length === 0 && count === 0) return new Set();
    const ops: RangeOps = { allocate: [], next: count };
    for (const r of fresh) {
      const i = range.indexOf(r.value);
      if (i === null) throw this.invalid(svc, [cause.invalid(r.field, r.value, r.message(allocationErrors.portNotInRange(range.spec).message))]);
      ops.allocate!.push(i);
    }
    let picked: number[];
    try {
      picked = await store.apply(ops, dryRun);
    } catch (e) {
      if (e instanceof AllocationError && e.index !== undefined) {
        const r = fresh.find(x => range.indexOf(x.value) === e.index)!;
        throw this.invalid(svc, [cause.invalid(r.field, r.value, r.message(e.message))]);
      }
      if (e instanceof AllocationError) {
        throw errors.internal(wantHealth && nextByPort.size === 0 ? `failed to allocate a HealthCheck NodePort: ${e.message}` : `failed to allocate a nodePort: ${e.message}`);
      }
      throw e;
    }
    const values = picked.map(i => range.portAt(i));
    let k = 0;
    for (const list of nextByPort.values()) {
      const v = values[k++]!;
      for (const p of list) p['nodePort'] = v;
    }
    if (wantHealth) spec['healthCheckNodePort'] = values[k]!;
    return new Set([...fresh.map(r => r.value), ...values]);
  }

  private async releasePorts(ports: Iterable<number>): Promise<void> {
    const idx = [...ports].map(p => this.nodePorts.range.indexOf(p)).filter((i): i is number => i !== null);
    if (idx.length > 0) await this.nodePorts.store.apply({ release: idx });
  }

  /** Allocation for a new service; the object is changed in place. */
  async beginCreate(svc: KubeObject, dryRun: boolean): Promise<AllocationTxn> {
    return this.allocate(svc, null, dryRun);
  }

  /** Allocation for an update: new values are taken now; values let go are released on commit. */
  async beginUpdate(svc: KubeObject, old: KubeObject, dryRun: boolean): Promise<AllocationTxn> {
    return this.allocate(svc, old, dryRun);
  }

  private async allocate(svc: KubeObject, old: KubeObject | null, dryRun: boolean): Promise<AllocationTxn> {
    const spec = specOf(svc);
    const oldSpec = old ? specOf(old) : null;
    const oldIPs = this.ipsByFamily(oldSpec);
    const oldPorts = this.portsHeld(oldSpec);
    let takenIPs = new Map<IPFamily, string>();
    if (spec['type'] !== 'ExternalName') {
      this.normalizeClusterIPs(spec);
      this.initIPFamilies(svc, old);
      if (!isHeadless(spec)) takenIPs = await this.allocClusterIPs(svc, oldIPs, dryRun);
    }
    let takenPorts: Set<number>;
    try {
      takenPorts = await this.allocNodePorts(svc, oldPorts, dryRun);
    } catch (e) {
      if (!dryRun) await this.releaseIPs(takenIPs);
      throw e;
    }
    if (dryRun) return NOOP;
    const newIPs = this.ipsByFamily(spec);
    const newPorts = this.portsHeld(spec);
    const droppedIPs = new Map([...oldIPs].filter(([fam, ip]) => newIPs.get(fam) !== ip));
    const droppedPorts = [...oldPorts].filter(p => !newPorts.has(p));
    return {
      commit: async () => {
        await this.releaseIPs(droppedIPs);
        await this.releasePorts(droppedPorts);
      },
      revert: async () => {
        await this.releaseIPs(takenIPs);
        await this.releasePorts(takenPorts);
      },
    };
  }

  /** Gives back everything a deleted service held. */
  async release(svc: KubeObject): Promise<void> {
    const spec = specOf(svc);
    await this.releaseIPs(this.ipsByFamily(spec));
    await this.releasePorts(this.portsHeld(spec));
  }
}

// upstream's API server identity: a Lease kube-system/apiserver-<hash of the hostname> whose
// holder is this process, renewed every 10 s with a 1 h duration; and the garbage collector
// that deletes identity leases nobody renewed within their duration.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import type { Store } from '../registry/store.js';
import { runPeriodically, type Periodic } from './periodic.js';

export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
const NAMESPACE = 'kube-system';
const LEASE_DURATION_SECONDS = 3600;
const RENEW_INTERVAL_MS = 10_000;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lower-case RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * "apiserver-" + base32 of the first 16 bytes of sha256(hostname), as upstream names it. Worker
 * processes after the first (--worker-processes) hash "hostname/worker-N" instead: each is its
 * own API server and needs its own lease, while worker 0 keeps the name a single process has.
 */
export function identityLeaseName(host = hostname(), worker = 0): string {
  const id = worker === 0 ? host : `${host}/worker-${worker}`;
  return `apiserver-${base32(createHash('sha256').update(id).digest().subarray(0, 16))}`;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class ApiServerIdentity {
  readonly leaseName: string;
  readonly holderIdentity: string;
  private renew: Periodic | undefined;
  private gc: Periodic | undefined;

  constructor(private readonly leases: Store, private readonly host = hostname(), worker = 0) {
    this.leaseName = identityLeaseName(host, worker);
    this.holderIdentity = `${this.leaseName}_${randomUUID()}`;
  }

  async renewOnce(): Promise<void> {
    await this.leases.update(NAMESPACE, this.leaseName, '', current => {
      const lease: KubeObject = current ?? { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.leaseName, namespace: NAMESPACE } };
      lease.metadata.labels = { ...(lease.metadata.labels ?? {}), [IDENTITY_LABEL]: 'kube-apiserver', 'kubernetes.io/hostname': this.host };
      lease['spec'] = { holderIdentity: this.holderIdentity, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime() };
      return lease;
    }, { dryRun: false, forceAllowCreate: true });
  }

  /** Deletes identity leases whose renewTime plus duration has passed. */
  async collectGarbage(now = Date.now()): Promise<void> {
    const { items } = await this.leases.list(NAMESPACE, { labelSelector: IDENTITY_LABEL });
    for (const lease of items) {
      const spec = (lease['spec'] ?? {}) as { renewTime?: string; leaseDurationSeconds?: number };
      if (!spec.renewTime) continue;
      const expires = Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? LEASE_DURATION_SECONDS) * 1000;
      if (expires >= now) continue;
      try {
        await this.leases.delete(NAMESPACE, lease.metadata.name ?? '', { dryRun: false, preconditions: { resourceVersion: lease.metadata.resourceVersion ?? '' } });
        log.info('Deleted expired API server identity lease', { lease: lease.metadata.name });
      } catch (e) {
        if (!(isApiError(e) && (e.code === 404 || e.code === 409))) throw e;
      }
    }
  }

  start(): void {
    this.renew = runPeriodically('apiserver identity lease renewal', RENEW_INTERVAL_MS, () => this.renewOnce());
    this.gc = runPeriodically('apiserver identity lease garbage collection', LEASE_DURATION_SECONDS * 1000, () => this.collectGarbage());
  }

  async stop(): Promise<void> {
    await Promise.all([this.renew?.stop(), this.gc?.stop()]);
  }
}

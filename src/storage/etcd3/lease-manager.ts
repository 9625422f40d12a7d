// upstream's etcd3 leaseManager: keys written with a TTL share one etcd lease granted a little
// longer than asked (5% of the TTL, at most --lease-reuse-duration-seconds) and reused while it
// still outlives the new key's TTL by no more than that margin, so a burst of Events costs one
// LeaseGrant, not one each.
import type { EtcdContext } from './client.js';

/** At most this many keys are attached to one lease (upstream's default). */
const MAX_OBJECTS_PER_LEASE = 1000;
const REUSE_PERCENT = 0.05;

export class LeaseManager {
  private prevId = '0';
  private prevExpiresAt = 0;
  private attached = 0;
  private pending: Promise<string> | null = null;

  constructor(private readonly ctx: EtcdContext, private readonly reuseDurationSeconds: number) {}

  /** A lease ID whose expiry is at least ttlSeconds away (and at most the reuse margin beyond). */
  async leaseFor(key: string, ttlSeconds: number): Promise<string> {
    // One grant at a time, so a burst reuses the lease the first caller gets.
    while (this.pending) await this.pending.catch(() => undefined);
    const ttl = Math.ceil(ttlSeconds);
    const reuse = Math.min(Math.floor(REUSE_PERCENT * ttl), this.reuseDurationSeconds);
    const now = Date.now();
    const valid = now + ttl * 1000 < this.prevExpiresAt;
    const sufficient = now + (ttl + reuse) * 1000 > this.prevExpiresAt;
    this.attached++;
    if (valid && sufficient && this.attached <= MAX_OBJECTS_PER_LEASE) return this.prevId;
    const grant = (async () => {
      const granted = await this.ctx.call('grantLease', key, o => this.ctx.client.leaseClient.leaseGrant({ TTL: ttl + reuse }, o));
      this.prevId = granted.ID;
      this.prevExpiresAt = now + (ttl + reuse) * 1000;
      this.attached = 1;
      return granted.ID;
    })();
    this.pending = grant;
    try {
      return await grant;
    } finally {
      this.pending = null;
    }
  }
}

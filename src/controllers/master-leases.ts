// upstream's reconcilers.storageLeases: each API server keeps a key <prefix>/masterleases/<ip>
// (an Endpoints object naming its IP) alive with a TTL; the live keys are the live servers.
import type { KubeObject } from '../api/types.js';
import { isStorageError } from '../storage/errors.js';
import type { Storage } from '../storage/interface.js';

export class MasterLeases {
  private readonly base: string;

  constructor(private readonly storage: Storage, etcdPrefix: string, private readonly ttlSeconds: number) {
    this.base = `${etcdPrefix.replace(/\/+$/, '')}/masterleases/`;
  }

  /** Writes (or refreshes the TTL of) this server's lease. */
  async update(ip: string): Promise<void> {
    await this.storage.guaranteedUpdate(this.base + ip, current => {
      const generation = (current?.metadata.generation ?? 0) + 1;
      // The generation bump makes every refresh a real write, so the TTL restarts each time.
      const lease: KubeObject = {
        kind: 'Endpoints', apiVersion: 'v1',
        metadata: { name: ip, generation, creationTimestamp: current?.metadata.creationTimestamp ?? null },
        subsets: [{ addresses: [{ ip }] }],
      };
      return lease;
    }, { allowCreate: true, ttlSeconds: this.ttlSeconds });
  }

  /** The IPs of the live leases, in key order. */
  async list(): Promise<string[]> {
    const { items } = await this.storage.list(this.base, {});
    const ips: string[] = [];
    for (const item of items) {
      const subsets = (item['subsets'] ?? []) as { addresses?: { ip?: string }[] }[];
      const ip = subsets[0]?.addresses?.[0]?.ip;
      if (ip) ips.push(ip);
    }
    return ips;
  }

  async remove(ip: string): Promise<void> {
    try {
      await this.storage.delete(this.base + ip);
    } catch (e) {
      if (!isStorageError(e, 'KeyNotFound')) throw e;
    }
  }
}

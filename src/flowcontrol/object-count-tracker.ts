// Upstream's storage ObjectCountTracker (apiserver/pkg/storage/etcd3): the latest key count of
// each stored resource, fed by the periodic object counter, read by the list work estimator.
// A count not refreshed for a while is stale: the estimator then assumes the worst.

/** Upstream keeps a count usable for three counting periods (the counter runs once a minute). */
const staleAfterMs = 3 * 60_000;

export type ObjectCount = number | 'not-found' | 'stale';

/** The tracker's key: the GroupResource string ("configmaps", "deployments.apps"). */
export function groupResourceKey(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export class ObjectCountTracker {
  private readonly counts = new Map<string, { count: number; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  set(key: string, count: number): void {
    // A failed count (-1) is not news: the old one ages into staleness.
    if (count < 0) return;
    this.counts.set(key, { count, at: this.clock() });
  }

  get(key: string): ObjectCount {
    const c = this.counts.get(key);
    if (!c) return 'not-found';
    return this.clock() - c.at > staleAfterMs ? 'stale' : c.count;
  }
}

/** The server's tracker. */
export const objectCounts = new ObjectCountTracker();

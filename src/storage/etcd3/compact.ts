// Upstream's compactor (storage/etcd3/compact.go). The version of the key `compact_rev_key` is a
// logical clock shared by every API server on the cluster: each interval, whoever CASes it from
// the version it last saw compacts to the revision it saw one interval earlier; the others learn
// the new version from the failed CAS and try again next interval. So one server compacts per
// interval, and history younger than one interval is always kept.
import { bytes, isCompactedError, revisionOf, type EtcdContext } from './client.js';

export const COMPACT_REV_KEY = 'compact_rev_key';

interface StepResult {
  /** The compact_rev_key version now known. */
  version: bigint;
  /** The store's revision when the txn ran. */
  revision: bigint;
  won: boolean;
}

async function compactStep(ctx: EtcdContext, expectVersion: bigint, rev: bigint): Promise<StepResult> {
  const key = bytes(COMPACT_REV_KEY);
  const resp = await ctx.call('compact', COMPACT_REV_KEY, (o) =>
    ctx.client.kv.txn(
      {
        compare: [{ key, target: 'Version', result: 'Equal', version: expectVersion.toString() }],
        success: [{ request_put: { key, value: bytes(rev.toString()) } }],
        failure: [{ request_range: { key } }],
      },
      o,
    ),
  );
  const revision = revisionOf(resp.header);
  if (!resp.succeeded) {
    const kv = resp.responses[0].response_range.kvs[0];
    const version = kv ? BigInt(kv.version) : 0n;
    return { version, revision, won: false };
  }
  const version = expectVersion + 1n;
  // Nothing to compact on the first round (no revision seen an interval ago yet).
  if (rev === 0n) return { version, revision, won: true };
  try {
    await ctx.call('compact', COMPACT_REV_KEY, (o) => ctx.client.kv.compact({ revision: rev.toString() }, o));
  } catch (e) {
    // Someone compacted past rev already: the goal is met.
    if (!isCompactedError(e)) throw e;
  }
  return { version, revision, won: true };
}

export class Compactor {
  private version = 0n;
  private lastRevision = 0n;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: EtcdContext,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    const tick = () => {
      this.running = this.runOnce().catch(this.onError);
      void this.running.then(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One interval's work, as upstream's loop body. */
  async runOnce(): Promise<void> {
    const r = await compactStep(this.ctx, this.version, this.lastRevision);
    this.version = r.version;
    this.lastRevision = r.revision;
  }

  /**
   * Compacts to the current revision now, through the same compact_rev_key protocol (for tests
   * and tools). Returns the revision compacted to.
   */
  async compactNow(): Promise<string> {
    const current = await this.currentRevision();
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await compactStep(this.ctx, this.version, current);
      this.version = r.version;
      this.lastRevision = r.revision;
      if (r.won) return current.toString();
    }
    throw new Error(`could not win the ${COMPACT_REV_KEY} compare-and-swap`);
  }

  private async currentRevision(): Promise<bigint> {
    const resp = await this.ctx.call('get', COMPACT_REV_KEY, (o) =>
      this.ctx.client.kv.range({ key: bytes(COMPACT_REV_KEY), count_only: true }, o),
    );
    return revisionOf(resp.header);
  }
}

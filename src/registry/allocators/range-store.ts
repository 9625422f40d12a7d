// A bitmap allocator persisted as upstream's RangeAllocation object at one etcd key
// (<prefix>/ranges/serviceips, .../secondaryserviceips, .../servicenodeports). Every change is
// a compare-and-swap on that key, so API servers sharing an etcd never hand out one value twice.
import type { KubeObject } from '../../api/types.js';
import { isStorageError } from '../../storage/errors.js';
import type { Storage } from '../../storage/interface.js';
import { nowTimestamp } from '../meta.js';
import { AllocationBitmap } from './bitmap.js';
import { allocationErrors, AllocationError } from './range-errors.js';

/** What one batch asks for: item indexes to reserve or release, and how many free items to pick. */
export interface RangeOps {
  allocate?: number[];
  next?: number;
  release?: number[];
}

/** The geometry a range store needs from an IPRange or PortRange. */
export interface RangeGeometry {
  readonly max: number;
  readonly offset: number;
  readonly spec: string;
}

export interface RangeSnapshot {
  bitmap: AllocationBitmap;
  resourceVersion: string;
}

interface Pending {
  ops: RangeOps;
  resolve: (picked: number[]) => void;
  reject: (e: unknown) => void;
}

export class RangeStore {
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly storage: Storage,
    readonly key: string,
    /** The group-resource upstream names in errors: serviceipallocations or servicenodeportallocations. */
    private readonly resource: string,
    readonly geometry: RangeGeometry,
    /** Makes a requested-but-taken error for this kind of range. */
    private readonly takenError: () => AllocationError,
  ) {}

  private emptyBitmap(): AllocationBitmap {
    return new AllocationBitmap(this.geometry.max, this.geometry.spec, this.geometry.offset);
  }

  private toObject(bitmap: AllocationBitmap, current: KubeObject | null): KubeObject {
    return {
      kind: 'RangeAllocation',
      apiVersion: 'v1',
      metadata: { creationTimestamp: current?.metadata.creationTimestamp ?? nowTimestamp() },
      range: this.geometry.spec,
      data: bitmap.snapshot().toString('base64'),
    };
  }

  /** The stored bitmap; null when the key is missing or holds another range (the repair loop rebuilds it). */
  private fromObject(obj: KubeObject | null): AllocationBitmap | null {
    if (!obj || obj['range'] !== this.geometry.spec) return null;
    const bitmap = this.emptyBitmap();
    bitmap.restore(this.geometry.spec, Buffer.from(String(obj['data'] ?? ''), 'base64'));
    return bitmap;
  }

  /**
   * Applies one set of operations atomically and returns the indexes picked for `next`.
   * Requested items already taken fail the whole set with upstream's "already allocated" error.
   * Concurrent calls are coalesced into one compare-and-swap of the range (each keeps its own
   * result), as the bitmap is rewritten whole on every change.
   */
  apply(ops: RangeOps, dryRun = false): Promise<number[]> {
    if (dryRun) return this.write([{ ops, resolve: () => {}, reject: () => {} }], true).then(r => this.settle(r[0]!));
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private settle(r: number[] | Error): number[] {
    if (r instanceof Error) throw r;
    return r;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          const results = await this.write(batch, false);
          batch.forEach((p, k) => {
            const r = results[k]!;
            if (r instanceof Error) p.reject(r);
            else p.resolve(r);
          });
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One CAS applying every pending set in order; a set that fails leaves no trace. */
  private async write(batch: Pending[], dryRun: boolean): Promise<(number[] | Error)[]> {
    let results: (number[] | Error)[] = [];
    await this.storage.guaranteedUpdate(this.key, current => {
      const bitmap = this.fromObject(current);
      if (!bitmap) {
        // Upstream: "cannot allocate resources of type serviceipallocations at this time" until repair ran.
        throw new AllocationError('NotReady', `cannot allocate resources of type ${this.resource} at this time`);
      }
      results = batch.map(p => this.applyOne(bitmap, p.ops));
      return this.toObject(bitmap, current);
    }, { dryRun });
    return results;
  }

  private applyOne(bitmap: AllocationBitmap, ops: RangeOps): number[] | Error {
    const released = (ops.release ?? []).filter(i => bitmap.has(i));
    const taken: number[] = [];
    const undo = (e: Error) => {
      for (const i of taken) bitmap.release(i);
      for (const i of released) bitmap.allocate(i);
      return e;
    };
    for (const i of released) bitmap.release(i);
    for (const i of ops.allocate ?? []) {
      if (!bitmap.allocate(i)) return undo(new AllocationError('Allocated', this.takenError().message, i));
      taken.push(i);
    }
    const picked: number[] = [];
    for (let n = 0; n < (ops.next ?? 0); n++) {
      const at = bitmap.allocateNext();
      if (at === null) return undo(allocationErrors.full());
      taken.push(at);
      picked.push(at);
    }
    return picked;
  }

  async read(): Promise<RangeSnapshot | null> {
    try {
      const obj = await this.storage.get(this.key);
      const bitmap = this.fromObject(obj);
      return bitmap ? { bitmap, resourceVersion: obj.metadata.resourceVersion ?? '' } : null;
    } catch (e) {
      if (isStorageError(e, 'KeyNotFound')) return null;
      throw e;
    }
  }

  /**
   * Replaces the stored bitmap (the repair loop's write) if the key is still at resourceVersion
   * (or missing when resourceVersion is ''); false when someone wrote in between.
   */
  async replace(bitmap: AllocationBitmap, resourceVersion: string): Promise<boolean> {
    let raced = false;
    await this.storage.guaranteedUpdate(this.key, current => {
      const rv = current?.metadata.resourceVersion ?? '';
      if (rv !== resourceVersion && this.fromObject(current) !== null) {
        raced = true;
        return current!;
      }
      return this.toObject(bitmap, current);
    }, { allowCreate: true });
    return !raced;
  }

  newBitmap(): AllocationBitmap {
    return this.emptyBitmap();
  }
}

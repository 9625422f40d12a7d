// upstream's allocator.AllocationBitmap: one bit per item of a range, item i at bit i of a
// big-endian integer, so a snapshot is Go's big.Int.Bytes() (no leading zero bytes) and
// upstream and we read each other's RangeAllocation.data.
import { randomInt } from 'node:crypto';

export class AllocationBitmap {
  private bits: Uint8Array;
  private count = 0;

  /**
   * @param max number of items
   * @param rangeSpec the range text stored beside the data (a CIDR or "base-last" ports)
   * @param offset items below it are handed out dynamically only when the rest is full
   *   (upstream's static/dynamic split, so requested values rarely collide)
   */
  constructor(readonly max: number, readonly rangeSpec: string, private readonly offset = 0) {
    this.bits = new Uint8Array(Math.ceil(max / 8));
  }

  has(i: number): boolean {
    return i >= 0 && i < this.max && (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  /** Reserves item i; false when it was already taken. */
  allocate(i: number): boolean {
    if (i < 0 || i >= this.max) throw new RangeError(`offset ${i} outside 0..${this.max - 1}`);
    if (this.has(i)) return false;
    this.bits[i >> 3]! |= 1 << (i & 7);
    this.count++;
    return true;
  }

  /** Reserves a free item: a random start in the upper part [offset, max), then the lower part; null when full. */
  allocateNext(): number | null {
    if (this.count >= this.max) return null;
    const scan = (from: number, size: number): number | null => {
      if (size <= 0) return null;
      const start = randomInt(size);
      for (let k = 0; k < size; k++) {
        const at = from + ((start + k) % size);
        if (!this.has(at)) return at;
      }
      return null;
    };
    const at = scan(this.offset, this.max - this.offset) ?? scan(0, this.offset);
    if (at === null) return null;
    this.allocate(at);
    return at;
  }

  /** Releasing a free or out-of-range item is a no-op, as upstream. */
  release(i: number): void {
    if (!this.has(i)) return;
    this.bits[i >> 3]! &= ~(1 << (i & 7));
    this.count--;
  }

  free(): number {
    return this.max - this.count;
  }

  used(): number {
    return this.count;
  }

  forEach(fn: (i: number) => void): void {
    for (let b = 0; b < this.bits.length; b++) {
      const byte = this.bits[b]!;
      if (byte === 0) continue;
      for (let k = 0; k < 8; k++) if (byte & (1 << k)) fn(b * 8 + k);
    }
  }

  /** The stored form: big-endian bytes of the bit integer, leading zero bytes dropped. */
  snapshot(): Buffer {
    let top = this.bits.length - 1;
    while (top >= 0 && this.bits[top] === 0) top--;
    const out = Buffer.alloc(top + 1);
    for (let b = 0; b <= top; b++) out[top - b] = this.bits[b]!;
    return out;
  }

  /** Loads a snapshot; fails when it was taken over another range. Bits beyond max are dropped. */
  restore(rangeSpec: string, data: Uint8Array): void {
    if (rangeSpec !== this.rangeSpec) throw new Error('the provided range does not match the current range');
    this.bits = new Uint8Array(Math.ceil(this.max / 8));
    this.count = 0;
    for (let k = 0; k < data.length; k++) {
      const byte = data[data.length - 1 - k]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) {
        const i = k * 8 + bit;
        if (i < this.max) this.allocate(i);
      }
    }
  }
}

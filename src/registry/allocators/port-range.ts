// upstream's portallocator geometry: item i is port base+i; the range text is "base-last".
import { allocationErrors } from './range-errors.js';

/** min(max(16, size/32), 128), 0 for ranges of 16 or fewer ports (upstream's calculateRangeOffset). */
function rangeOffset(size: number): number {
  if (size <= 16) return 0;
  const offset = Math.floor(size / 32);
  return offset < 16 ? 16 : offset > 128 ? 128 : offset;
}

export class PortRange {
  readonly max: number;
  readonly offset: number;
  readonly spec: string;

  constructor(readonly base: number, readonly size: number) {
    this.max = size;
    this.offset = rangeOffset(size);
    this.spec = size === 0 ? '' : `${base}-${base + size - 1}`;
  }

  indexOf(port: number): number | null {
    const i = port - this.base;
    return Number.isInteger(i) && i >= 0 && i < this.size ? i : null;
  }

  mustIndexOf(port: number): number {
    const i = this.indexOf(port);
    if (i === null) throw allocationErrors.portNotInRange(this.spec);
    return i;
  }

  portAt(i: number): number {
    return this.base + i;
  }
}

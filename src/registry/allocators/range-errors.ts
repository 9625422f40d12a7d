// The allocation errors of upstream's ipallocator and portallocator, with their messages
// (they end up in 422 field causes).

export type RangeErrorKind = 'Allocated' | 'NotInRange' | 'Full' | 'NotReady';

export class AllocationError extends Error {
  /** The item that could not be had, when one was requested. */
  readonly index: number | undefined;

  constructor(readonly kind: RangeErrorKind, message: string, index?: number) {
    super(message);
    this.index = index;
  }
}

export const allocationErrors = {
  ipAllocated: () => new AllocationError('Allocated', 'provided IP is already allocated'),
  ipNotInRange: (ip: string, range: string) =>
    new AllocationError('NotInRange', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range}`),
  portAllocated: () => new AllocationError('Allocated', 'provided port is already allocated'),
  portNotInRange: (range: string) =>
    new AllocationError('NotInRange', `provided port is not in the valid range. The range of valid ports is ${range}`),
  full: () => new AllocationError('Full', 'range is full'),
};

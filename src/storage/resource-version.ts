// Parsing resourceVersion strings into revisions (bigint: etcd revisions are int64).
import { StorageError } from './errors.js';

/** '' and undefined are 0n ("any"/"current"); anything but a non-negative decimal integer is 'InvalidArgument'. */
export function parseResourceVersion(rv: string | undefined, key: string): bigint {
  if (rv === undefined || rv === '') return 0n;
  if (!/^\d+$/.test(rv) || BigInt(rv) > 0x7fffffffffffffffn) {
    throw new StorageError('InvalidArgument', key, `invalid resource version: ${JSON.stringify(rv)}`);
  }
  return BigInt(rv);
}

export function tooLargeResourceVersion(key: string, minimum: bigint, current: bigint): StorageError {
  return new StorageError(
    'TooLargeResourceVersion',
    key,
    `Too large resource version: ${minimum.toString()}, current: ${current.toString()}`,
  );
}

/** The first key after every key that starts with prefix (etcd's GetPrefixRangeEnd), compared as UTF-8 bytes. */
export function prefixRangeEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, 'utf8');
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i] += 1;
      return end.subarray(0, i + 1);
    }
  }
  // Only 0xff bytes: no upper bound ("\0" means "to the end" for etcd).
  return Buffer.from([0]);
}

// Compaction: removes the rows older revisions need, so reads below the compact revision fail
// with Expired and watches from before it with 410, as etcd reports them. The periodic compactor
// works like upstream's: each interval it compacts to the revision it saw one interval earlier,
// so history younger than one interval is always kept.
import { StorageError } from '../errors.js';
import { tooLargeResourceVersion } from '../resource-version.js';
import { COMPACTED } from './list.js';
import type { Log } from './log.js';

/** Compacts to rev (the state at rev stays readable); etcd's errors for a rev already compacted or in the future. */
export function compact(log: Log, rev: number): void {
  if (rev <= log.compactRevision) throw new StorageError('Expired', '', COMPACTED);
  if (rev > log.revision) throw tooLargeResourceVersion('', BigInt(rev), BigInt(log.revision));
  log.compactTo(rev);
}

export class Compactor {
  private lastRevision = 0;

  constructor(private readonly log: Log) {}

  /** One interval's work. */
  runOnce(): void {
    const target = this.lastRevision;
    this.lastRevision = this.log.revision;
    if (target > this.log.compactRevision) compact(this.log, target);
  }
}

// Errors the storage layer raises. The registry maps them to API errors (it knows the resource).

export type StorageErrorCode =
  | 'KeyNotFound'
  | 'KeyExists'
  /** A precondition (uid or resourceVersion) did not match the stored object. */
  | 'Conflict'
  /** The requested revision has been compacted (list continue / watch / exact read). */
  | 'Expired'
  /** A continue token or resourceVersion that does not parse. */
  | 'InvalidArgument'
  /** The backend did not answer (etcd down or timing out). */
  | 'Unavailable'
  /**
   * A read asked for a revision newer than the store has ("Too large resource version: N,
   * current: M"); upstream answers 504 Timeout with cause ResourceVersionTooLarge.
   */
  | 'TooLargeResourceVersion'
  /** A write larger than etcd (or the client's gRPC send limit) accepts. */
  | 'RequestTooLarge';

export class StorageError extends Error {
  /**
   * On 'Expired' from a list with a compacted continue token: a fresh "inconsistent" token that
   * continues at the latest revision; upstream puts it in the Status's metadata.continue.
   */
  readonly continueToken?: string;
  /** Which backend failed, for the 'Unavailable' message (etcd when unset). */
  readonly backend?: 'sqlite';

  constructor(readonly code: StorageErrorCode, readonly key: string, message: string, extra: { continueToken?: string; backend?: 'sqlite' } = {}) {
    super(message);
    this.name = 'StorageError';
    if (extra.continueToken !== undefined) this.continueToken = extra.continueToken;
    if (extra.backend !== undefined) this.backend = extra.backend;
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}

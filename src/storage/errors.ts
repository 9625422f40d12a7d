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
  | 'Unavailable';

export class StorageError extends Error {
  constructor(readonly code: StorageErrorCode, readonly key: string, message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}

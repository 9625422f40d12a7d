// Precondition checks shared by the backends, with upstream's storage.Preconditions.Check messages.
import type { KubeObject } from '../api/types.js';
import { StorageError } from './errors.js';
import type { Preconditions } from './interface.js';

/** Throws StorageError 'Conflict' when obj (null: absent, checked as empty uid/resourceVersion) fails p. */
export function checkPreconditions(key: string, obj: KubeObject | null, p: Preconditions | undefined): void {
  if (!p) return;
  const uid = obj?.metadata.uid ?? '';
  const rv = obj?.metadata.resourceVersion ?? '';
  if (p.uid !== undefined && p.uid !== uid) {
    throw new StorageError('Conflict', key, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${uid}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== rv) {
    throw new StorageError(
      'Conflict',
      key,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
}

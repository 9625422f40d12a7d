// get: one key at the latest revision, plus the row helpers the other verbs share.
import type { KubeObject } from '../../api/types.js';
import { StorageError } from '../errors.js';
import { decodeObject } from '../value.js';
import type { Log, LogRow } from './log.js';

/** A row that holds a live object: a put, not a tombstone. */
export type LiveRow = LogRow & { value: Buffer };

export function live(row: LogRow | undefined): LiveRow | undefined {
  return row && !row.deleted && row.value !== null ? (row as LiveRow) : undefined;
}

/** A fresh decode of the row's object, stamped with its revision. */
export function decodeRow(row: LiveRow): KubeObject {
  return decodeObject(row.value, String(row.id), row.name);
}

export function notFound(key: string): StorageError {
  return new StorageError('KeyNotFound', key, `key not found: ${key}`);
}

/** Thrown inside a write transaction when the key changed since it was read; the verb retries. */
export class LostRace extends Error {}

/** The compare of every read-modify-write: the key's live row is still the one read. */
export function unchanged(read: LiveRow | undefined): (latest: LogRow | undefined) => void {
  return (latest) => {
    if ((live(latest)?.id ?? 0) !== (read?.id ?? 0)) throw new LostRace();
  };
}

export function get(log: Log, key: string): KubeObject {
  const row = live(log.latest(key));
  if (!row) throw notFound(key);
  return decodeRow(row);
}

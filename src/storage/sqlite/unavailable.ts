// The file failing under us (I/O error, disk full, store closed) is the backend being unavailable,
// as an etcd outage is: StorageError 'Unavailable', not a 500 with SQLite's text.
import Database from 'better-sqlite3';
import { StorageError } from '../errors.js';

const UNAVAILABLE = /^SQLITE_(IOERR|FULL|BUSY|LOCKED|READONLY|CANTOPEN|PROTOCOL)/;

export function isUnavailable(e: unknown): boolean {
  if (e instanceof Database.SqliteError) return UNAVAILABLE.test(e.code);
  // better-sqlite3's error for a statement on a closed connection.
  return e instanceof TypeError && e.message === 'The database connection is not open';
}

/** Runs a verb, turning SQLite's availability failures into StorageError 'Unavailable'; other errors pass through. */
export async function guarded<T>(key: string, verb: () => T | Promise<T>): Promise<T> {
  try {
    return await verb();
  } catch (e) {
    if (isUnavailable(e)) throw new StorageError('Unavailable', key, (e as Error).message, { backend: 'sqlite' });
    throw e;
  }
}

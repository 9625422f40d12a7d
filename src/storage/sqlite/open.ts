// Opening the database file: WAL with synchronous=FULL (a write is on disk when its promise
// resolves), an exclusive SQLite lock held for the process's lifetime (the kernel drops it when
// the process dies, so a crash leaves no stale lock), and a check that the file is sound before
// anything is written to it.
import Database from 'better-sqlite3';
import { ensureSchema } from './schema.js';

function codeOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
}

function describe(e: unknown, path: string): Error {
  const message = e instanceof Error ? e.message : String(e);
  const code = codeOf(e);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new Error(`sqlite storage: ${path} is in use by another process (${message})`);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new Error(`sqlite storage: ${path} is not a usable SQLite database (${message})`);
  }
  return new Error(`sqlite storage: cannot open ${path}: ${message}`);
}

/** Opens (creating if absent) and locks the store at path; throws a one-line Error when it cannot be used. */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    // Exclusive before the first read: this connection then holds the lock until close.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`sqlite storage: ${path} is corrupt (quick_check: ${String(check)})`);
    ensureSchema(db, path);
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof Error && e.message.startsWith('sqlite storage: ')) throw e;
    throw describe(e, path);
  }
}

// A size-rotated log file with lumberjack's rules (gopkg.in/natefinch/lumberjack.v2, what
// upstream's audit log uses): a write that would push the file past maxSize first renames it to
// `<name>-<UTC 2006-01-02T15-04-05.000><ext>` and starts a new one; afterwards backups beyond
// maxBackups or older than maxAge days are removed, and the rest gzipped when compress is set.
// Writes are synchronous so events land in order and a failure reaches the caller at once.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, writeSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { log } from '../observability/logger.js';

const megabyte = 1024 * 1024;
/** lumberjack's size limit when MaxSize is 0. */
const defaultMaxSizeMB = 100;

export interface RotationOptions {
  /** Megabytes; 0 means lumberjack's default of 100. */
  maxSizeMB: number;
  /** Rotated files kept; 0 keeps all. */
  maxBackups: number;
  /** Days a rotated file is kept; 0 keeps them forever. */
  maxAgeDays: number;
  compress: boolean;
  /** Overrides maxSizeMB in bytes (tests). */
  maxBytes?: number;
  /** The clock used for backup names (tests). */
  now?: () => Date;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** lumberjack's backupTimeFormat, in UTC as upstream leaves LocalTime false. */
export function backupTimestamp(t: Date): string {
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}-${pad(t.getUTCMinutes())}-${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}`;
}

function parseBackupTimestamp(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, ms] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, se!, ms!);
}

export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private readonly max: number;
  private milling: Promise<void> = Promise.resolve();

  constructor(readonly path: string, private readonly opts: RotationOptions) {
    this.max = opts.maxBytes ?? (opts.maxSizeMB > 0 ? opts.maxSizeMB : defaultMaxSizeMB) * megabyte;
  }

  write(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length > this.max) throw new Error(`write length ${buf.length} exceeds maximum file size ${this.max}`);
    if (this.fd === undefined) this.openExistingOrNew(buf.length);
    else if (this.size + buf.length > this.max) this.rotate();
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd!, buf, off);
    this.size += buf.length;
  }

  private openExistingOrNew(writeLen: number): void {
    if (!existsSync(this.path)) return this.openNew();
    if (statSync(this.path).size + writeLen >= this.max) return this.rotate();
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private openNew(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o755 });
    let mode = 0o600;
    if (existsSync(this.path)) {
      mode = statSync(this.path).mode & 0o777;
      renameSync(this.path, this.backupName());
    }
    this.fd = openSync(this.path, 'w', mode);
    this.size = 0;
  }

  private rotate(): void {
    this.closeFile();
    this.openNew();
    this.milling = this.milling.then(() => this.mill()).catch((e: unknown) => log.error('audit log rotation cleanup failed', { err: String(e) }));
  }

  private backupName(): string {
    const ext = extname(this.path);
    const prefix = basename(this.path, ext);
    return join(dirname(this.path), `${prefix}-${backupTimestamp(this.opts.now?.() ?? new Date())}${ext}`);
  }

  /** Rotated files of this log, newest first. */
  backups(): { name: string; time: number }[] {
    const ext = extname(this.path);
    const prefix = `${basename(this.path, ext)}-`;
    const out: { name: string; time: number }[] = [];
    for (const f of readdirSync(dirname(this.path))) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const stamp = rest.endsWith(`${ext}.gz`) ? rest.slice(0, -(ext.length + 3)) : rest.endsWith(ext) ? rest.slice(0, rest.length - ext.length) : undefined;
      const time = stamp === undefined ? undefined : parseBackupTimestamp(stamp);
      if (time !== undefined) out.push({ name: join(dirname(this.path), f), time });
    }
    return out.sort((a, b) => b.time - a.time);
  }

  private async mill(): Promise<void> {
    const { maxBackups, maxAgeDays, compress } = this.opts;
    let files = this.backups();
    const remove: string[] = [];
    if (maxBackups > 0) {
      // A file and its .gz twin count once.
      const kept = new Set<string>();
      const keep: typeof files = [];
      for (const f of files) {
        const key = f.name.replace(/\.gz$/, '');
        if (kept.has(key) || kept.size < maxBackups) {
          kept.add(key);
          keep.push(f);
        } else {
          remove.push(f.name);
        }
      }
      files = keep;
    }
    if (maxAgeDays > 0) {
      const cutoff = (this.opts.now?.() ?? new Date()).getTime() - maxAgeDays * 24 * 3600 * 1000;
      for (const f of files) if (f.time < cutoff) remove.push(f.name);
      files = files.filter(f => f.time >= cutoff);
    }
    for (const name of remove) await unlink(name).catch(() => undefined);
    if (compress) {
      for (const f of files) {
        if (f.name.endsWith('.gz')) continue;
        await writeFile(`${f.name}.gz`, await promisify(gzip)(await readFile(f.name)), { mode: 0o600 });
        await unlink(f.name);
      }
    }
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Waits for cleanup of rotated files, then closes the file. */
  async close(): Promise<void> {
    await this.milling;
    this.closeFile();
  }
}

/** Upstream's ensureLogFile: the directory (0700) and the file (0600) exist before serving. */
export function ensureLogFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

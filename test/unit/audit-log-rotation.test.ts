import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { backupTimestamp, RotatingFile } from '../../src/audit/rotating-file.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'audit-rot-'));
}

test('backup names use lumberjack\'s UTC timestamp format', () => {
  assert.equal(backupTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67))), '2024-01-02T03-04-05.067');
});

test('a write that would pass the limit rotates first; the backup is <name>-<time><ext>', async () => {
  const dir = tempDir();
  try {
    let t = Date.UTC(2024, 5, 1, 12, 0, 0, 0);
    const f = new RotatingFile(join(dir, 'audit.log'), { maxSizeMB: 1, maxBackups: 0, maxAgeDays: 0, compress: false, maxBytes: 100, now: () => new Date(t += 1000) });
    f.write('a'.repeat(60));
    f.write('b'.repeat(40)); // exactly 100: still fits
    f.write('c'.repeat(10)); // 110 > 100: rotate, then write
    f.write('d'.repeat(95)); // 105 > 100: rotate again
    await f.close();
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['audit-2024-06-01T12-00-01.000.log', 'audit-2024-06-01T12-00-02.000.log', 'audit.log']);
    assert.equal(readFileSync(join(dir, files[0]!), 'utf8'), 'a'.repeat(60) + 'b'.repeat(40));
    assert.equal(readFileSync(join(dir, files[1]!), 'utf8'), 'c'.repeat(10));
    assert.equal(readFileSync(join(dir, 'audit.log'), 'utf8'), 'd'.repeat(95));
    assert.equal(statSync(join(dir, 'audit.log')).mode & 0o777, 0o600);
    assert.throws(() => f.write('x'.repeat(101)), /write length 101 exceeds maximum file size 100/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an existing file is appended to, or rotated when the next write would not fit', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'a.log');
    writeFileSync(path, 'x'.repeat(50));
    const f = new RotatingFile(path, { maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0, compress: false, maxBytes: 100 });
    f.write('y'.repeat(10));
    await f.close();
    assert.equal(readFileSync(path, 'utf8'), 'x'.repeat(50) + 'y'.repeat(10));
    const g = new RotatingFile(path, { maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0, compress: false, maxBytes: 100 });
    g.write('z'.repeat(40)); // 60 + 40 >= 100: lumberjack rotates on open
    await g.close();
    assert.equal(readFileSync(path, 'utf8'), 'z'.repeat(40));
    assert.equal(readdirSync(dir).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maxBackups and maxAge remove old backups; compress gzips the rest', async () => {
  const dir = tempDir();
  try {
    let t = Date.UTC(2024, 0, 1);
    const now = () => new Date(t);
    const f = new RotatingFile(join(dir, 'k.log'), { maxSizeMB: 0, maxBackups: 2, maxAgeDays: 0, compress: true, maxBytes: 10, now });
    for (let i = 0; i < 5; i++) {
      t += 60_000;
      f.write(String(i).repeat(10));
    }
    await f.close();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 3, files.join(' '));
    assert.ok(files.slice(0, 2).every(n => n.endsWith('.log.gz')), files.join(' '));
    assert.equal(gunzipSync(readFileSync(join(dir, files[1]!))).toString(), '3'.repeat(10));
    assert.equal(readFileSync(join(dir, 'k.log'), 'utf8'), '4'.repeat(10));

    const aged = new RotatingFile(join(dir, 'k.log'), { maxSizeMB: 0, maxBackups: 0, maxAgeDays: 1, compress: false, maxBytes: 10, now });
    t += 3 * 24 * 3600 * 1000; // the two backups are now three days old
    aged.write('5'.repeat(10));
    await aged.close();
    const left = readdirSync(dir).sort();
    assert.equal(left.length, 2, left.join(' '));
    assert.ok(left.includes('k.log'));
    assert.ok(!existsSync(join(dir, files[0]!)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maxSize 0 means lumberjack\'s 100 MB', async () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'big.log');
    writeFileSync(path, '');
    utimesSync(path, new Date(), new Date());
    const f = new RotatingFile(path, { maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0, compress: false });
    assert.throws(() => f.write(Buffer.alloc(100 * 1024 * 1024 + 1)), /exceeds maximum file size 104857600/);
    await f.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

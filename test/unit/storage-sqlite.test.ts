// The Storage contract over the SQLite backend, plus what only a file on disk shows: durability
// across SIGKILL, refusing foreign or corrupt files and a second opener, TTL expiry, compaction.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { KubeObject } from '../../src/api/types.js';
import { aescbc } from '../../src/storage/encryption/transformers.js';
import { toApiError } from '../../src/endpoints/status-writer.js';
import { SqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite/index.js';
import { configMap, nextEvents, rejectsWith, storageContract } from '../helpers/storage-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'storage-sqlite-'));
let files = 0;
const freshPath = () => join(dir, `store${++files}.db`);
const open: SqliteStorage[] = [];

function openStore(opts: Partial<SqliteStorageOptions> = {}): SqliteStorage {
  const s = SqliteStorage.open({ path: freshPath(), bookmarkIntervalMs: 100, ...opts });
  open.push(s);
  return s;
}

after(async () => {
  await Promise.all(open.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

storageContract('sqlite', {
  async makeTarget() {
    const storage = openStore();
    return { storage, compact: () => storage.compact(), close: () => storage.close() };
  },
});

const MODULE = new URL('../../src/storage/sqlite/index.js', import.meta.url).href;

/** A child process running `body` (an ES module body with SqliteStorage and the path in scope). */
function child(path: string, body: string): ChildProcess {
  const code = `import { SqliteStorage } from ${JSON.stringify(MODULE)};\nconst path = ${JSON.stringify(path)};\n${body}`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the child's stdout lines once `until` holds for them. */
function readLines(p: ChildProcess, until: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const lines: string[] = [];
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (until(lines)) resolve(lines);
    });
    p.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
  });
}

function killed(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.on('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

describe('SqliteStorage on disk', () => {
  it('keeps every acknowledged write when the writer is killed with SIGKILL', async () => {
    const path = freshPath();
    const writer = child(
      path,
      `const s = SqliteStorage.open({ path });
       for (let i = 0; ; i++) {
         const o = await s.create('/registry/configmaps/default/cm' + i, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' + i }, data: { i: String(i) } });
         process.stdout.write(i + ' ' + o.metadata.resourceVersion + '\\n');
       }`,
    );
    const acked = readLines(writer, (lines) => lines.length >= 150);
    const lines = await acked;
    await killed(writer);
    const s = SqliteStorage.open({ path });
    open.push(s);
    // Every line printed, and possibly a few more that committed before the kill.
    assert.ok((await s.count('/registry/configmaps/')) >= lines.length);
    for (const line of lines) {
      const [i, rv] = line.split(' ');
      const got = await s.get(`/registry/configmaps/default/cm${i}`);
      assert.deepEqual(got.data, { i });
      assert.equal(got.metadata.resourceVersion, rv);
    }
    const next = await s.create('/registry/configmaps/default/after', configMap('after'));
    const lastRv = BigInt(lines.at(-1)!.split(' ')[1]);
    assert.ok(BigInt(next.metadata.resourceVersion!) > lastRv);
  });

  it('refuses a second opener, in another process or this one, until the holder is gone', async () => {
    const path = freshPath();
    const holder = child(path, `SqliteStorage.open({ path }); console.log('ready'); setInterval(() => {}, 1000);`);
    await readLines(holder, (lines) => lines.includes('ready'));
    assert.throws(() => SqliteStorage.open({ path }), (e: Error) => {
      assert.equal(e.message, `sqlite storage: ${path} is in use by another process (database is locked)`);
      return true;
    });
    await killed(holder);
    const s = SqliteStorage.open({ path });
    assert.throws(() => SqliteStorage.open({ path }), /is in use by another process/);
    await s.close();
    await SqliteStorage.open({ path }).close();
  });

  it('refuses a file that is not SQLite, a foreign SQLite database, a kine table of another shape, and a corrupt store', async () => {
    const junk = freshPath();
    writeFileSync(junk, 'this is not a database, just some text long enough to look like a header of some sort'.repeat(8));
    assert.throws(() => SqliteStorage.open({ path: junk }), new RegExp(`^Error: sqlite storage: ${junk} is not a usable SQLite database \\(file is not a database\\)$`));

    const foreign = freshPath();
    const f = new Database(foreign);
    f.exec('CREATE TABLE users (id INTEGER, name TEXT)');
    f.close();
    assert.throws(() => SqliteStorage.open({ path: foreign }), /^Error: sqlite storage: .* without a kine table \(tables: users\); refusing to use it$/);

    const shape = freshPath();
    const g = new Database(shape);
    g.exec('CREATE TABLE kine (id INTEGER PRIMARY KEY, name TEXT, value BLOB)');
    g.close();
    assert.throws(() => SqliteStorage.open({ path: shape }), /another schema \(missing columns: created, deleted, create_revision, prev_revision, lease, old_value\)/);

    const kine = freshPath();
    const k = new Database(kine);
    k.exec('CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name INTEGER, created INTEGER, deleted INTEGER, create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB)');
    k.close();
    assert.throws(() => SqliteStorage.open({ path: kine }), /has a kine table written by another program \(application_id 0\); refusing to use it$/);

    const corrupt = freshPath();
    const s = SqliteStorage.open({ path: corrupt });
    for (let i = 0; i < 200; i++) await s.create(`/registry/configmaps/default/c${i}`, configMap(`c${i}`, { pad: 'x'.repeat(200) }));
    await s.close();
    // Scribble over the pages after the first (the header stays valid, the b-trees do not).
    const fd = openSync(corrupt, 'r+');
    const size = statSync(corrupt).size;
    for (let off = 4096; off < size; off += 4096) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, off + 8);
    closeSync(fd);
    assert.throws(() => SqliteStorage.open({ path: corrupt }), /^Error: sqlite storage: .* (is corrupt|is not a usable SQLite database)/);
  });

  it('writes of one event-loop turn commit together yet are checked one by one, in order', async () => {
    const s = openStore();
    const start = Number(s.currentRevision());
    const w = s.watch('/registry/configmaps/', { recursive: true, resourceVersion: String(start) });
    const k = (n: string) => `/registry/configmaps/default/${n}`;
    await s.create(k('counter'), configMap('counter', { n: '0' }));
    const results = await Promise.allSettled([
      s.create(k('dup'), configMap('dup')),
      s.create(k('dup'), configMap('dup')),
      ...Array.from({ length: 20 }, (_, i) => s.create(k(`c${i}`), configMap(`c${i}`))),
      ...Array.from({ length: 10 }, () => s.guaranteedUpdate(k('counter'), (cur) => ({ ...cur!, data: { n: String(Number((cur!['data'] as Record<string, string>)['n']) + 1) } }))),
    ]);
    assert.deepEqual(results.map((r) => r.status).filter((st) => st === 'rejected').length, 1, 'only the second create of dup is refused');
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'KeyExists');
    assert.deepEqual((await s.get(k('counter'))).data, { n: '10' }, 'no increment lost to a race inside a batch');
    // 1 counter + 1 dup + 20 creates + 10 updates, at consecutive revisions, watched in order.
    assert.equal(Number(s.currentRevision()), start + 32);
    const events = await nextEvents(w, 32);
    assert.deepEqual(events.map((e) => Number(e.object.metadata.resourceVersion)), Array.from({ length: 32 }, (_, i) => start + 1 + i));
    w.stop();
  });

  it('expires a TTL key with a DELETED event; an update without a TTL keeps the expiry', async () => {
    const s = openStore({ leaseSweepIntervalMs: 100 });
    const created = await s.create('/registry/events/default/e1', configMap('e1'), { ttlSeconds: 1 });
    await s.create('/registry/events/default/keep', configMap('keep'));
    const w = s.watch('/registry/events/', { recursive: true, resourceVersion: created.metadata.resourceVersion });
    const updated = await s.guaranteedUpdate('/registry/events/default/e1', (cur) => ({ ...cur!, data: { seen: '2' } }));
    const events = await nextEvents(w, 3, 4000);
    w.stop();
    assert.deepEqual(events.map((e) => [e.type, (e.object as KubeObject).metadata.name]), [['ADDED', 'keep'], ['MODIFIED', 'e1'], ['DELETED', 'e1']]);
    assert.ok(BigInt(events[2].object.metadata.resourceVersion!) > BigInt(updated.metadata.resourceVersion!));
    assert.deepEqual((events[2].object as { data?: unknown }).data, { seen: '2' });
    await rejectsWith(s.get('/registry/events/default/e1'), 'KeyNotFound');
    await s.get('/registry/events/default/keep');
  });

  it('a TTL survives a restart: the expiry is stored, not a timer', async () => {
    const path = freshPath();
    const first = SqliteStorage.open({ path, leaseSweepIntervalMs: 0 });
    await first.create('/registry/events/default/e1', configMap('e1'), { ttlSeconds: 1 });
    await first.close();
    const second = SqliteStorage.open({ path, leaseSweepIntervalMs: 0 });
    open.push(second);
    assert.equal(await second.sweepExpired(), 0);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(await second.sweepExpired(), 1);
    await rejectsWith(second.get('/registry/events/default/e1'), 'KeyNotFound');
  });

  it('compaction removes old rows, answers 410/Expired below it, and persists across a restart', async () => {
    const path = freshPath();
    const s = SqliteStorage.open({ path });
    const v1 = await s.create('/registry/configmaps/default/a', configMap('a', { v: '1' }));
    for (let i = 2; i <= 5; i++) await s.guaranteedUpdate('/registry/configmaps/default/a', (cur) => ({ ...cur!, data: { v: String(i) } }));
    await s.create('/registry/configmaps/default/gone', configMap('gone'));
    const deleted = await s.delete('/registry/configmaps/default/gone');
    const at = await s.compact();
    assert.equal(at, s.currentRevision());
    await rejectsWith(s.compact(at), 'Expired');
    await rejectsWith(s.list('/registry/configmaps/', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 'Expired');
    const now = await s.list('/registry/configmaps/', { resourceVersion: at, resourceVersionMatch: 'Exact' });
    assert.deepEqual(now.items.map((o) => o.data), [{ v: '5' }]);
    await s.close();

    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT name, deleted FROM kine ORDER BY id').all();
    raw.close();
    // The marker, a's last version and the tombstone at the compact revision itself (watchers from at-1 need it).
    assert.deepEqual(rows, [{ name: 'compact_rev_key', deleted: 0 }, { name: '/registry/configmaps/default/a', deleted: 0 }, { name: '/registry/configmaps/default/gone', deleted: 1 }]);
    assert.equal(deleted.metadata.resourceVersion, at);

    const again = SqliteStorage.open({ path });
    open.push(again);
    const events = await nextEvents(again.watch('/registry/configmaps/', { recursive: true, resourceVersion: v1.metadata.resourceVersion }), 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal((events[0].object as { code?: number }).code, 410);
    assert.equal((events[0].object as { message?: string }).message, `too old resource version: ${v1.metadata.resourceVersion} (${BigInt(at) - 1n})`);
    const replay = again.watch('/registry/configmaps/', { recursive: true, resourceVersion: String(BigInt(at) - 1n) });
    const [gone] = await nextEvents(replay, 1);
    replay.stop();
    assert.deepEqual([gone.type, (gone.object as KubeObject).metadata.name, gone.object.metadata.resourceVersion], ['DELETED', 'gone', at]);
  });

  it('compacts periodically to the revision seen one interval earlier', async () => {
    const s = openStore({ compactionIntervalMs: 150 });
    const a = await s.create('/registry/configmaps/default/a', configMap('a'));
    await s.guaranteedUpdate('/registry/configmaps/default/a', (cur) => ({ ...cur!, data: { v: '2' } }));
    const exactA = () => s.list('/registry/configmaps/', { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    // The first tick only notes the revision; a later one compacts to it (timers may run late on a busy machine).
    const deadline = Date.now() + 5000;
    let expired = false;
    while (!expired && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      expired = await exactA().then(() => false, () => true);
    }
    await rejectsWith(exactA(), 'Expired');
    assert.deepEqual((await s.get('/registry/configmaps/default/a')).data, { v: '2' });
  });

  it('requestWatchProgress sends a bookmark at once to watchers that asked for them', async () => {
    const s = openStore({ bookmarkIntervalMs: 60_000 });
    const a = await s.create('/registry/configmaps/default/a', configMap('a'));
    const w = s.watch('/registry/configmaps/', { recursive: true, resourceVersion: a.metadata.resourceVersion, bookmarks: true });
    const b = await s.create('/registry/configmaps/default/b', configMap('b'));
    s.requestWatchProgress();
    const events = await nextEvents(w, 2, 1000);
    w.stop();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', b.metadata.resourceVersion], ['BOOKMARK', b.metadata.resourceVersion]]);
  });

  it('stores values through the key\'s transformer (encryption at rest) and reads them back', async () => {
    const path = freshPath();
    const secret = randomBytes(32);
    const s = SqliteStorage.open({ path, transformerFor: (key) => (key.startsWith('/registry/secrets/') ? aescbc(secret) : undefined) });
    await s.create('/registry/secrets/default/s', configMap('s', { password: 'hunter2' }));
    const updated = await s.guaranteedUpdate('/registry/secrets/default/s', (cur) => ({ ...cur!, data: { password: 'hunter3' } }));
    await s.create('/registry/configmaps/default/c', configMap('c', { plain: 'visible' }));
    const w = s.watch('/registry/secrets/', { recursive: true, resourceVersion: '0' });
    const [added] = await nextEvents(w, 1);
    w.stop();
    assert.deepEqual((added.object as KubeObject).data, { password: 'hunter3' });
    await s.close();
    const raw = new Database(path, { readonly: true });
    const values = raw.prepare('SELECT name, value, old_value FROM kine WHERE value IS NOT NULL').all() as { name: string; value: Buffer; old_value: Buffer | null }[];
    raw.close();
    const text = Buffer.concat(values.flatMap((v) => [v.value, v.old_value ?? Buffer.alloc(0)])).toString('latin1');
    assert.ok(!text.includes('hunter'));
    assert.ok(text.includes('visible'));
    const again = SqliteStorage.open({ path, transformerFor: (key) => (key.startsWith('/registry/secrets/') ? aescbc(secret) : undefined) });
    open.push(again);
    assert.deepEqual((await again.get('/registry/secrets/default/s')).data, { password: 'hunter3' });
    assert.equal((await again.get('/registry/secrets/default/s')).metadata.resourceVersion, updated.metadata.resourceVersion);
  });

  it('close ends running watches; afterwards it is unhealthy and every verb is Unavailable', async () => {
    const s = SqliteStorage.open({ path: freshPath() });
    const w = s.watch('/registry/configmaps/', { recursive: true });
    await s.close();
    assert.deepEqual(await nextEvents(w, 1, 1000), []);
    assert.equal(await s.healthy(), false);
    const unavailable = await rejectsWith(s.get('/registry/configmaps/default/a'), 'Unavailable');
    assert.equal(unavailable.message, 'The database connection is not open');
    assert.equal(unavailable.backend, 'sqlite');
    assert.equal(toApiError(unavailable).message, 'the sqlite database is unavailable: The database connection is not open');
  });
});

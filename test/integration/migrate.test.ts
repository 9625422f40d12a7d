// kube-apiserver-migrate against a real etcd: sqlite -> etcd -> sqlite keeps every key under the
// prefix, its exact stored bytes (encrypted values stay encrypted) and its TTL; it refuses a
// destination that already has keys, and the command prints what it copied.
// needs etcd: copies keys to and from a real etcd
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, parseMigrateArgs } from '../../src/cmd/kube-apiserver-migrate.js';
import { aescbc } from '../../src/storage/encryption/transformers.js';
import { Etcd3Storage } from '../../src/storage/etcd3/index.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { configMap } from '../helpers/storage-contract.js';
import { storageOptions, useEtcd } from '../helpers/etcd.js';

const command = resolve(new URL('../../..', import.meta.url).pathname, 'dist/src/cmd/kube-apiserver-migrate.js');
const secret = randomBytes(32);
const transformerFor = (key: string) => (key.startsWith('/registry/secrets/') ? aescbc(secret) : undefined);
const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
const ctx = useEtcd();
after(() => rmSync(dir, { recursive: true, force: true }));

const etcdFlags = () => [`--etcd-servers=${ctx.etcd.endpoint}`, `--etcd-cafile=${ctx.etcd.caFile}`, `--etcd-certfile=${ctx.etcd.certFile}`, `--etcd-keyfile=${ctx.etcd.keyFile}`];

/** name -> stored bytes (hex) of the kine log's live rows, as the sqlite file holds them. */
function sqliteBytes(path: string): Map<string, string> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare(`SELECT name, value FROM kine k WHERE deleted = 0 AND name LIKE '/registry/%'
      AND id = (SELECT MAX(id) FROM kine n WHERE n.name = k.name)`).all() as { name: string; value: Buffer }[];
    return new Map(rows.map(r => [r.name, r.value.toString('hex')]));
  } finally {
    db.close();
  }
}

async function etcdBytes(): Promise<Map<string, string>> {
  const kvs = await ctx.raw.getAll().prefix('/registry/').buffers();
  return new Map(Object.entries(kvs).map(([k, v]) => [k, (v as Buffer).toString('hex')]));
}

describe('kube-apiserver-migrate', () => {
  it('parses its flags and refuses incomplete ones', () => {
    const a = parseMigrateArgs(['--from=sqlite', '--to=etcd', '--storage-sqlite-path=x.db', '--etcd-servers=https://a:1,https://b:2', '--etcd-prefix=/kube/']);
    assert.deepEqual(a, { from: 'sqlite', to: 'etcd', prefix: '/kube/', sqlitePath: 'x.db', etcd: { endpoints: ['https://a:1', 'https://b:2'] } });
    assert.throws(() => parseMigrateArgs(['--from=etcd', '--to=etcd']), /^Error: --from and --to must differ$/);
    assert.throws(() => parseMigrateArgs(['--from=mysql', '--to=etcd']), /^Error: --from must be etcd or sqlite$/);
    assert.throws(() => parseMigrateArgs(['--from=etcd', '--to=sqlite', '--etcd-servers=https://a:1']), /--storage-sqlite-path must be specified/);
    assert.throws(() => parseMigrateArgs(['--from=etcd', '--to=sqlite', '--storage-sqlite-path=x.db']), /--etcd-servers must be specified/);
  });

  it('sqlite -> etcd -> sqlite keeps keys, stored bytes and TTLs', async () => {
    const first = join(dir, 'first.db');
    const s = SqliteStorage.open({ path: first, transformerFor, compactionIntervalMs: 0 });
    for (let i = 0; i < 1003; i++) await s.create(`/registry/configmaps/default/cm-${i}`, configMap(`cm-${i}`, { i: String(i) }));
    await s.create('/registry/secrets/default/token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'default' }, data: { k: 'c2VjcmV0' } });
    await s.create('/registry/events/default/e1', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' } }, { ttlSeconds: 600 });
    // A deleted key is history, not state: it is not copied.
    await s.create('/registry/configmaps/default/gone', configMap('gone'));
    await s.delete('/registry/configmaps/default/gone');
    await s.close();
    await ctx.raw.put('/other-app/key').value('not ours');

    const before = sqliteBytes(first);
    assert.equal(before.size, 1005);
    assert.equal(await migrate(parseMigrateArgs(['--from=sqlite', '--to=etcd', `--storage-sqlite-path=${first}`, ...etcdFlags()])), 1005);
    assert.deepEqual(await etcdBytes(), before, 'etcd holds the same bytes, the secret still encrypted');
    const lease = (await ctx.raw.get('/registry/events/default/e1').exec()).kvs[0]!.lease;
    const ttl = Number((await ctx.raw.leaseClient.leaseTimeToLive({ ID: lease })).TTL);
    assert.ok(ttl > 590 && ttl <= 600, `event TTL ${ttl}`);

    const viaEtcd = new Etcd3Storage(storageOptions(ctx.etcd, { transformerFor }));
    try {
      assert.equal((await viaEtcd.list('/registry/configmaps/', {})).items.length, 1003);
      assert.deepEqual((await viaEtcd.get('/registry/secrets/default/token'))['data'], { k: 'c2VjcmV0' });
    } finally {
      await viaEtcd.close();
    }

    const second = join(dir, 'second.db');
    assert.equal(await migrate(parseMigrateArgs(['--from=etcd', '--to=sqlite', `--storage-sqlite-path=${second}`, ...etcdFlags()])), 1005);
    assert.deepEqual(sqliteBytes(second), before);
    const db = new Database(second, { readonly: true, fileMustExist: true });
    const expiry = Number(db.prepare(`SELECT lease FROM kine WHERE name = '/registry/events/default/e1'`).pluck().get());
    db.close();
    assert.ok(expiry - Date.now() > 580_000 && expiry - Date.now() <= 600_000, 'the event keeps its expiry');
    const back = SqliteStorage.open({ path: second, transformerFor, compactionIntervalMs: 0 });
    try {
      assert.deepEqual((await back.get('/registry/secrets/default/token'))['data'], { k: 'c2VjcmV0' });
    } finally {
      await back.close();
    }
  });

  it('refuses a destination that already holds keys; the command says so in one line', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>(res => {
      execFile(process.execPath, [command, '--from=sqlite', '--to=etcd', `--storage-sqlite-path=${join(dir, 'first.db')}`, ...etcdFlags()], (err, stdout, stderr) => {
        res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: the destination already holds 1005 keys under /registry/; migrate into an empty store\n');
  });

  it('the command reports what it copied', async () => {
    await ctx.raw.delete().prefix('/registry/');
    const r = await new Promise<{ code: number; stdout: string }>(res => {
      execFile(process.execPath, [command, '--from=sqlite', '--to=etcd', `--storage-sqlite-path=${join(dir, 'first.db')}`, ...etcdFlags()], (err, stdout) => {
        res({ code: err ? 1 : 0, stdout });
      });
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `copied 1005 keys under /registry/ from sqlite (${join(dir, 'first.db')}) to etcd (${ctx.etcd.endpoint})\n`);
  });
});

// Watches across a connection loss to etcd, made deterministic with a TCP proxy between the
// storage and etcd: while the storage is cut off, writes and a compaction happen behind its
// back. A watch etcd can still resume delivers what it missed; one whose history is compacted
// ends with 410 Expired, and the watch cache then closes its client watchers so they relist
// (upstream: clientv3 resume, etcd3 watcher's ErrCompacted, cacher's terminateAllWatchers).
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Cacher } from '../../src/storage/cacher/index.js';
import { Etcd3Storage } from '../../src/storage/etcd3/index.js';
import { rawClient, startEtcd, storageOptions, type EtcdHandle } from '../helpers/etcd.js';
import { configMap, nextEvents } from '../helpers/storage-contract.js';

let etcd: EtcdHandle;

/** A TCP proxy to etcd that can cut every connection and refuse new ones, then come back on the same port. */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async up(): Promise<void> {
    const server = createServer(client => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>(res => server.listen(this.port, '127.0.0.1', () => res()));
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.server = server;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>(res => (this.server ? this.server.close(() => res()) : res()));
    this.server = undefined;
  }
}

before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

async function cutOff(root: string) {
  const proxy = new Proxy(Number(new URL(etcd.endpoint).port));
  await proxy.up();
  const storage = new Etcd3Storage(storageOptions(etcd, { endpoints: [`https://localhost:${proxy.port}`], requestTimeoutMs: 3000 }));
  const first = await storage.create(`${root}default/a`, configMap('a'));
  return { proxy, storage, first };
}

describe('etcd watches across a lost connection', () => {
  it('resume: the watch delivers the writes made while it was cut off', async () => {
    const root = `/registry/outage${process.pid}a/`;
    const { proxy, storage, first } = await cutOff(root);
    const raw = rawClient(etcd);
    try {
      const w = storage.watch(root, { recursive: true, resourceVersion: first.metadata.resourceVersion });
      await storage.create(`${root}default/b`, configMap('b'));
      const [b] = await nextEvents(w, 1);
      assert.ok(b!.type === 'ADDED');
      assert.equal(b.object.metadata.name, 'b');
      await proxy.down();
      await raw.put(`${root}default/c`).value(JSON.stringify(configMap('c')));
      await proxy.up();
      const [e] = await nextEvents(w, 1, 10_000);
      assert.ok(e!.type === 'ADDED');
      assert.equal(e.object.metadata.name, 'c');
      w.stop();
    } finally {
      raw.close();
      await storage.close();
      await proxy.down();
    }
  });

  it('compacted: the watch ends with 410, and the watch cache closes its client watchers', async () => {
    const root = `/registry/outage${process.pid}b/`;
    const { proxy, storage, first } = await cutOff(root);
    const cacher = new Cacher(storage, { roots: [root], retryMs: 200 });
    const raw = rawClient(etcd);
    try {
      assert.ok(await cacher.cacheFor(root)!.waitReady(5000));
      const direct = storage.watch(root, { recursive: true, resourceVersion: first.metadata.resourceVersion });
      const client = cacher.watch(root, { recursive: true, resourceVersion: '0' });
      assert.equal((await nextEvents(client, 1))[0]!.type, 'ADDED');
      await proxy.down();
      await raw.put(`${root}default/c`).value(JSON.stringify(configMap('c')));
      const put = await raw.put(`${root}default/d`).value(JSON.stringify(configMap('d'))).exec();
      await raw.kv.compact({ revision: put.header.revision, physical: true });
      await proxy.up();
      const [e] = await nextEvents(direct, 1, 10_000);
      assert.equal(e!.type, 'ERROR');
      assert.ok(e!.type === 'ERROR');
      assert.equal(e!.object.code, 410);
      assert.deepEqual(await nextEvents(direct, 1, 2000), [], 'the direct watch ended');
      // The cache's own watch met the same 410: its client watcher is closed, not left hanging.
      // nextEvents returns early only when the watcher ends (and fails after 10 s otherwise).
      const rest = await nextEvents(client, 5, 10_000);
      assert.ok(rest.length < 5);
      direct.stop();
      client.stop();
    } finally {
      raw.close();
      await cacher.close();
      await proxy.down();
    }
  });
});

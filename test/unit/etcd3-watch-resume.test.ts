// The etcd watch multiplexer over a scripted stream: a transport failure reopens the stream and
// resumes every watch after its last revision (clientv3's watchGrpcStream); a resume etcd
// answers as compacted ends that watcher with 410; any other failure ends watchers with an ERROR.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { IWatchRequest, IWatchResponse } from 'etcd3';
import type { EtcdContext } from '../../src/storage/etcd3/client.js';
import { WatchMux } from '../../src/storage/etcd3/watch.js';
import type { WatchEvent } from '../../src/storage/interface.js';
import { WatchQueue } from '../../src/storage/watch-queue.js';

class FakeStream extends EventEmitter {
  readonly writes: IWatchRequest[] = [];
  write(req: IWatchRequest): void {
    this.writes.push(req);
  }
  cancel(): void {}
  respond(r: Partial<IWatchResponse>): void {
    this.emit('data', { header: { revision: '10' }, watch_id: '1', created: false, canceled: false, compact_revision: '0', cancel_reason: '', events: [], ...r });
  }
}

function setup() {
  const streams: FakeStream[] = [];
  const ctx = {
    client: { watchClient: { watch: async () => { const st = new FakeStream(); streams.push(st); return st; } } },
    fromStored: (_k: string, v: Buffer) => v,
  } as unknown as EtcdContext;
  return { mux: new WatchMux(ctx, 60_000), streams };
}

const putEvent = (name: string, rev: number) => ({
  type: 'Put', kv: { key: Buffer.from(`/registry/cm/default/${name}`), value: Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } })), mod_revision: String(rev), create_revision: String(rev) },
});

async function next(q: WatchQueue): Promise<WatchEvent> {
  const r = await Promise.race([q[Symbol.asyncIterator]().next(), new Promise<'timeout'>(res => setTimeout(() => res('timeout'), 3000))]);
  assert.notEqual(r, 'timeout', 'no event');
  assert.ok(r !== 'timeout' && !r.done);
  return r.value;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise(r => setTimeout(r, 10));
  assert.ok(cond());
}

const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 });

describe('etcd watch resume', () => {
  it('a dropped stream is reopened and the watch resumes after the last revision delivered', async () => {
    const { mux, streams } = setup();
    const q = new WatchQueue();
    await mux.add({ key: '/registry/cm/', rangeEnd: Buffer.from('/registry/cm0'), startRevision: 5n, bookmarks: false, queue: q });
    const first = streams[0]!;
    assert.equal(first.writes[0]?.create_request?.start_revision, '5');
    first.respond({ created: true });
    first.respond({ events: [putEvent('a', 7)] as IWatchResponse['events'] });
    assert.equal((await next(q)).type, 'ADDED');
    first.emit('error', unavailable());
    await until(() => streams.length === 2 && streams[1]!.writes.length === 1);
    const second = streams[1]!;
    assert.equal(second.writes[0]?.create_request?.start_revision, '8');
    // The old stream is gone: what it still says is ignored.
    first.respond({ events: [putEvent('stale', 9)] as IWatchResponse['events'] });
    second.respond({ created: true });
    second.respond({ events: [putEvent('b', 8)] as IWatchResponse['events'] });
    const e = await next(q);
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.metadata.name, 'b');
    assert.equal(q.isEnded, false);
    mux.close();
  });

  it('a resume into compacted history ends the watcher with 410 Expired, so its consumer relists', async () => {
    const { mux, streams } = setup();
    const q = new WatchQueue();
    await mux.add({ key: '/registry/cm/', startRevision: 5n, bookmarks: false, queue: q });
    streams[0]!.respond({ created: true });
    streams[0]!.emit('end');
    await until(() => streams.length === 2 && streams[1]!.writes.length === 1);
    streams[1]!.respond({ created: true, compact_revision: '20' });
    const e = await next(q);
    assert.equal(e.type, 'ERROR');
    assert.ok(e.type === 'ERROR');
    assert.equal(e.object.code, 410);
    await until(() => q.isEnded);
    mux.close();
  });

  it('a failure that is not the transport ends every watcher with an ERROR', async () => {
    const { mux, streams } = setup();
    const q = new WatchQueue();
    await mux.add({ key: '/registry/cm/', startRevision: 5n, bookmarks: false, queue: q });
    streams[0]!.emit('error', Object.assign(new Error('7 PERMISSION_DENIED: etcdserver: permission denied'), { code: 7 }));
    const e = await next(q);
    assert.equal(e.type, 'ERROR');
    await until(() => q.isEnded);
    assert.equal(streams.length, 1, 'no resume');
    mux.close();
  });
});

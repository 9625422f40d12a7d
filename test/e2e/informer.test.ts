// A real @kubernetes/client-node 1.4 informer against the real server: it must see every change,
// and recover from 410 Expired (a watch resumed at a compacted resourceVersion) by relisting,
// which is how client-node's ListWatch handles an ERROR event with code 410.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADD,
  CONNECT,
  CoreV1Api,
  DELETE,
  ERROR,
  KubeConfig,
  ListWatch,
  UPDATE,
  Watch,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1ConfigMap,
  type V1ConfigMapList,
} from '@kubernetes/client-node';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let kc: KubeConfig;
let core: CoreV1Api;

before(async () => {
  // Compaction every second: history older than about two seconds goes, so a resumed watch
  // meets 410 within the test. No watch cache: upstream's would still serve a few seconds of
  // history after etcd compacts it; without one, watches read etcd and 410 follows compaction.
  s = await startTestServer(['--etcd-compaction-interval=1s', '--watch-cache=false']);
  kc = new KubeConfig();
  kc.loadFromFile(s.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});
after(async () => {
  await s?.stop();
});

interface StatusObject { kind?: string; status?: string; code?: number; reason?: string; message?: string }
interface Seen { type: 'add' | 'update' | 'delete'; name: string; rv: string }

function nameOf(o: V1ConfigMap): string {
  return o.metadata?.name ?? '';
}
function rvOf(o: V1ConfigMap): string {
  return o.metadata?.resourceVersion ?? '';
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- server log tail ---\n${s.logs().slice(-3000)}`);
}

function configMap(name: string, v: string): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } };
}

/** name -> resourceVersion and data, sorted by name, for comparing a cache with a list. */
function stateOf(items: readonly V1ConfigMap[]): [string, string, string][] {
  return items.map(o => [nameOf(o), rvOf(o), JSON.stringify(o.data ?? {})] as [string, string, string]).sort((a, b) => a[0].localeCompare(b[0]));
}

async function cacheMatchesServer(cache: ObjectCache<V1ConfigMap>, ns: string): Promise<boolean> {
  const fresh = await core.listNamespacedConfigMap({ namespace: ns });
  return JSON.stringify(stateOf(cache.list(ns))) === JSON.stringify(stateOf(fresh.items));
}

interface Recorder { seen: Seen[]; errors: unknown[]; connects: number }

function record(inf: Informer<V1ConfigMap>): Recorder {
  const rec: Recorder = { seen: [], errors: [], connects: 0 };
  inf.on(ADD, o => rec.seen.push({ type: 'add', name: nameOf(o), rv: rvOf(o) }));
  inf.on(UPDATE, o => rec.seen.push({ type: 'update', name: nameOf(o), rv: rvOf(o) }));
  inf.on(DELETE, o => rec.seen.push({ type: 'delete', name: nameOf(o), rv: rvOf(o) }));
  inf.on(ERROR, e => rec.errors.push(e));
  inf.on(CONNECT, () => { rec.connects++; });
  return rec;
}

function namesOf(seen: Seen[], type: Seen['type']): string[] {
  return seen.filter(e => e.type === type).map(e => e.name).sort();
}

async function createNamespace(name: string): Promise<void> {
  await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/**
 * Waits until a watch of `path` from `rv` is refused with 410, i.e. the compactor has passed rv.
 * Accepts either form of refusal here; the 'ERROR event' test pins the upstream one.
 */
async function waitCompacted(path: string, rv: string): Promise<void> {
  await waitFor(`resourceVersion ${rv} to be compacted`, async () => {
    const r = await s.http('GET', `${path}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    if (r.status === 410) return true;
    return r.body.split('\n').some(line => {
      if (!line.trim()) return false;
      const ev = JSON.parse(line) as { type: string; object: StatusObject };
      return ev.type === 'ERROR' && ev.object.code === 410;
    });
  }, 20_000);
}

const names = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}-${String(from + i).padStart(2, '0')}`);

/**
 * client-node's Watch, with a switch to hold the informer's next (re)connect: the informer is then
 * disconnected and keeps the resourceVersion it last saw, as after a network partition. While
 * `timeoutSeconds` is set, the server ends each watch after that long, so the informer reconnects
 * (and reaches the gate) promptly.
 */
class PausableWatch extends Watch {
  timeoutSeconds: number | undefined = 1;
  /** resourceVersion of the connect being held, once one is. */
  heldAt: string | undefined;
  readonly errorEvents: StatusObject[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  pause(): void {
    this.gate = new Promise(r => { this.open = r; });
  }

  resume(): void {
    this.gate = undefined;
    this.open?.();
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.gate) {
      this.heldAt = String(queryParams.resourceVersion ?? '');
      await this.gate;
    }
    const params = this.timeoutSeconds === undefined ? queryParams : { ...queryParams, timeoutSeconds: this.timeoutSeconds };
    return super.watch(path, params, (phase, obj, w) => {
      if (phase === 'ERROR') this.errorEvents.push(obj as StatusObject);
      callback(phase, obj, w);
    }, done);
  }
}

describe('client-node informer', () => {
  it('sees every add, update and delete in order, and its cache ends equal to a fresh list', { timeout: 60_000 }, async () => {
    const ns = 'informer-changes';
    await createNamespace(ns);
    const inf = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
    const rec = record(inf);
    await inf.start();
    try {
      const all = names('cm', 20);
      const toUpdate = all.slice(0, 8);
      const toDelete = all.slice(15);
      await Promise.all(all.map(n => core.createNamespacedConfigMap({ namespace: ns, body: configMap(n, 'v0') })));
      const updated = await Promise.all(toUpdate.map(n => core.replaceNamespacedConfigMap({ name: n, namespace: ns, body: configMap(n, 'v1') })));
      await Promise.all(toDelete.map(n => core.deleteNamespacedConfigMap({ name: n, namespace: ns })));

      await waitFor('the informer cache to equal a fresh list', () => cacheMatchesServer(inf, ns));
      assert.equal(inf.list(ns).length, all.length - toDelete.length);
      assert.deepEqual(namesOf(rec.seen, 'add'), all);
      assert.deepEqual(namesOf(rec.seen, 'update'), toUpdate);
      assert.deepEqual(namesOf(rec.seen, 'delete'), toDelete);
      for (const u of updated) {
        const ev = rec.seen.find(e => e.type === 'update' && e.name === nameOf(u));
        assert.equal(ev?.rv, rvOf(u), `update event of ${nameOf(u)} carries the resourceVersion the PUT returned`);
        assert.deepEqual(inf.get(nameOf(u), ns)?.data, { v: 'v1' });
      }
      // One watch stream delivers events in resourceVersion order.
      const rvs = rec.seen.map(e => BigInt(e.rv));
      for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `event ${i} rv ${rvs[i]} after ${rvs[i - 1]}`);
      assert.deepEqual(rec.errors, []);
      assert.equal(rec.connects, 1, 'the watch stayed connected');
    } finally {
      await inf.stop();
    }
  });

  it('a watch from a compacted resourceVersion gets one ERROR event (410 Expired), then the stream ends', { timeout: 60_000 }, async () => {
    const ns = 'informer-expired';
    await createNamespace(ns);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: configMap('first', 'v0') });
    const oldRv = rvOf(first);
    // History after oldRv, so the compactor moves past it.
    for (let i = 1; i <= 5; i++) await core.replaceNamespacedConfigMap({ name: 'first', namespace: ns, body: configMap('first', `v${i}`) });
    await waitCompacted(path, oldRv);

    const events: { type: string; object: StatusObject }[] = [];
    let watchDone: (err: unknown) => void = () => {};
    const ended = new Promise<unknown>(r => { watchDone = r; });
    const started = Date.now();
    await new Watch(kc).watch(path, { resourceVersion: oldRv }, (type, obj) => events.push({ type, object: obj as StatusObject }), watchDone);
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('the server kept the watch open after the 410 ERROR event')), 10_000).unref());
    const err = await Promise.race([ended, timeout]);

    assert.equal(err, null, `the watch is a 200 stream that ends cleanly, got ${String(err)}`);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(events.length, 1, JSON.stringify(events));
    const ev = events[0]!;
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.kind, 'Status');
    assert.equal(ev.object.status, 'Failure');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    assert.ok(ev.object.message, 'the Status has a message');
  });

  it('an informer that missed changes past a compaction relists on 410 and ends consistent', { timeout: 90_000 }, async () => {
    const ns = 'informer-relist';
    await createNamespace(ns);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const initial = names('c', 10);
    await Promise.all(initial.map(n => core.createNamespacedConfigMap({ namespace: ns, body: configMap(n, 'v0') })));

    let lists = 0;
    const listFn = async (): Promise<V1ConfigMapList> => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: ns });
    };
    const pw = new PausableWatch(kc);
    // What makeInformer builds, with the pausable Watch in place of a plain one.
    const lw = new ListWatch<V1ConfigMap>(path, pw, listFn, false);
    const rec = record(lw);
    await lw.start();
    try {
      await waitFor('the initial list', () => cacheMatchesServer(lw, ns));
      assert.deepEqual(namesOf(rec.seen, 'add'), initial);

      // Disconnect: hold the informer's next reconnect (the server ends each watch after 1 s).
      pw.pause();
      await waitFor('the informer to reconnect into the gate', () => pw.heldAt !== undefined, 10_000);
      const staleRv = pw.heldAt!;
      assert.match(staleRv, /^\d+$/);

      // Changes the informer does not see while it is away.
      const added = names('c', 5, 10);
      const updated = initial.slice(0, 3);
      const deleted = initial.slice(7);
      await Promise.all(added.map(n => core.createNamespacedConfigMap({ namespace: ns, body: configMap(n, 'v0') })));
      await Promise.all(updated.map(n => core.replaceNamespacedConfigMap({ name: n, namespace: ns, body: configMap(n, 'v1') })));
      await Promise.all(deleted.map(n => core.deleteNamespacedConfigMap({ name: n, namespace: ns })));
      await waitCompacted(path, staleRv);

      const seenBefore = rec.seen.length;
      const listsBefore = lists;
      const errorEventsBefore = pw.errorEvents.length;
      // Reconnect at the stale resourceVersion, with no server-side timeout now: only the server
      // ending the stream after the ERROR event lets the informer go on to relist.
      pw.timeoutSeconds = undefined;
      pw.resume();

      await waitFor('the informer to relist and equal a fresh list', () => cacheMatchesServer(lw, ns), 20_000);
      const expired = pw.errorEvents.slice(errorEventsBefore);
      assert.ok(expired.some(e => e.code === 410 && e.reason === 'Expired'), `a 410 Expired ERROR event reached the informer: ${JSON.stringify(expired)}`);
      assert.ok(lists > listsBefore, 'the informer listed again');

      // The relist tells the handlers exactly what changed while away, and nothing else.
      const gap = rec.seen.slice(seenBefore);
      assert.deepEqual(namesOf(gap, 'add'), added);
      assert.deepEqual(namesOf(gap, 'update'), updated);
      assert.deepEqual(namesOf(gap, 'delete'), deleted);
      assert.deepEqual(rec.errors, [], 'the 410 is handled inside the informer, not reported as an error');

      // And the watch it started after relisting is live.
      const late = await core.createNamespacedConfigMap({ namespace: ns, body: configMap('late', 'v0') });
      await waitFor('the informer to see an object created after the recovery', () => rvOf(lw.get('late', ns) ?? {}) === rvOf(late), 10_000);
      await core.deleteNamespacedConfigMap({ name: 'c-03', namespace: ns });
      await waitFor('the informer to see a delete after the recovery', () => lw.get('c-03', ns) === undefined, 10_000);
      assert.ok(await cacheMatchesServer(lw, ns));
    } finally {
      pw.resume();
      await lw.stop();
    }
  });
});

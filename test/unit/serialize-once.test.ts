// Serialize once: the watch cache's shared objects (src/storage/shared.ts), the store's served
// forms of them, and the response writers' cached bytes, which must equal what encoding a private
// copy gives, byte for byte, in every format and view.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { builtinCatalog } from '../../src/api/catalog.js';
import { noneConverter, type Converter } from '../../src/apiextensions/conversion.js';
import { customResourceInfos } from '../../src/apiextensions/custom-type.js';
import type { CustomResourceDefinition } from '../../src/apiextensions/types.js';
import { encodeProtobufObject, encodeProtobufWatchEvent } from '../../src/api/protobuf/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';
import { encodeBody, watchFrame } from '../../src/endpoints/encoded.js';
import type { Negotiated } from '../../src/endpoints/negotiate.js';
import { writeList, writeObject } from '../../src/endpoints/respond.js';
import type { Admission } from '../../src/registry/admission.js';
import { Store } from '../../src/registry/store.js';
import { Cacher } from '../../src/storage/cacher/index.js';
import type { WatchEvent, Watcher } from '../../src/storage/interface.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';
import { isShared, jsonOf, memo, share } from '../../src/storage/shared.js';

const catalog = builtinCatalog();
const configMaps = catalog.lookup('', 'v1', 'configmaps')!;
const eventsV1 = catalog.lookup('events.k8s.io', 'v1', 'events')!;
const allow: Admission = { admit: async () => {}, validate: async () => {}, delete: async () => {} };

/** A Response that records what is written. */
function recorder(): { res: Response; body: () => Buffer; type: () => string } {
  const chunks: Buffer[] = [];
  let type = '';
  const res = {
    destroyed: false,
    status() { return res; },
    setHeader(name: string, value: string) { if (name === 'Content-Type') type = value; return res; },
    write(c: string | Buffer) { chunks.push(Buffer.from(c)); return true; },
    end(c?: string | Buffer) { if (c !== undefined) chunks.push(Buffer.from(c)); return res; },
  };
  return { res: res as unknown as Response, body: () => Buffer.concat(chunks), type: () => type };
}

const negs: Record<string, Negotiated> = {
  json: { format: 'json', view: 'object', contentType: 'application/json' },
  yaml: { format: 'yaml', view: 'object', contentType: 'application/yaml' },
  protobuf: { format: 'protobuf', view: 'object', contentType: 'application/vnd.kubernetes.protobuf' },
  table: { format: 'json', view: 'Table', contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  pom: { format: 'json', view: 'PartialObjectMetadata', contentType: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io' },
  pomList: { format: 'protobuf', view: 'PartialObjectMetadataList', contentType: 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' },
};

function cm(name: string, rv: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: '2020-01-01T00:00:00Z', labels: { app: name } },
    data: { payload: 'x'.repeat(64), unicode: 'é\u2028' },
  };
}

function written(neg: Negotiated, write: (res: Response, neg: Negotiated) => void): Buffer {
  const r = recorder();
  write(r.res, neg);
  return r.body();
}

describe('shared objects', () => {
  it('are frozen all the way down, and only they remember derived forms', () => {
    const o = share(cm('a', '1'));
    assert.ok(isShared(o) && Object.isFrozen(o.metadata.labels));
    assert.throws(() => { (o.data as Record<string, string>)['payload'] = 'changed'; }, TypeError);
    let builds = 0;
    memo(o, 'k', () => ++builds);
    assert.equal(memo(o, 'k', () => ++builds), 1);
    const plain = cm('b', '1');
    memo(plain, 'k', () => ++builds);
    memo(plain, 'k', () => ++builds);
    assert.equal(builds, 3);
    assert.equal(jsonOf(o).toString(), JSON.stringify(cm('a', '1')));
    assert.equal(jsonOf(o), jsonOf(o), 'built once');
  });
});

describe('cached bytes equal a fresh encoding', () => {
  for (const [name, neg] of Object.entries(negs)) {
    it(`get and list in ${name}`, () => {
      const fresh = [cm('a', '7'), cm('b', '8')];
      const shared = [share(cm('a', '7')), share(cm('b', '8'))];
      const view = { includeObject: 'Metadata' as const };
      const one = (items: KubeObject[]) => written(neg, (res, n) => writeObject(res, n, configMaps, 200, items[0]!, view));
      const list = (items: KubeObject[]) => written(neg, (res, n) => writeList(res, n, configMaps, items, '9', 'tok', 3, view));
      // The second write of a shared object comes from its cache.
      // A metadata view has one shape: PartialObjectMetadata of an object, the List of a list.
      for (let i = 0; i < 2; i++) {
        if (neg.view !== 'PartialObjectMetadataList') assert.deepEqual(one(shared), one(fresh));
        if (neg.view !== 'PartialObjectMetadata') assert.deepEqual(list(shared), list(fresh));
      }
    });
  }

  it('is what encoding directly gives (the writers before the cache)', () => {
    const obj = share(cm('a', '7'));
    assert.equal(written(negs.json!, (res, n) => writeObject(res, n, configMaps, 200, obj, { includeObject: 'None' })).toString(), JSON.stringify(cm('a', '7')));
    assert.equal(encodeBody('yaml', obj), toYaml(cm('a', '7')));
    assert.deepEqual(encodeBody('protobuf', obj), encodeProtobufObject(cm('a', '7')));
    const items = [share(cm('a', '7')), share(cm('b', '8'))];
    const listJson = written(negs.json!, (res, n) => writeList(res, n, configMaps, items, '9', undefined, undefined, { includeObject: 'None' }));
    assert.equal(listJson.toString(), JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [cm('a', '7'), cm('b', '8')] }));
  });

  it('watch frames in JSON, YAML and protobuf', () => {
    for (const type of ['ADDED', 'MODIFIED', 'DELETED'] as const) {
      const obj = share(cm('a', '7'));
      const ev = { type, object: cm('a', '7') };
      for (let i = 0; i < 2; i++) {
        assert.equal(watchFrame('json', type, obj).toString(), `${JSON.stringify(ev)}\n`);
        assert.deepEqual(watchFrame('protobuf', type, obj), encodeProtobufWatchEvent(type, cm('a', '7')));
      }
    }
  });

  it('a large list is written in chunks, not one string and not one write per item', () => {
    const items = Array.from({ length: 500 }, (_, i) => share(cm(`n${i}`, String(i + 1))));
    const r = recorder();
    let writes = 0;
    const write = r.res.write.bind(r.res);
    r.res.write = ((c: string) => { writes += 1; return write(c); }) as Response['write'];
    writeList(r.res, negs.json!, configMaps, items, '600', undefined, undefined, { includeObject: 'None' });
    assert.equal(JSON.parse(r.body().toString()).items.length, 500);
    assert.ok(writes > 1 && writes < 50, `${writes} writes`);
  });
});

describe('the store over the watch cache', () => {
  const open: Cacher[] = [];
  afterEach(async () => { await Promise.all(open.splice(0).map(c => c.close())); });

  async function storeOf(info: ResourceInfo, inner = new MemoryStorage()): Promise<Store> {
    const cacher = new Cacher(inner, { roots: [`/registry/${info.etcdPath}/`], freshnessTimeoutMs: 1000, readyTimeoutMs: 1000 });
    open.push(cacher);
    assert.ok(await cacher.cacheFor(`/registry/${info.etcdPath}/`)!.waitReady(2000));
    return new Store(info, cacher, '/registry', allow);
  }

  /** A CRD's v2 (served), stored as v1; the converter counts the objects it is given. */
  function widgets(strategy: 'None' | 'Webhook'): { v2: ResourceInfo; converted: () => number } {
    let count = 0;
    const converter: Converter = async (objs, apiVersion) => {
      count += objs.length;
      return noneConverter(objs, apiVersion);
    };
    const crd: CustomResourceDefinition = {
      metadata: { name: 'widgets.example.com', uid: 'uid-w' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true }, { name: 'v2', served: true, storage: false }],
        conversion: { strategy },
      },
      status: { conditions: [{ type: 'Established', status: 'True' }], acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' } },
    };
    const v2 = customResourceInfos(crd, { converter }, 'v1').find(i => i.version === 'v2')!;
    return { v2, converted: () => count };
  }

  for (const strategy of ['None', 'Webhook'] as const) {
    it(`a custom resource's conversion (${strategy}) is ${strategy === 'None' ? 'remembered per revision' : 'asked on every read, as upstream'}`, async () => {
      const { v2, converted } = widgets(strategy);
      const store = await storeOf(v2);
      await store.create('ns', { apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'w' } }, { dryRun: false });
      const before = converted();
      const a = await store.get('ns', 'w', { shared: true });
      const b = (await store.list('ns', {}, { shared: true })).items[0]!;
      assert.equal(a.apiVersion, 'example.com/v2');
      assert.equal(jsonOf(a).toString(), jsonOf(b).toString());
      assert.equal(jsonOf(a).toString(), JSON.stringify(await store.get('ns', 'w')));
      if (strategy === 'None') {
        assert.equal(a, b);
        assert.equal(converted() - before, 2, 'once for the shared reads, once for the plain one');
      } else {
        assert.notEqual(a, b);
        assert.equal(converted() - before, 3);
      }
    });
  }

  it('a shared consistent read sees a write made behind the cache\'s back', async () => {
    const inner = new MemoryStorage();
    const store = await storeOf(configMaps, inner);
    await store.create('ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: '1' } }, { dryRun: false });
    assert.deepEqual((await store.get('ns', 'a', { shared: true })).data, { k: '1' });
    // Another server instance writing to the same storage: this one's cache hears of it by its watch.
    const other = new Store(configMaps, inner, '/registry', allow);
    await other.update('ns', 'a', '', cur => ({ ...cur!, data: { k: '2' } }), { dryRun: false });
    assert.deepEqual((await store.get('ns', 'a', { shared: true })).data, { k: '2' });
    assert.deepEqual((await store.list('ns', {}, { shared: true })).items.map(o => o.data), [{ k: '2' }]);
  });

  it('shared reads return one frozen served object per revision; plain reads stay private copies', async () => {
    const store = await storeOf(configMaps);
    await store.create('ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { app: 'a' } }, data: { k: 'v' } }, { dryRun: false });
    const g1 = await store.get('ns', 'a', { shared: true });
    const g2 = await store.get('ns', 'a', { shared: true });
    assert.equal(g1, g2);
    assert.ok(Object.isFrozen(g1));
    const [l1] = (await store.list('ns', { labelSelector: 'app=a' }, { shared: true })).items;
    assert.equal(l1, g1);
    const plain = await store.get('ns', 'a');
    assert.notEqual(plain, g1);
    assert.equal(JSON.stringify(plain), jsonOf(g1).toString());
    plain.metadata.name = 'mutated';
    (await store.list('ns', {})).items[0]!.data = {};
    assert.equal(jsonOf(await store.get('ns', 'a', { shared: true })), jsonOf(g1), 'the same cached bytes');

    await store.update('ns', 'a', '', cur => ({ ...cur!, data: { k: 'w' } }), { dryRun: false });
    const g3 = await store.get('ns', 'a', { shared: true });
    assert.notEqual(g3, g1);
    assert.deepEqual(g3.data, { k: 'w' });
  });

  it('a version served by conversion is converted once per revision', async () => {
    const store = await storeOf(eventsV1);
    const created = await store.create('ns', {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' },
      eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'c', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
    }, { dryRun: false });
    const a = await store.get('ns', 'e', { shared: true });
    assert.equal(await store.get('ns', 'e', { shared: true }), a);
    assert.equal(a.apiVersion, 'events.k8s.io/v1');
    assert.equal(jsonOf(a).toString(), JSON.stringify(await store.get('ns', 'e')));
    assert.equal(a.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it('shared watchers get the same event objects; plain watchers get copies with the same content', async () => {
    const store = await storeOf(configMaps);
    const w1 = store.watch('ns', { resourceVersion: '0' }, { shared: true });
    const w2 = store.watch('ns', { resourceVersion: '0' }, { shared: true });
    const w3 = store.watch('ns', { resourceVersion: '0' });
    const next = (w: Watcher) => w[Symbol.asyncIterator]().next().then(r => r.value as WatchEvent);
    const pending = [next(w1), next(w2), next(w3)];
    await store.create('ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, { dryRun: false });
    const [e1, e2, e3] = await Promise.all(pending);
    for (const w of [w1, w2, w3]) w.stop();
    assert.equal(e1!.type, 'ADDED');
    assert.equal(e1!.object, e2!.object);
    assert.ok(Object.isFrozen(e1!.object));
    assert.notEqual(e3!.object, e1!.object);
    assert.ok(!Object.isFrozen(e3!.object));
    assert.equal(watchFrame('json', 'ADDED', e1!.object).toString(), `${JSON.stringify(e3)}\n`);
  });
});

// Streaming lists (KEP-3157, on by default in 1.32): a watch with sendInitialEvents=true and
// resourceVersionMatch=NotOlderThan, as client-go's reflector sends it, in JSON and protobuf,
// against the real server and its watch cache; and upstream's validation of those options.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtobufWatchEvent, protobufMediaType } from '../../src/api/protobuf/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const json = { 'Content-Type': 'application/json' };
const NS = '/api/v1/namespaces/default/configmaps';
const WATCH_LIST = 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';

interface Ev { type: string; object: { kind?: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } } }

before(async () => {
  s = await startTestServer([]);
  for (const name of ['wl-a', 'wl-b', 'wl-c']) {
    const r = await s.http('POST', NS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { wl: 'yes' } } }), headers: json });
    assert.equal(r.status, 201, r.body);
  }
});
after(async () => {
  await s?.stop();
});

/** Splits a protobuf watch body into its length-prefixed frames. */
function frames(body: Buffer): Ev[] {
  const out: Ev[] = [];
  for (let at = 0; at < body.length;) {
    const len = body.readUInt32BE(at);
    out.push(decodeProtobufWatchEvent(body.subarray(at, at + 4 + len)) as unknown as Ev);
    at += 4 + len;
  }
  return out;
}

/** Runs a short watch while `during` writes, and returns its events. */
async function watchWhile(query: string, accept: string, during: () => Promise<void>): Promise<Ev[]> {
  const watch = s.http('GET', `${NS}?${query}&labelSelector=wl%3Dyes&timeoutSeconds=2`, { headers: { Accept: accept } });
  await new Promise(r => setTimeout(r, 500));
  await during();
  const r = await watch;
  assert.equal(r.status, 200, r.body);
  if (accept.startsWith(protobufMediaType)) return frames(r.bytes!);
  return r.body.split('\n').filter(Boolean).map(l => JSON.parse(l) as Ev);
}

function assertWatchList(events: Ev[], listRV: bigint, liveName: string): void {
  const end = events.findIndex(e => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
  assert.ok(end >= 0, `no initial-events-end bookmark in ${JSON.stringify(events.map(e => e.type))}`);
  const initial = events.slice(0, end);
  assert.ok(initial.every(e => e.type === 'ADDED'));
  assert.deepEqual(initial.map(e => e.object.metadata.name).sort(), ['wl-a', 'wl-b', 'wl-c']);
  const bookmark = events[end]!;
  assert.equal(bookmark.object.kind, 'ConfigMap');
  assert.ok(BigInt(bookmark.object.metadata.resourceVersion!) >= listRV, 'the state is no older than a list made before the watch');
  const live = events.slice(end + 1).filter(e => e.type !== 'BOOKMARK');
  assert.deepEqual(live.map(e => [e.type, e.object.metadata.name]), [['ADDED', liveName]]);
}

async function currentListRV(): Promise<bigint> {
  return BigInt((await s.http('GET', NS)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
}

const create = (name: string) => async () => {
  const r = await s.http('POST', NS, { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { wl: 'yes' } } }), headers: json });
  assert.equal(r.status, 201, r.body);
};
const remove = (name: string) => s.http('DELETE', `${NS}/${name}`);

describe('watch-list (sendInitialEvents)', () => {
  it('JSON: the current objects, the initial-events-end bookmark, then live events', async () => {
    const rv = await currentListRV();
    assertWatchList(await watchWhile(WATCH_LIST, 'application/json', create('wl-live-json')), rv, 'wl-live-json');
    await remove('wl-live-json');
  });

  it('protobuf, as client-go asks for it; a resourceVersion to be no older than works too', async () => {
    const rv = await currentListRV();
    const events = await watchWhile(`${WATCH_LIST}&resourceVersion=${rv}`, `${protobufMediaType}, application/json`, create('wl-live-pb'));
    assertWatchList(events, rv, 'wl-live-pb');
    await remove('wl-live-pb');
  });

  it('sendInitialEvents=false starts from the revision without the current objects', async () => {
    const rv = await currentListRV();
    const events = await watchWhile(`watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=${rv}`, 'application/json', create('wl-after'));
    assert.deepEqual(events.filter(e => e.type !== 'BOOKMARK').map(e => [e.type, e.object.metadata.name]), [['ADDED', 'wl-after']]);
    await remove('wl-after');
  });

  it('refuses the options upstream refuses, with 422 ListOptions', async () => {
    const cases: [string, string][] = [
      ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
      ['watch=1&sendInitialEvents=true', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
      ['watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
    ];
    for (const [query, message] of cases) {
      const r = await s.http('GET', `${NS}?${query}`);
      assert.equal(r.status, 422, `${query}: ${r.body}`);
      const st = r.json<{ reason: string; message: string; details: { kind: string; group: string } }>();
      assert.equal(st.reason, 'Invalid');
      assert.deepEqual([st.details.kind, st.details.group], ['ListOptions', 'meta.k8s.io']);
      assert.ok(st.message.endsWith(message), `${query}: ${st.message}`);
    }
  });
});

// The embedded backend's fault test, after upstream's etcd crash tests: kill -9 the server under
// write load, restart it on the same database, and check that every acknowledged write is there
// and that a watch resumed from its last resourceVersion sees every acknowledged write after it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startApiServer, type ApiServer } from '../../src/testing/start-test-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sqlite-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function call(api: ApiServer, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: api.port, path, method, servername: 'localhost', ...api.admin,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
    }, res => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface SeenEvent { type: string; name: string; rv: string }

/** Streams watch events into `seen` until the connection ends (the server dying ends it). */
function watch(api: ApiServer, resourceVersion: string, seen: SeenEvent[]): Promise<void> {
  return new Promise(resolve => {
    const req = request({
      host: '127.0.0.1', port: api.port, servername: 'localhost', ...api.admin,
      path: `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${resourceVersion}`,
    }, res => {
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() === '') continue;
          const e = JSON.parse(line) as { type: string; object: { metadata: { name: string; resourceVersion: string } } };
          seen.push({ type: e.type, name: e.object.metadata.name, rv: e.object.metadata.resourceVersion });
        }
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: name } });

describe('sqlite backend: kill -9 under load', () => {
  it('loses no acknowledged write and a watch resumes from its last resourceVersion', async () => {
    const port = await freePort();
    let api = await startApiServer({ port, dataDir });
    const list = await call(api, 'GET', '/api/v1/namespaces/default/configmaps');
    const startRv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const seen: SeenEvent[] = [];
    const firstWatch = watch(api, startRv, seen);

    const acked: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `crash-${n++}`;
        try {
          const r = await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm(name));
          if (r.status === 201) acked.push(name);
        } catch {
          // the connection died with the server: not acknowledged
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    await new Promise(r => setTimeout(r, 1500));
    api.signal('SIGKILL');
    assert.equal(await api.exited(), null, 'killed by the signal');
    stop = true;
    await Promise.all(writers);
    await firstWatch;
    assert.ok(acked.length > 20, `only ${acked.length} writes acknowledged before the kill`);

    api = await startApiServer({ port, dataDir });
    try {
      const after = JSON.parse((await call(api, 'GET', '/api/v1/namespaces/default/configmaps')).body) as { items: { metadata: { name: string } }[] };
      const stored = new Set(after.items.map(i => i.metadata.name));
      const lost = acked.filter(name => !stored.has(name));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes lost`);

      // Resume from the last event the first watch delivered, as a reflector does.
      const lastRv = seen.length > 0 ? seen[seen.length - 1]!.rv : startRv;
      const resumed: SeenEvent[] = [];
      const secondWatch = watch(api, lastRv, resumed);
      const deadline = Date.now() + 10_000;
      const watched = () => new Set([...seen, ...resumed].filter(e => e.type === 'ADDED').map(e => e.name));
      while (acked.some(name => !watched().has(name)) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
      const missed = acked.filter(name => !watched().has(name));
      assert.deepEqual(missed, [], 'every acknowledged create reached the watch, before the crash or after resuming');
      assert.ok(resumed.every(e => BigInt(e.rv) > BigInt(lastRv)), 'the resumed watch starts after its resourceVersion');
      api.signal('SIGTERM');
      await secondWatch;
    } finally {
      await api.stop();
    }
  });
});

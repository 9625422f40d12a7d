// Lifecycle under stress: etcd dying during writes, and graceful shutdown under load.
// needs etcd: kills and restarts etcd during writes
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';

const json = { 'Content-Type': 'application/json' };
const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: name } });

describe('lifecycle', () => {
  it('etcd killed and restarted during writes: 503/504 Status answers, no acknowledged write lost', async () => {
    const s = await startTestServer([], { storage: 'etcd3' });
    try {
      const acked: string[] = [];
      const failures: number[] = [];
      let i = 0;
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const name = `w-${i++}`;
          try {
            const r = await s.http('POST', '/api/v1/namespaces/default/configmaps', { body: cm(name), headers: json });
            if (r.status === 201) acked.push(name);
            else {
              failures.push(r.status);
              assert.equal(JSON.parse(r.body).kind, 'Status', r.body);
            }
          } catch {
            failures.push(0);
          }
        }
      };
      const writers = [writer(), writer(), writer(), writer()];
      await new Promise(r => setTimeout(r, 1000));
      s.etcd.kill();
      await new Promise(r => setTimeout(r, 4000));
      await s.etcd.restart();
      await new Promise(r => setTimeout(r, 3000));
      stop = true;
      await Promise.all(writers);
      assert.ok(acked.length > 0);
      assert.ok(failures.length > 0, 'writes failed while etcd was down');
      for (const code of failures) assert.ok(code === 503 || code === 504, `unexpected status ${code}: ${failures.join(',')}`);
      // Every acknowledged write is in etcd.
      const list = (await s.http('GET', '/api/v1/namespaces/default/configmaps')).json<{ items: { metadata: { name: string } }[] }>();
      const stored = new Set(list.items.map(x => x.metadata.name));
      for (const name of acked) assert.ok(stored.has(name), `acknowledged ${name} is missing`);
    } finally {
      await s.stop();
    }
  });

  it('SIGTERM under load: readyz fails first and in-flight and following requests succeed until exit', async () => {
    const s = await startTestServer(['--shutdown-delay-duration=3s']);
    let readyFailed = false;
    const errorsSeen: string[] = [];
    let done = false;
    // A readiness-aware client: it keeps working until /readyz says the server is going away.
    const client = async () => {
      while (!done && !readyFailed) {
        try {
          const r = await s.http('GET', '/api/v1/namespaces/default/configmaps?limit=5');
          if (r.status !== 200) errorsSeen.push(`${r.status}`);
        } catch (e) {
          errorsSeen.push(String(e));
        }
      }
    };
    const prober = async () => {
      while (!done) {
        try {
          const r = await s.http('GET', '/readyz');
          if (r.status !== 200) { readyFailed = true; return; }
        } catch {
          readyFailed = true;
          return;
        }
        await new Promise(r => setTimeout(r, 100));
      }
    };
    const tasks = [client(), client(), client(), prober()];
    await new Promise(r => setTimeout(r, 1000));
    s.signal('SIGTERM');
    const code = await s.exited();
    done = true;
    await Promise.all(tasks);
    assert.equal(code, 0);
    assert.ok(readyFailed, '/readyz failed before the process went away');
    assert.deepEqual(errorsSeen, []);
    await s.stop();
  });
});

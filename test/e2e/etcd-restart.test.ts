// Watches survive an etcd restart under write load: `kubectl get -w` and a client-node informer
// open across the outage see every acknowledged write and stay in sync. Upstream's etcd3 watcher
// (clientv3) resumes its etcd watches from the last revision seen, so the watch cache and its
// client watches keep flowing; this server's WatchMux does the same.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ADD, CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap, type V1ConfigMapList } from '@kubernetes/client-node';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => {
  s = await startTestServer();
  await s.kubectlOk(['create', 'namespace', 'restart']);
});
after(async () => {
  await s?.stop();
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await sleep(100);
  assert.ok(cond(), `timed out waiting for ${what}\n--- server log tail ---\n${s.logs().slice(-3000)}`);
}

describe('etcd restart', () => {
  it('every acknowledged write reaches watches open across the restart; informers stay in sync', async () => {
    const kubectl = spawn('kubectl', [`--kubeconfig=${s.kubeconfig}`, 'get', 'configmaps', '-n', 'restart', '-w', '-o', 'name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    let kubectlExited = false;
    kubectl.stdout.on('data', (c: Buffer) => { watched += c.toString(); });
    kubectl.on('exit', () => { kubectlExited = true; });

    const kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/restart/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'restart' }) as Promise<V1ConfigMapList>);
    const informed = new Set<string>();
    informer.on(ADD, o => informed.add(o.metadata?.name ?? ''));
    await informer.start();
    await sleep(1000);

    const acked: string[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `w-${n++}`;
        const r = await s.http('POST', '/api/v1/namespaces/restart/configmaps', {
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }), headers: { 'Content-Type': 'application/json' },
        }).catch(() => undefined);
        if (r?.status === 201) acked.push(name);
        else await sleep(100);
      }
    };
    const writers = [writer(), writer(), writer()];
    try {
      await sleep(1000);
      s.etcd.kill();
      await sleep(4000);
      await s.etcd.restart();
      await sleep(4000);
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    assert.ok(acked.length > 0, 'some writes were acknowledged');
    const last = acked[acked.length - 1]!;
    assert.ok(Number(last.slice(2)) > 0);
    try {
      await waitFor('kubectl -w to show every acknowledged write', () => acked.every(name => watched.includes(`configmap/${name}\n`)), 20_000);
      assert.equal(kubectlExited, false, 'kubectl get -w is still watching');
      await waitFor('the informer to hold every acknowledged write', () => acked.every(name => informed.has(name)), 20_000);
      const listed = (await core.listNamespacedConfigMap({ namespace: 'restart' })).items.map(o => o.metadata?.name ?? '');
      const cached = informer.list('restart').map(o => o.metadata?.name ?? '');
      assert.deepEqual([...cached].sort(), [...listed].sort(), 'the informer cache matches a fresh list');
    } finally {
      kubectl.kill();
      await informer.stop();
    }
  });
});

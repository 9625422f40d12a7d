// --worker-processes=2 end to end: kubectl CRUD, read-after-write and watches across the two
// workers, CRDs served by both, a killed worker restarted, and SIGTERM draining both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { issueCert } from '../../src/server/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { pinnedToEach, type Pinned } from '../helpers/workers.js';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
/** The serving certificate's CN on a new connection (so on the next worker in turn). */
function servedCN(port: number): Promise<string | undefined> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(typeof cn === 'string' ? cn : undefined);
    });
    socket.on('error', () => resolve(undefined));
  });
}

const cm = (name: string, v = name) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('two worker processes', () => {
  let s: TestServer;
  let a: Pinned;
  let b: Pinned;
  const dir = mkdtempSync(join(tmpdir(), 'kas-workers-'));
  const servingCert = join(dir, 'serving.crt');
  const servingKey = join(dir, 'serving.key');

  before(async () => {
    s = await startTestServer(['--worker-processes=2', '--shutdown-delay-duration=3s'], {
      // Copies the workers may watch, replacing the helper's pair (the last flag wins).
      pkiFlags: pki => {
        copyFileSync(pki.apiserverCert, servingCert);
        copyFileSync(pki.apiserverKey, servingKey);
        return [`--tls-cert-file=${servingCert}`, `--tls-private-key-file=${servingKey}`];
      },
    });
    [a, b] = await pinnedToEach(s, 2) as [Pinned, Pinned];
  });
  after(async () => {
    a?.api.close();
    b?.api.close();
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs two workers, each with its own identity lease', async () => {
    assert.notEqual(a.worker, b.worker);
    assert.equal(s.logs().match(/"Started worker process"/g)?.length, 2, s.logs().slice(-3000));
    await until('two identity leases', async () => {
      const r = await a.api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?labelSelector=apiserver.kubernetes.io%2Fidentity%3Dkube-apiserver');
      return r.status === 200 && (JSON.parse(r.body.toString('utf8')) as { items: unknown[] }).items.length === 2;
    });
  });

  it('a write through one worker is read at once through the other', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    for (let i = 0; i < 20; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      const created = JSON.parse((await writer.api.expect(201, 'POST', path, cm(`raw-${i}`))).toString('utf8')) as { metadata: { resourceVersion: string } };
      const got = JSON.parse((await reader.api.expect(200, 'GET', `${path}/raw-${i}`)).toString('utf8')) as { metadata: { resourceVersion: string } };
      assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
      const list = JSON.parse((await reader.api.expect(200, 'GET', path)).toString('utf8')) as { items: { metadata: { name: string } }[] };
      assert.ok(list.items.some(o => o.metadata.name === `raw-${i}`), `raw-${i} missing from the other worker's list`);
      const updated = JSON.parse((await reader.api.expect(200, 'PUT', `${path}/raw-${i}`, JSON.stringify({ ...JSON.parse(cm(`raw-${i}`, 'new')), metadata: { name: `raw-${i}`, resourceVersion: got.metadata.resourceVersion } }))).toString('utf8')) as { metadata: { resourceVersion: string } };
      const again = JSON.parse((await writer.api.expect(200, 'GET', `${path}/raw-${i}`)).toString('utf8')) as { metadata: { resourceVersion: string }; data: { v: string } };
      assert.equal(again.metadata.resourceVersion, updated.metadata.resourceVersion);
      assert.equal(again.data.v, 'new');
    }
  });

  it('kubectl create, get, patch and delete, namespace deletion included', async () => {
    await s.kubectlOk(['create', 'namespace', 'multi']);
    await s.kubectlOk(['-n', 'multi', 'create', 'configmap', 'one', '--from-literal=k=v']);
    assert.equal(await s.kubectlOk(['-n', 'multi', 'get', 'configmap', 'one', '-o', 'jsonpath={.data.k}']), 'v');
    await s.kubectlOk(['-n', 'multi', 'patch', 'configmap', 'one', '-p', '{"data":{"k":"w"}}']);
    for (let i = 0; i < 4; i++) assert.equal(await s.kubectlOk(['-n', 'multi', 'get', 'configmap', 'one', '-o', 'jsonpath={.data.k}']), 'w');
    await s.kubectlOk(['-n', 'multi', 'delete', 'configmap', 'one']);
    const r = await s.kubectl(['-n', 'multi', 'get', 'configmap', 'one']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound|not found/);
    // kubectl waits for the namespace finalizer, which runs in worker 0 only.
    await s.kubectlOk(['delete', 'namespace', 'multi', '--timeout=60s']);
    assert.notEqual((await s.kubectl(['get', 'namespace', 'multi'])).code, 0);
  });

  it('a watch on one worker sees writes made through the other', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const rv = (JSON.parse((await a.api.expect(200, 'GET', path)).toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watched = a.api.request('GET', `${path}?watch=1&resourceVersion=${rv}&timeoutSeconds=4`);
    await sleep(300);
    for (let i = 0; i < 5; i++) await b.api.expect(201, 'POST', path, cm(`watched-${i}`));
    const events = (await watched).body.toString('utf8').split('\n').filter(Boolean)
      .map(l => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(events.filter(e => e.type === 'ADDED').map(e => e.object.metadata.name), [0, 1, 2, 3, 4].map(i => `watched-${i}`));
  });

  it('a CRD created through kubectl is served by both workers', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.multi.example.com' },
      spec: {
        group: 'multi.example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    };
    await s.kubectlOk(['apply', '-f', '-'], JSON.stringify(crd));
    const path = '/apis/multi.example.com/v1/namespaces/default/gadgets';
    for (const p of [a, b]) await until(`gadgets on worker ${p.worker}`, async () => (await p.api.request('GET', path)).status === 200);
    await a.api.expect(201, 'POST', path, JSON.stringify({ apiVersion: 'multi.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } }));
    const got = JSON.parse((await b.api.expect(200, 'GET', `${path}/g1`)).toString('utf8')) as { spec: { size: number } };
    assert.equal(got.spec.size, 3);
    assert.match(await s.kubectlOk(['get', 'gadgets', 'g1', '-o', 'name']), /gadget\.multi\.example\.com\/g1/);
  });

  it('a replaced serving certificate is served by every worker', async () => {
    const ca = { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') };
    const fresh = await issueCert({ ca, commonName: 'rotated-workers', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    writeFileSync(servingKey, fresh.keyPem);
    writeFileSync(servingCert, fresh.certPem);
    // Connections go to the workers in turn, so four in a row reach both.
    await until('both workers serving the rotated certificate', async () => {
      const cns = await Promise.all([0, 1, 2, 3].map(() => servedCN(s.port)));
      return cns.every(cn => cn === 'rotated-workers');
    });
    await s.kubectlOk(['get', 'namespace', 'default']);
  });

  it('a killed worker is restarted and serves again; the other keeps serving meanwhile', async () => {
    const pids = [...s.logs().matchAll(/"Started worker process" worker=1 pid=(\d+)/g)].map(m => Number(m[1]));
    assert.equal(pids.length, 1);
    process.kill(pids[0]!, 'SIGKILL');
    // Once the primary has seen the exit, the worker left answers every new connection.
    await sleep(300);
    await s.kubectlOk(['get', 'namespace', 'default']);
    await until('worker 1 restarted', async () => [...s.logs().matchAll(/"Started worker process" worker=1 /g)].length === 2);
    const fresh = await pinnedToEach(s, 2);
    try {
      assert.ok(fresh.some(p => p.worker !== a.worker && p.worker !== b.worker), `no new worker among ${fresh.map(p => p.worker).join(', ')} (old ${a.worker}, ${b.worker})`);
      for (const p of fresh) await p.api.expect(200, 'GET', '/api/v1/namespaces/default/configmaps/raw-0');
    } finally {
      for (const p of fresh) p.api.close();
    }
  });

  it('SIGTERM fails /readyz in every worker, then both drain and the server exits 0', async () => {
    const [x, y] = await pinnedToEach(s, 2) as [Pinned, Pinned];
    try {
      s.signal('SIGTERM');
      for (const p of [x, y]) {
        await until(`worker ${p.worker} not ready`, async () => (await p.api.request('GET', '/readyz')).status !== 200, 2500);
        // Still serving during --shutdown-delay-duration.
        await p.api.expect(200, 'GET', '/api/v1/namespaces/default/configmaps/raw-0');
      }
      assert.equal(await s.exited(), 0);
      assert.match(s.logs(), /"Draining the worker processes" reason="SIGTERM"/);
    } finally {
      x.api.close();
      y.api.close();
    }
  });
});

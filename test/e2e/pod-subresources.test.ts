// pods/binding and pods/eviction (with a PodDisruptionBudget) on the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const json = { 'Content-Type': 'application/json' };
before(async () => {
  s = await startTestServer();
  await s.defaultServiceAccount('default');
});
after(async () => { await s?.stop(); });

const pod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'guarded' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('pod subresources', () => {
  it('binds a pod to a node once', async () => {
    assert.equal((await s.http('POST', '/api/v1/namespaces/default/pods', { body: pod('b1'), headers: json })).status, 201);
    const bind = (node: string) => s.http('POST', '/api/v1/namespaces/default/pods/b1/binding', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b1' }, target: { kind: 'Node', name: node } }), headers: json });
    const first = await bind('node-a');
    assert.equal(first.status, 201, first.body);
    const got = (await s.http('GET', '/api/v1/namespaces/default/pods/b1')).json<{ spec: { nodeName: string }; status: { conditions: { type: string; status: string }[] } }>();
    assert.equal(got.spec.nodeName, 'node-a');
    assert.ok(got.status.conditions.some(c => c.type === 'PodScheduled' && c.status === 'True'));
    const again = await bind('node-b');
    assert.equal(again.status, 409);
    assert.match(again.json<{ message: string }>().message, /already assigned to node "node-a"/);
  });

  it('refuses an eviction a PodDisruptionBudget forbids with 429, and allows one it permits', async () => {
    assert.equal((await s.http('POST', '/api/v1/namespaces/default/pods', { body: pod('e1'), headers: json })).status, 201);
    const pdb = await s.http('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } }), headers: json });
    assert.equal(pdb.status, 201, pdb.body);
    const evict = () => s.http('POST', '/api/v1/namespaces/default/pods/e1/eviction', { body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e1' } }), headers: json });
    const refused = await evict();
    assert.equal(refused.status, 429, refused.body);
    assert.equal(refused.json<{ reason: string }>().reason, 'TooManyRequests');
    // What the disruption controller would publish: one disruption allowed.
    const st = await s.http('PATCH', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard/status', { body: JSON.stringify({ status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(st.status, 200, st.body);
    const allowed = await evict();
    assert.equal(allowed.status, 201, allowed.body);
    assert.equal((await s.http('GET', '/api/v1/namespaces/default/pods/e1')).status, 404);
    const after = (await s.http('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard')).json<{ status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } }>();
    assert.equal(after.status.disruptionsAllowed, 0);
    assert.ok(after.status.disruptedPods['e1']);
  });

  it('evicts freely when no budget covers the pod', async () => {
    await s.http('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'free' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), headers: json });
    const r = await s.http('POST', '/api/v1/namespaces/default/pods/free/eviction', { body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'free' } }), headers: json });
    assert.equal(r.status, 201, r.body);
  });
});

describe('other subresources', () => {
  it('adds ephemeral containers but refuses changing them', async () => {
    assert.equal((await s.http('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dbg' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), headers: json })).status, 201);
    const add = await s.http('PATCH', '/api/v1/namespaces/default/pods/dbg/ephemeralcontainers', {
      body: JSON.stringify({ spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'c' }] } }),
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    assert.equal(add.status, 200, add.body);
    const p = add.json<{ spec: { ephemeralContainers: { name: string }[]; containers: unknown[] } }>();
    assert.deepEqual(p.spec.ephemeralContainers.map(c => c.name), ['debugger']);
    const change = await s.http('PATCH', '/api/v1/namespaces/default/pods/dbg/ephemeralcontainers', {
      body: JSON.stringify([{ op: 'replace', path: '/spec/ephemeralContainers/0/image', value: 'alpine' }]),
      headers: { 'Content-Type': 'application/json-patch+json' },
    });
    assert.equal(change.status, 422, change.body);
  });

  it('approves a CertificateSigningRequest through /approval only', async () => {
    const csr = { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'csr1' }, spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIBPTCB5AIBADBCMQswCQYDVQQGEwJYWDEVMBMGA1UEBwwMRGVmYXVsdCBDaXR5\n-----END CERTIFICATE REQUEST-----\n').toString('base64'), signerName: 'example.com/signer', usages: ['client auth'] } };
    const created = await s.http('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { body: JSON.stringify(csr), headers: json });
    assert.equal(created.status, 201, created.body);
    const cur = created.json<Record<string, unknown>>();
    const approved = await s.http('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr1/approval', {
      body: JSON.stringify({ ...cur, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'ok' }] }, spec: { ...(cur['spec'] as object), signerName: 'changed.example.com/x' } }),
      headers: json,
    });
    assert.equal(approved.status, 200, approved.body);
    const after = approved.json<{ spec: { signerName: string }; status: { conditions: { type: string }[] } }>();
    assert.equal(after.status.conditions[0]!.type, 'Approved');
    assert.equal(after.spec.signerName, 'example.com/signer');
  });
});

describe('kubectl drain', () => {
  it('is refused by a PodDisruptionBudget and succeeds without one', async () => {
    const node = await s.http('POST', '/api/v1/nodes', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-d' } }), headers: json });
    assert.equal(node.status, 201, node.body);
    await s.kubectl(['create', 'namespace', 'drain']);
    await s.defaultServiceAccount('drain');
    for (const name of ['d1', 'd2']) {
      const p = await s.http('POST', '/api/v1/namespaces/drain/pods', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { nodeName: 'node-d', containers: [{ name: 'c', image: 'nginx' }] } }), headers: json });
      assert.equal(p.status, 201, p.body);
    }
    // A budget that allows no disruption of d1 (as the disruption controller would report it).
    await s.http('POST', '/apis/policy/v1/namespaces/drain/poddisruptionbudgets', { body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'keep-d1' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'd1' } } } }), headers: json });
    await s.http('PATCH', '/apis/policy/v1/namespaces/drain/poddisruptionbudgets/keep-d1/status', { body: JSON.stringify({ status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    const refused = await s.kubectl(['drain', 'node-d', '--force', '--grace-period=0', '--timeout=4s'], { timeoutMs: 30_000 });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout + refused.stderr, /disruption budget/);
    assert.equal((await s.http('GET', '/api/v1/namespaces/drain/pods/d2')).status, 404, 'd2 was evicted');
    assert.equal((await s.http('GET', '/api/v1/namespaces/drain/pods/d1')).status, 200, 'd1 is kept by its budget');
    await s.http('DELETE', '/apis/policy/v1/namespaces/drain/poddisruptionbudgets/keep-d1');
    const drained = await s.kubectl(['drain', 'node-d', '--force', '--grace-period=0', '--timeout=20s'], { timeoutMs: 40_000 });
    assert.equal(drained.code, 0, drained.stderr);
    assert.equal((await s.http('GET', '/api/v1/namespaces/drain/pods/d1')).status, 404);
    const cordoned = (await s.http('GET', '/api/v1/nodes/node-d')).json<{ spec: { unschedulable?: boolean } }>();
    assert.equal(cordoned.spec.unschedulable, true);
  });
});

describe('ServiceAccount admission', () => {
  it('refuses a pod whose service account does not exist, as upstream', async () => {
    await s.kubectl(['create', 'namespace', 'no-accounts']);
    const r = await s.kubectl(['run', 'orphan', '--image=nginx', '-n', 'no-accounts']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "orphan" is forbidden: error looking up service account no-accounts\/default: serviceaccount "default" not found/);
  });

  it('mounts the projected API token into the pod kubectl run creates', async () => {
    const r = await s.kubectl(['run', 'with-token', '--image=nginx']);
    assert.equal(r.code, 0, r.stderr);
    const pod = (await s.http('GET', '/api/v1/namespaces/default/pods/with-token')).json<{ spec: { serviceAccountName: string; serviceAccount: string; volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] }[] } }>();
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const volume = pod.spec.volumes.find(v => v.name.startsWith('kube-api-access-'))!;
    assert.deepEqual(volume.projected?.sources.map(src => Object.keys(src)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
    assert.deepEqual(pod.spec.containers[0]!.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    // The other default admission plugins, as on an upstream cluster.
    const spec = pod.spec as unknown as { priority: number; preemptionPolicy: string; tolerations: { key: string; tolerationSeconds: number }[] };
    assert.equal(spec.priority, 0);
    assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
    assert.deepEqual(spec.tolerations.map(t => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/not-ready', 300], ['node.kubernetes.io/unreachable', 300]]);
  });
});

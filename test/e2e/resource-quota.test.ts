// ResourceQuota admission with kubectl 1.32. No kube-controller-manager runs here, so the test
// fills in status.hard and status.used through the status subresource as its quota controller
// would; admission then charges each create and refuses the one past the limit.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'quota-e2e-'));
writeFileSync(join(dir, 'admission.yaml'), [
  'apiVersion: apiserver.config.k8s.io/v1',
  'kind: AdmissionConfiguration',
  'plugins:',
  '- name: ResourceQuota',
  '  configuration:',
  '    apiVersion: apiserver.config.k8s.io/v1',
  '    kind: ResourceQuotaConfiguration',
  '    limitedResources:',
  '    - resource: persistentvolumeclaims',
  '      matchContains: [requests.storage]',
].join('\n'));

before(async () => { s = await startTestServer([`--admission-control-config-file=${join(dir, 'admission.yaml')}`]); });
after(async () => { await s?.stop(); });

const NS = 'quota-e2e';
const ok = (args: string[], input?: string) => s.kubectlOk([...args, '-n', NS], input);

/** Retries until kubectl's outcome satisfies check (the quota informer may lag a status write). */
async function eventually(what: string, args: string[], check: (r: { code: number; stderr: string }) => boolean): Promise<{ code: number; stderr: string }> {
  let last = { code: 0, stderr: '' };
  for (let i = 0; i < 50; i++) {
    last = await s.kubectl([...args, '-n', NS]);
    if (check(last)) return last;
    await new Promise(r => setTimeout(r, 100));
  }
  assert.fail(`${what} never happened; last: ${JSON.stringify(last)}\n${s.logs().slice(-2000)}`);
}

const setStatus = (status: Record<string, unknown>) =>
  ok(['patch', 'resourcequota', 'q', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
const used = async (resource: string) => ok(['get', 'resourcequota', 'q', '-o', `jsonpath={.status.used.${resource}}`]);

describe('ResourceQuota admission', () => {
  it('refuses with status unknown until usage is known, then charges each create up to the limit', async () => {
    await s.kubectlOk(['create', 'namespace', NS]);
    await ok(['create', 'serviceaccount', 'default']);
    await ok(['create', 'quota', 'q', '--hard=pods=2,configmaps=2,services=1']);
    // Without status.hard the quota matches nothing yet.
    await ok(['create', 'configmap', 'c1']);

    const hard = { pods: '2', configmaps: '2', services: '1' };
    await setStatus({ hard });
    const unknown = await eventually('status unknown', ['create', 'configmap', 'c2'], r => r.code !== 0);
    assert.match(unknown.stderr, /configmaps "c2" is forbidden: status unknown for quota: q, resources: configmaps/);

    await setStatus({ hard, used: { pods: '0', configmaps: '1', services: '0' } });
    await eventually('the create once usage is known', ['create', 'configmap', 'c2'], r => r.code === 0);
    assert.equal(await used('configmaps'), '2');
    const refused = await s.kubectl(['create', 'configmap', 'c3', '-n', NS]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /configmaps "c3" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=2, limited: configmaps=2/);
    const dry = await s.kubectl(['create', 'configmap', 'c3', '--dry-run=server', '-n', NS]);
    assert.match(dry.stderr, /exceeded quota: q/);

    // Admission never gives back: that is the quota controller's job.
    await ok(['delete', 'configmap', 'c1']);
    assert.equal(await used('configmaps'), '2');
  });

  it('pods and services', async () => {
    await ok(['run', 'p1', '--image=registry.k8s.io/pause:3.10']);
    await ok(['run', 'p2', '--image=registry.k8s.io/pause:3.10']);
    assert.equal(await used('pods'), '2');
    const pod = await s.kubectl(['run', 'p3', '--image=registry.k8s.io/pause:3.10', '-n', NS]);
    assert.match(pod.stderr, /pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);

    await ok(['create', 'service', 'clusterip', 's1', '--tcp=80']);
    const svc = await s.kubectl(['create', 'service', 'clusterip', 's2', '--tcp=80', '-n', NS]);
    assert.match(svc.stderr, /services "s2" is forbidden: exceeded quota: q, requested: services=1, used: services=1, limited: services=1/);
  });

  it('a limited resource needs a covering quota (--admission-control-config-file)', async () => {
    const pvc = JSON.stringify({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'claim' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const r = await s.kubectl(['create', '-f', '-', '-n', NS], { input: pvc });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /persistentvolumeclaims "claim" is forbidden: insufficient quota to consume: requests.storage/);
  });
});

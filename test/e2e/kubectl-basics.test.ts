// kubectl 1.32, unchanged, against the real server process on a real etcd.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s?.stop();
});

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);

const deploymentYaml = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: e2e
  labels: {app: ${name}, tier: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
`;

describe('kubectl against kube-apiserver-ts', () => {
  it('reports server version 1.32', async () => {
    const out = JSON.parse(await ok(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string; gitVersion: string } };
    assert.equal(out.serverVersion.major, '1');
    assert.equal(out.serverVersion.minor, '32');
    assert.match(out.serverVersion.gitVersion, /^v1\.32\.\d+\+kube-apiserver-ts/);
  });

  it('lists API resources with upstream short names', async () => {
    const out = await ok(['api-resources', '--no-headers']);
    assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(out, /^flowschemas\s+flowcontrol\.apiserver\.k8s\.io\/v1\s+false\s+FlowSchema$/m);
  });

  it('has the bootstrap namespaces and priority classes', async () => {
    const ns = await ok(['get', 'namespaces', '-o', 'name']);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(ns, new RegExp(`^namespace/${n}$`, 'm'));
    const pcs = await ok(['get', 'priorityclasses', '-o', 'name']);
    assert.match(pcs, /system-node-critical/);
    assert.match(pcs, /system-cluster-critical/);
  });

  it('creates a namespace from YAML and a configmap from JSON', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e2e\n');
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'e2e', labels: { app: 'one' } }, data: { a: '1', b: '2' } };
    assert.match(await ok(['create', '-f', '-'], JSON.stringify(cm)), /configmap\/cm1 created/);
    const got = JSON.parse(await ok(['get', 'configmap', 'cm1', '-n', 'e2e', '-o', 'json'])) as { data: Record<string, string>; metadata: { uid: string; resourceVersion: string; creationTimestamp: string } };
    assert.deepEqual(got.data, { a: '1', b: '2' });
    assert.match(got.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(got.metadata.resourceVersion, /^\d+$/);
    assert.match(got.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses a duplicate create with AlreadyExists', async () => {
    const r = await s.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'e2e' } }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AlreadyExists|already exists/);
  });

  it('applies a deployment, a service and a job and prints tables', async () => {
    await ok(['apply', '-f', '-'], deploymentYaml('web', 'nginx:1.25'));
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: Service
metadata: {name: web, namespace: e2e}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`);
    await ok(['apply', '-f', '-'], `apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: e2e}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [echo, hi]}]
`);
    const table = await ok(['get', 'deployments', '-n', 'e2e']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(table, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
    const wide = await ok(['get', 'deployments', '-n', 'e2e', '-o', 'wide']);
    assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /nginx:1\.25/);
    const svc = await ok(['get', 'svc', 'web', '-n', 'e2e']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    const jobs = await ok(['get', 'jobs', '-n', 'e2e', '-o', 'yaml']);
    assert.match(jobs, /kind: List|kind: JobList/);
    assert.match(jobs, /name: once/);
  });

  it('applies a changed deployment a second time', async () => {
    await ok(['apply', '-f', '-'], deploymentYaml('web', 'nginx:1.26'));
    const d = JSON.parse(await ok(['get', 'deploy', 'web', '-n', 'e2e', '-o', 'json'])) as { metadata: { generation: number }; spec: { template: { spec: { containers: { image: string; ports: unknown[] }[] } } } };
    assert.equal(d.spec.template.spec.containers[0]!.image, 'nginx:1.26');
    assert.equal(d.spec.template.spec.containers[0]!.ports.length, 1);
    assert.equal(d.metadata.generation, 2);
  });

  it('labels and annotates, and selects by label and field', async () => {
    await ok(['label', 'configmap', 'cm1', '-n', 'e2e', 'color=blue']);
    await ok(['annotate', 'configmap', 'cm1', '-n', 'e2e', 'note=hello']);
    await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', namespace: 'e2e', labels: { color: 'red' } } }));
    assert.equal((await ok(['get', 'cm', '-n', 'e2e', '-l', 'color=blue', '-o', 'name'])).trim(), 'configmap/cm1');
    assert.equal((await ok(['get', 'cm', '-n', 'e2e', '-l', 'color in (red)', '-o', 'name'])).trim(), 'configmap/cm2');
    assert.equal((await ok(['get', 'cm', '-n', 'e2e', '-l', '!color', '-o', 'name'])).trim(), '');
    assert.equal((await ok(['get', 'cm', '-n', 'e2e', '--field-selector', 'metadata.name=cm2', '-o', 'name'])).trim(), 'configmap/cm2');
    const ann = await ok(['get', 'cm', 'cm1', '-n', 'e2e', '-o', 'jsonpath={.metadata.annotations.note}']);
    assert.equal(ann, 'hello');
  });

  it('pages with --chunk-size', async () => {
    for (let i = 0; i < 7; i++) {
      await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s${i}`, namespace: 'e2e' }, stringData: { k: `v${i}` } }));
    }
    const out = await ok(['get', 'secrets', '-n', 'e2e', '--chunk-size=2', '-o', 'name', '-v=6']);
    const names = out.split('\n').filter(l => l.startsWith('secret/'));
    assert.equal(names.length, 7);
    const r = await s.kubectl(['get', 'secrets', '-n', 'e2e', '--chunk-size=2', '-v=6']);
    assert.match(r.stderr, /limit=2/);
    assert.match(r.stderr, /continue=/);
  });

  it('streams watch events with get -w', async () => {
    const watch = s.kubectl(['get', 'cm', '-n', 'e2e', '-w', '--output-watch-events', '--request-timeout=6s'], { timeoutMs: 20_000 });
    await new Promise(r => setTimeout(r, 1500));
    await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace: 'e2e' } }));
    await ok(['label', 'cm', 'watched', '-n', 'e2e', 'x=y']);
    await ok(['delete', 'cm', 'watched', '-n', 'e2e']);
    const r = await watch;
    assert.match(r.stdout, /ADDED\s+watched/);
    assert.match(r.stdout, /MODIFIED\s+watched/);
    assert.match(r.stdout, /DELETED\s+watched/);
  });

  it('explains a field from OpenAPI v3', async () => {
    const out = await ok(['explain', 'deployment.spec.replicas']);
    assert.match(out, /replicas\s+<integer>/);
  });

  it('deletes objects and namespaces', async () => {
    assert.match(await ok(['delete', 'configmap', 'cm2', '-n', 'e2e']), /configmap "cm2" deleted/);
    const r = await s.kubectl(['get', 'configmap', 'cm2', '-n', 'e2e']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound|not found/);
    await ok(['delete', 'namespace', 'e2e', '--timeout=60s']);
    const gone = await s.kubectl(['get', 'namespace', 'e2e']);
    assert.notEqual(gone.code, 0);
  });
});

// The Helm chart (manifests/helm/kube-apiserver-ts) lints and renders cleanly, every object it
// renders is schema-valid and accepted by our server, and helm 3 itself works against our server:
// install, list, upgrade, rollback and uninstall of a small sample chart (releases live in Secrets).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { helm } from '../helpers/helm.js';
import { validateBuiltin, type TypedObject } from '../helpers/k8s-models.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/static-pod.js';

const chart = join(repoRoot, 'manifests/helm/kube-apiserver-ts');
const stateDir = mkdtempSync(join(tmpdir(), 'kas-helm-'));
process.once('exit', () => rmSync(stateDir, { recursive: true, force: true }));

/** Non-default values touching every optional part of the chart. */
const customValues = [
  '--set', 'replicas=3,hostNetwork=true,priorityClassName=system-cluster-critical,image.tag=9.9.9',
  '--set', 'metrics.serviceMonitor.enabled=true,audit.enabled=true,audit.logPath=/var/log/audit/audit.log',
  '--set-json', 'etcd.servers=["https://etcd-0:2379","https://etcd-1:2379"]',
  '--set-json', 'extraArgs=["--v=2","--max-requests-inflight=800"]',
  '--set-json', 'nodeSelector={"node-role.kubernetes.io/control-plane":""}',
  '--set-json', 'tolerations=[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}]',
  '--set-json', 'extraVolumes=[{"name":"audit-log","emptyDir":{}}]',
  '--set-json', 'extraVolumeMounts=[{"name":"audit-log","mountPath":"/var/log/audit"}]',
];
const withoutAudit = ['--set', 'audit.enabled=false,metrics.service.enabled=false'];

const variants: Record<string, string[]> = { default: [], custom: customValues, 'no audit, no metrics Service': withoutAudit };

async function render(values: string[]): Promise<TypedObject[]> {
  const r = await helm(['template', 'r1', chart, '--namespace', 'kube-system', ...values], { stateDir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'helm template printed warnings');
  return parseAllDocuments(r.stdout).map(d => d.toJS() as TypedObject).filter(o => o !== null);
}

describe('chart', () => {
  for (const [name, values] of Object.entries(variants)) {
    test(`helm lint --strict passes (${name} values)`, async () => {
      const r = await helm(['lint', '--strict', chart, ...values], { stateDir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    test(`helm template renders schema-valid objects (${name} values)`, async () => {
      const objs = await render(values);
      const kinds = objs.map(o => o.kind).sort();
      assert.ok(kinds.includes('Deployment') && kinds.includes('Service'), kinds.join());
      for (const o of objs) {
        if (o.apiVersion.startsWith('monitoring.coreos.com/')) continue; // a CRD kind: not in kubernetes-models
        await validateBuiltin(o);
      }
    });
  }

  test('values reach the Deployment', async () => {
    const objs = await render(customValues);
    const dep = objs.find(o => o.kind === 'Deployment') as unknown as {
      spec: { replicas: number; template: { spec: { hostNetwork: boolean; containers: { image: string; args: string[] }[]; tolerations: unknown[]; nodeSelector: Record<string, string> } } };
    };
    const pod = dep.spec.template.spec;
    assert.equal(dep.spec.replicas, 3);
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.containers[0]!.image, 'ghcr.io/kube-apiserver-ts/kube-apiserver-ts:9.9.9');
    const args = pod.containers[0]!.args;
    for (const a of ['--etcd-servers=https://etcd-0:2379,https://etcd-1:2379', '--v=2', '--max-requests-inflight=800', '--audit-log-path=/var/log/audit/audit.log']) {
      assert.ok(args.includes(a), `${a} missing from ${args.join(' ')}`);
    }
    assert.equal(pod.tolerations.length, 1);
    assert.ok('node-role.kubernetes.io/control-plane' in pod.nodeSelector);
    assert.ok(objs.some(o => o.kind === 'ServiceMonitor'));
    const defaults = await render([]);
    assert.ok(!defaults.some(o => o.kind === 'ServiceMonitor'), 'ServiceMonitor is opt-in');
  });
});

/** A small chart: ConfigMap, Secret, Deployment, Service; `message` and `replicas` come from values. */
function writeSampleChart(dir: string): string {
  const root = join(dir, 'sample');
  mkdirSync(join(root, 'templates'), { recursive: true });
  writeFileSync(join(root, 'Chart.yaml'), 'apiVersion: v2\nname: sample\nversion: 0.1.0\nappVersion: "1.0"\n');
  writeFileSync(join(root, 'values.yaml'), 'message: hello\nreplicas: 1\n');
  writeFileSync(join(root, 'templates/configmap.yaml'), [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Release.Name }}-config', 'data:', '  message: {{ .Values.message | quote }}', '',
  ].join('\n'));
  writeFileSync(join(root, 'templates/secret.yaml'), [
    'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: {{ .Release.Name }}-secret', 'type: Opaque', 'stringData:', '  password: s3cr3t', '',
  ].join('\n'));
  writeFileSync(join(root, 'templates/deployment.yaml'), [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ .Release.Name }}-web', 'spec:', '  replicas: {{ .Values.replicas }}',
    '  selector:', '    matchLabels:', '      app: {{ .Release.Name }}-web', '  template:', '    metadata:', '      labels:', '        app: {{ .Release.Name }}-web',
    '    spec:', '      containers:', '        - name: web', '          image: nginx:1.27', '          ports:', '            - containerPort: 80', '',
  ].join('\n'));
  writeFileSync(join(root, 'templates/service.yaml'), [
    'apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ .Release.Name }}-web', 'spec:', '  selector:', '    app: {{ .Release.Name }}-web',
    '  ports:', '    - port: 80', '      targetPort: 80', '',
  ].join('\n'));
  return root;
}

describe('against our server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const [name, values] of Object.entries(variants)) {
    test(`kubectl apply --dry-run=server accepts every rendered object (${name} values)`, async () => {
      const objs = (await render(values)).filter(o => !o.apiVersion.startsWith('monitoring.coreos.com/'));
      const manifest = objs.map(o => stringify(o)).join('---\n');
      const r = await server.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: manifest });
      assert.equal(r.code, 0, r.stderr);
      for (const o of objs) assert.match(r.stdout, new RegExp(`${o.kind.toLowerCase()}[^ ]*/${o.metadata?.name} (created|configured) \\(server dry run\\)`, 'i'));
    });
  }

  const h = (args: string[]) => helm([...args, '--namespace', 'default'], { stateDir, kubeconfig: server.kubeconfig });
  const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
  const message = async () => (await server.kubectl(['get', 'configmap', 'demo-config', '-n', 'default', '-o', 'jsonpath={.data.message}'])).stdout;

  test('helm install, list, upgrade, rollback of a sample chart', async () => {
    const sample = writeSampleChart(stateDir);
    ok(await h(['install', 'demo', sample]), 'install');
    assert.equal(await message(), 'hello');
    for (const obj of ['secret/demo-secret', 'deployment/demo-web', 'service/demo-web']) {
      assert.equal((await server.kubectl(['get', obj, '-n', 'default'])).code, 0, obj);
    }
    const releases = await server.kubectl(['get', 'secrets', '-n', 'default', '-l', 'owner=helm,name=demo', '-o', 'name']);
    assert.match(releases.stdout, /secret\/sh\.helm\.release\.v1\.demo\.v1/);

    const list = await h(['list', '-o', 'json']);
    ok(list, 'list');
    const listed = JSON.parse(list.stdout) as { name: string; revision: string; status: string }[];
    assert.deepEqual(listed.map(r => [r.name, r.revision, r.status]), [['demo', '1', 'deployed']]);

    ok(await h(['upgrade', 'demo', sample, '--set', 'message=upgraded,replicas=2']), 'upgrade');
    assert.equal(await message(), 'upgraded');
    assert.equal((await server.kubectl(['get', 'deployment', 'demo-web', '-n', 'default', '-o', 'jsonpath={.spec.replicas}'])).stdout, '2');

    ok(await h(['rollback', 'demo', '1']), 'rollback');
    assert.equal(await message(), 'hello');
    const history = await h(['history', 'demo', '-o', 'json']);
    ok(history, 'history');
    assert.deepEqual((JSON.parse(history.stdout) as { revision: number }[]).map(r => r.revision), [1, 2, 3]);
  });

  // helm deletes its release Secrets with a protobuf DeleteOptions body
  // (Content-Type: application/vnd.kubernetes.protobuf); the DELETE handler parses bodies as
  // JSON/YAML only and answers 400, so the purge step fails. Passes once that lands.
  test('helm uninstall removes the release and its objects', async () => {
    ok(await h(['uninstall', 'demo']), 'uninstall');
    assert.notEqual((await server.kubectl(['get', 'configmap', 'demo-config', '-n', 'default'])).code, 0, 'uninstall removes the objects');
    const after = await h(['list', '--all', '-o', 'json']);
    ok(after, 'list after uninstall');
    assert.deepEqual(JSON.parse(after.stdout), []);
  });
});

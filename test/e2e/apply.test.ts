// Server-side apply with kubectl 1.32 against the real server on a real etcd: creation,
// conflicts between two field managers, --force-conflicts, --show-managed-fields, and
// --dry-run=server leaving etcd untouched (checked with etcdctl).
// needs etcd: reads the stored keys with etcdctl
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
let s: TestServer;

before(async () => {
  s = await startTestServer([], { storage: 'etcd3' });
  await ok(['create', 'namespace', 'ssa']);
});
after(async () => {
  await s?.stop();
});

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);

async function etcdKeys(prefix: string): Promise<string[]> {
  const { stdout } = await run('etcdctl', [
    `--endpoints=${s.etcd.endpoint}`, `--cacert=${s.etcd.caFile}`, `--cert=${s.etcd.certFile}`, `--key=${s.etcd.keyFile}`,
    'get', prefix, '--prefix', '--keys-only',
  ], { env: { ...process.env, ETCDCTL_API: '3' } });
  return stdout.split('\n').filter(l => l.trim() !== '');
}

const deployment = (name: string, replicas: number, image = 'nginx:1.27') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ssa
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
`;

interface Entry { manager: string; operation: string; apiVersion: string; time?: string; fieldsType: string; fieldsV1: Record<string, unknown> }

async function managedFields(name: string): Promise<Entry[]> {
  const out = await ok(['get', 'deployment', name, '-n', 'ssa', '-o', 'yaml', '--show-managed-fields']);
  return (parseYaml(out) as { metadata: { managedFields: Entry[] } }).metadata.managedFields;
}

describe('kubectl apply --server-side', () => {
  it('creates a missing object and records an Apply entry', async () => {
    const out = await ok(['apply', '--server-side', '--field-manager=alice', '-f', '-'], deployment('web', 2));
    assert.match(out, /deployment\.apps\/web serverside-applied/);
    const entries = await managedFields('web');
    const alice = entries.find(e => e.manager === 'alice');
    assert.ok(alice, JSON.stringify(entries));
    assert.equal(alice.operation, 'Apply');
    assert.equal(alice.apiVersion, 'apps/v1');
    assert.equal(alice.fieldsType, 'FieldsV1');
    assert.match(alice.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(alice.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {}, 'f:image': {}, 'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('hides managedFields unless --show-managed-fields', async () => {
    const out = await ok(['get', 'deployment', 'web', '-n', 'ssa', '-o', 'yaml']);
    assert.doesNotMatch(out, /managedFields/);
  });

  it('reports a conflict with another manager, then --force-conflicts takes ownership', async () => {
    const r = await s.kubectl(['apply', '--server-side', '--field-manager=bob', '-f', '-'], { input: deployment('web', 5) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "alice": \.spec\.replicas/);
    assert.equal((await ok(['get', 'deployment', 'web', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}'])).trim(), '2');

    await ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], deployment('web', 5));
    assert.equal((await ok(['get', 'deployment', 'web', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}'])).trim(), '5');
    const entries = await managedFields('web');
    const alice = entries.find(e => e.manager === 'alice')!;
    const bob = entries.find(e => e.manager === 'bob')!;
    assert.equal((alice.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], undefined);
    assert.deepEqual((bob.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});
  });

  it('records kubectl edits/patches as Update entries named after the user agent', async () => {
    await ok(['patch', 'deployment', 'web', '-n', 'ssa', '--type=merge', '-p', '{"metadata":{"annotations":{"note":"x"}}}']);
    const entries = await managedFields('web');
    const patch = entries.find(e => e.operation === 'Update');
    assert.ok(patch, JSON.stringify(entries));
    assert.equal(patch.manager, 'kubectl-patch');
    assert.deepEqual(patch.fieldsV1, { 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } } });
  });

  it('leaves etcd untouched with --dry-run=server', async () => {
    const out = await ok(['apply', '--server-side', '--field-manager=alice', '--dry-run=server', '-f', '-'], deployment('ghost', 1));
    assert.match(out, /deployment\.apps\/ghost serverside-applied \(server dry run\)/);
    assert.deepEqual(await etcdKeys('/registry/deployments/ssa/ghost'), []);
    assert.deepEqual(await etcdKeys('/registry/deployments/ssa/web'), ['/registry/deployments/ssa/web']);
  });

  it('moves an object from client-side to server-side apply without conflicts', async () => {
    await ok(['apply', '-f', '-'], deployment('csa', 2));
    const r = await s.kubectl(['apply', '--server-side', '-f', '-'], { input: deployment('csa', 3) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await ok(['get', 'deployment', 'csa', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}'])).trim(), '3');
    const entries = await managedFields('csa');
    // kubectl 1.32 hands the client-side manager's fields to its "kubectl" applier first.
    const kubectl = entries.find(e => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.ok(kubectl, JSON.stringify(entries));
    assert.deepEqual((kubectl.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});
    assert.equal(entries.find(e => e.manager === 'kubectl-client-side-apply'), undefined);
    const last = JSON.parse((await ok(['get', 'deployment', 'csa', '-n', 'ssa', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}']))) as { spec: { replicas: number } };
    assert.equal(last.spec.replicas, 3);
  });

  it('records kubectl create as upstream does', async () => {
    await ok(['create', 'deployment', 'made', '--image=nginx', '-n', 'ssa']);
    const [e, ...rest] = await managedFields('made');
    assert.equal(rest.length, 0);
    assert.equal(e!.manager, 'kubectl-create');
    assert.equal(e!.operation, 'Update');
    const spec = e!.fieldsV1['f:spec'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(spec['f:strategy'], { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} });
    assert.deepEqual(spec['f:template']!['f:metadata'], { 'f:labels': { '.': {}, 'f:app': {} } });
    const podSpec = spec['f:template']!['f:spec'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(podSpec['f:containers'], {
      'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': {}, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {} },
    });
  });

  it('requires a field manager for apply patches', async () => {
    const r = await s.http('PATCH', '/apis/apps/v1/namespaces/ssa/deployments/web', {
      body: deployment('web', 2), headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    assert.equal(r.status, 422);
    assert.match(r.json<{ message: string }>().message, /PatchOptions\.meta\.k8s\.io "" is invalid: fieldManager: Required value: is required for apply patch/);
  });
});

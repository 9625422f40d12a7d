// Issue 3's write paths through kubectl 1.32: client-side apply, the three patch types, diff,
// server dry-run, edit, scale, field validation, finalizers and delete preconditions.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await ok(['create', 'namespace', 'w']);
});
after(async () => { await s?.stop(); });

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await ok(['get', ...args, '-o', 'json'])) as T;
}

const deploy = (image: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: w
  labels: {${labels}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - {name: main, image: ${image}, ports: [{containerPort: 8080}], env: [{name: A, value: "1"}]}
      - {name: side, image: busybox}
`;

interface Deploy {
  metadata: { labels?: Record<string, string>; generation: number; resourceVersion: string };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; env?: { name: string; value: string }[]; ports?: unknown[] }[] } } };
}

describe('write paths', () => {
  it('client-side apply twice: image change and label removal through last-applied + SMP', async () => {
    await ok(['apply', '-f', '-'], deploy('nginx:1', 'app: app, team: a'));
    await ok(['apply', '-f', '-'], deploy('nginx:2', 'app: app'));
    const d = await getJson<Deploy>(['deploy', 'app', '-n', 'w']);
    assert.equal(d.spec.template.spec.containers[0]!.image, 'nginx:2');
    assert.equal(d.spec.template.spec.containers.length, 2);
    assert.deepEqual(d.metadata.labels, { app: 'app' });
  });

  it('patches with json (failing test op refused), merge (null deletes) and strategic (merge by name)', async () => {
    const failed = await s.kubectl(['patch', 'deploy', 'app', '-n', 'w', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":7},{"op":"replace","path":"/spec/replicas","value":9}]']);
    assert.notEqual(failed.code, 0);
    assert.equal((await getJson<Deploy>(['deploy', 'app', '-n', 'w'])).spec.replicas, 1);
    await ok(['patch', 'deploy', 'app', '-n', 'w', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":2}]']);
    assert.equal((await getJson<Deploy>(['deploy', 'app', '-n', 'w'])).spec.replicas, 2);
    await ok(['patch', 'deploy', 'app', '-n', 'w', '--type=merge', '-p', '{"metadata":{"labels":{"x":"1"}}}']);
    await ok(['patch', 'deploy', 'app', '-n', 'w', '--type=merge', '-p', '{"metadata":{"labels":{"x":null}}}']);
    assert.equal((await getJson<Deploy>(['deploy', 'app', '-n', 'w'])).metadata.labels?.['x'], undefined);
    await ok(['patch', 'deploy', 'app', '-n', 'w', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}']);
    const d = await getJson<Deploy>(['deploy', 'app', '-n', 'w']);
    const main = d.spec.template.spec.containers.find(c => c.name === 'main')!;
    assert.deepEqual(main.env?.map(e => e.name).sort(), ['A', 'B']);
    assert.equal(main.image, 'nginx:2');
    assert.equal(d.spec.template.spec.containers.length, 2);
  });

  it('kubectl diff shows a pending change and nothing once applied', async () => {
    const changed = await s.kubectl(['diff', '-f', '-'], { input: deploy('nginx:3', 'app: app') });
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /-\s+image: nginx:2/);
    assert.match(changed.stdout, /\+\s+image: nginx:3/);
  });

  it('server dry-run leaves etcd untouched', async () => {
    await ok(['create', '-f', '-', '--dry-run=server'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry, namespace: w}\n');
    assert.equal((await s.http('GET', '/api/v1/namespaces/w/configmaps/dry')).status, 404);
    const before = await getJson<Deploy>(['deploy', 'app', '-n', 'w']);
    await ok(['apply', '-f', '-', '--dry-run=server'], deploy('nginx:9', 'app: app'));
    const after = await getJson<Deploy>(['deploy', 'app', '-n', 'w']);
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.equal(after.spec.template.spec.containers[0]!.image, 'nginx:2');
  });

  it('kubectl edit with a non-interactive editor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kas-edit-'));
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/image: busybox/image: busybox:1.36/" "$1"\n');
    chmodSync(editor, 0o755);
    const prev = process.env['KUBE_EDITOR'];
    process.env['KUBE_EDITOR'] = editor;
    try {
      await ok(['edit', 'deploy', 'app', '-n', 'w']);
    } finally {
      if (prev === undefined) delete process.env['KUBE_EDITOR']; else process.env['KUBE_EDITOR'] = prev;
    }
    const d = await getJson<Deploy>(['deploy', 'app', '-n', 'w']);
    assert.equal(d.spec.template.spec.containers.find(c => c.name === 'side')!.image, 'busybox:1.36');
  });

  it('kubectl scale goes through the scale subresource', async () => {
    await ok(['scale', 'deploy', 'app', '-n', 'w', '--replicas=5']);
    assert.equal((await getJson<Deploy>(['deploy', 'app', '-n', 'w'])).spec.replicas, 5);
    const scale = (await s.http('GET', '/apis/apps/v1/namespaces/w/deployments/app/scale')).json<{ kind: string; apiVersion: string; spec: { replicas: number }; status: { selector: string } }>();
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec.replicas, 5);
    assert.equal(scale.status.selector, 'app=app');
    const bad = await s.http('PUT', '/apis/apps/v1/namespaces/w/deployments/app/scale', { body: JSON.stringify({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'app' }, spec: { replicas: -1 } }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(bad.status, 422);
  });

  it('--validate=strict refuses and --validate=warn warns about an unknown field', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: v, namespace: w}\nbogus: 1\n';
    const strict = await s.kubectl(['create', '-f', '-', '--validate=strict'], { input: cm });
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /unknown field "bogus"/);
    const warn = await s.kubectl(['create', '-f', '-', '--validate=warn'], { input: cm });
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /unknown field "bogus"/);
  });

  it('a finalizer holds deletion until it is removed', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: w, finalizers: [example.com/hold]}\n');
    await ok(['delete', 'cm', 'held', '-n', 'w', '--wait=false']);
    const held = await getJson<{ metadata: { deletionTimestamp?: string } }>(['cm', 'held', '-n', 'w']);
    assert.ok(held.metadata.deletionTimestamp);
    await ok(['patch', 'cm', 'held', '-n', 'w', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.equal((await s.http('GET', '/api/v1/namespaces/w/configmaps/held')).status, 404);
  });

  it('delete preconditions: a stale uid or resourceVersion is a 409', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pre, namespace: w}\n');
    const cm = await getJson<{ metadata: { uid: string; resourceVersion: string } }>(['cm', 'pre', '-n', 'w']);
    const del = (pre: object) => s.http('DELETE', '/api/v1/namespaces/w/configmaps/pre', { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: pre }), headers: { 'Content-Type': 'application/json' } });
    assert.equal((await del({ uid: 'not-the-uid' })).status, 409);
    assert.equal((await del({ resourceVersion: '1' })).status, 409);
    assert.equal((await del({ uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion })).status, 200);
  });
});

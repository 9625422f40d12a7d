// Strategic merge patch on built-in types, with the patch metadata of the generated OpenAPI
// document: the patches kubectl apply/patch send and upstream's error answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import { patchSchemaFor } from '../../src/api/patch-meta.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';
import { applyStrategicMergePatch } from '../../src/registry/patch/strategic-merge-patch.js';

function info(kind: string, definition: string): ResourceInfo {
  return {
    group: '', version: 'v1', resource: `${kind.toLowerCase()}s`, singularName: kind.toLowerCase(), kind,
    namespaced: true, verbs: [], shortNames: [], categories: [], subresources: [], etcdPath: '',
    storageVersion: 'v1', definition, preferred: true,
  };
}

const DEPLOYMENT = info('Deployment', 'io.k8s.api.apps.v1.Deployment');
const SERVICE = info('Service', 'io.k8s.api.core.v1.Service');
const POD = info('Pod', 'io.k8s.api.core.v1.Pod');
const CONFIGMAP = info('ConfigMap', 'io.k8s.api.core.v1.ConfigMap');
const REVISION = info('ControllerRevision', 'io.k8s.api.apps.v1.ControllerRevision');

function deployment(podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
      ...extra,
    },
  };
}

function podSpecOf(obj: unknown): Record<string, unknown> {
  return ((obj as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec);
}

function assertApiError(fn: () => unknown, code: number, reason: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `not an ApiError: ${String(e)}`);
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    return true;
  });
}

test('patch metadata comes from the OpenAPI definitions', () => {
  const pod = patchSchemaFor('io.k8s.api.core.v1.PodSpec');
  assert.equal(pod.kind, 'struct');
  if (pod.kind !== 'struct') return;
  assert.deepEqual(pod.field('containers')?.meta, { strategies: ['merge'], mergeKey: 'name' });
  assert.deepEqual(pod.field('volumes')?.meta, { strategies: ['merge', 'retainKeys'], mergeKey: 'name' });
  assert.deepEqual(pod.field('tolerations')?.meta, { strategies: [], mergeKey: '' });
  const containers = pod.field('containers')?.schema;
  assert.equal(containers?.kind, 'list');
  if (containers?.kind !== 'list' || containers.items.kind !== 'struct') return assert.fail('containers items');
  assert.deepEqual(containers.items.field('ports')?.meta, { strategies: ['merge'], mergeKey: 'containerPort' });
  assert.deepEqual(containers.items.field('volumeMounts')?.meta, { strategies: ['merge'], mergeKey: 'mountPath' });
  assert.equal(patchSchemaFor('io.k8s.example.v1.Unknown').kind, 'opaque');
  assert.equal(patchSchemaFor('io.k8s.apimachinery.pkg.runtime.RawExtension').kind, 'opaque');
});

test('kubectl apply: a container image change with $setElementOrder/containers', () => {
  const current = deployment({
    containers: [
      { name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  });
  const patch = {
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [{ image: 'nginx:1.26', name: 'app' }],
    } } },
  };
  const out = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out), {
    containers: [
      { name: 'app', image: 'nginx:1.26', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  });
});

test('$setElementOrder reorders containers; a server-only one goes before the first item it preceded live', () => {
  const current = deployment({
    containers: [{ name: 'a', image: 'a' }, { name: 'injected', image: 'x' }, { name: 'b', image: 'b' }],
  });
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } } } };
  const out = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  // 'injected' (live index 1) is compared with 'b' (live index 2) first and so leads.
  assert.deepEqual(podSpecOf(out).containers, [
    { name: 'injected', image: 'x' }, { name: 'b', image: 'b' }, { name: 'a', image: 'a' },
  ]);
});

test('kubectl apply: adding then removing an env var by name', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }] }] });
  const add = {
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }],
      containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '2' }], name: 'app' }],
    } } },
  };
  const added = applyStrategicMergePatch(current, add, DEPLOYMENT) as KubeObject;
  assert.deepEqual(podSpecOf(added).containers, [
    { name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
  ]);

  const remove = {
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }],
      containers: [{ '$setElementOrder/env': [{ name: 'B' }], env: [{ $patch: 'delete', name: 'A' }], name: 'app' }],
    } } },
  };
  const removed = applyStrategicMergePatch(added, remove, DEPLOYMENT);
  assert.deepEqual(podSpecOf(removed).containers, [{ name: 'app', image: 'nginx', env: [{ name: 'B', value: '2' }] }]);
});

test('a null removes a label; other labels merge', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx' }] });
  const out = applyStrategicMergePatch(current, { metadata: { labels: { tier: null, team: 'blue' } } }, DEPLOYMENT) as KubeObject;
  assert.deepEqual(out.metadata.labels, { app: 'web', team: 'blue' });
  assert.deepEqual(out.metadata, { name: 'web', namespace: 'default', labels: { app: 'web', team: 'blue' } });
});

test('container ports merge by containerPort', () => {
  const current = deployment({
    containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 9090, name: 'metrics' }] }],
  });
  const patch = { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 443, name: 'https' }, { containerPort: 80, protocol: 'TCP' }] }] } } } };
  const out = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  // Patch items come first in patch order; the server-only item keeps its live place after them.
  assert.deepEqual(podSpecOf(out).containers, [{
    name: 'app', image: 'nginx',
    ports: [{ containerPort: 443, name: 'https' }, { containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 9090, name: 'metrics' }],
  }]);
});

test('volumes merge by name and $retainKeys switches the volume source', () => {
  const current = deployment({
    containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ mountPath: '/data', name: 'data' }] }],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'cache', emptyDir: { medium: 'Memory' } }],
  });
  const patch = {
    spec: { template: { spec: {
      '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cache' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' }, name: 'data' }],
    } } },
  };
  const out = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out).volumes, [
    { name: 'data', configMap: { name: 'settings' } },
    { name: 'cache', emptyDir: { medium: 'Memory' } },
  ]);
});

test('deployment strategy (retainKeys): switching to Recreate drops rollingUpdate', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx' }] }, {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  });
  const out = applyStrategicMergePatch(current, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOYMENT) as { spec: Record<string, unknown> };
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('$retainKeys must list every key the patch sets (400)', () => {
  const current = deployment({ containers: [] }, { strategy: { type: 'RollingUpdate' } });
  assertApiError(() => applyStrategicMergePatch(current, { spec: { strategy: { $retainKeys: ['rollingUpdate'], type: 'Recreate' } } }, DEPLOYMENT),
    400, 'BadRequest', 'invalid patch format of retainKeys');
  assertApiError(() => applyStrategicMergePatch(current, { spec: { strategy: { $retainKeys: 'type' } } }, DEPLOYMENT),
    400, 'BadRequest', 'invalid patch format of retainKeys');
});

test('finalizers (strategy merge) merge as a set; $deleteFromPrimitiveList removes', () => {
  const current: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a.io/x', 'b.io/y'] } };
  const merged = applyStrategicMergePatch(current, { metadata: { finalizers: ['c.io/z', 'a.io/x'] } }, CONFIGMAP) as KubeObject;
  assert.deepEqual(merged.metadata.finalizers, ['c.io/z', 'a.io/x', 'b.io/y']);

  const deleted = applyStrategicMergePatch(current, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x', 'nope'] } }, CONFIGMAP) as KubeObject;
  assert.deepEqual(deleted.metadata.finalizers, ['b.io/y']);

  // kubectl apply: the order list, the additions and the deletions together.
  const applied = applyStrategicMergePatch(current, {
    metadata: { '$setElementOrder/finalizers': ['b.io/y', 'c.io/z'], '$deleteFromPrimitiveList/finalizers': ['a.io/x'], finalizers: ['c.io/z'] },
  }, CONFIGMAP) as KubeObject;
  assert.deepEqual(applied.metadata.finalizers, ['b.io/y', 'c.io/z']);
});

test('lists without a strategy are replaced (tolerations, args)', () => {
  const current = deployment({
    containers: [{ name: 'app', image: 'nginx', args: ['-a', '-b'] }],
    tolerations: [{ key: 'k1', operator: 'Exists' }, { key: 'k2', operator: 'Exists' }],
  });
  const patch = { spec: { template: { spec: { tolerations: [{ key: 'k3', operator: 'Exists' }], containers: [{ name: 'app', args: ['-c'] }] } } } };
  const out = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out), {
    containers: [{ name: 'app', image: 'nginx', args: ['-c'] }],
    tolerations: [{ key: 'k3', operator: 'Exists' }],
  });
});

test('imagePullSecrets merge by name; without $setElementOrder new elements come first', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx' }], imagePullSecrets: [{ name: 'one' }] });
  const out = applyStrategicMergePatch(current, { spec: { template: { spec: { imagePullSecrets: [{ name: 'two' }] } } } }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out).imagePullSecrets, [{ name: 'two' }, { name: 'one' }]);

  // The kubectl patch task page's example: the added container is listed first.
  const demo = deployment({ containers: [{ name: 'patch-demo-ctr', image: 'nginx' }] });
  const patched = applyStrategicMergePatch(demo, { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(patched).containers, [{ name: 'patch-demo-ctr-2', image: 'redis' }, { name: 'patch-demo-ctr', image: 'nginx' }]);
});

test('$patch: replace on a map and on a list', () => {
  const current = deployment({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }], nodeSelector: { disk: 'ssd', zone: 'z1' } });
  const mapReplaced = applyStrategicMergePatch(current, { spec: { template: { spec: { nodeSelector: { $patch: 'replace', zone: 'z2' } } } } }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(mapReplaced).nodeSelector, { zone: 'z2' });

  const listReplaced = applyStrategicMergePatch(current, { spec: { template: { spec: { containers: [{ name: 'c', image: 'c' }, { $patch: 'replace' }] } } } }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(listReplaced).containers, [{ name: 'c', image: 'c' }]);

  const top = applyStrategicMergePatch(current, { $patch: 'replace', apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, DEPLOYMENT);
  assert.deepEqual(top, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
});

test('$patch: delete on a map empties it; on a list element removes that element', () => {
  const current = deployment({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }], securityContext: { runAsUser: 1000 } });
  const out = applyStrategicMergePatch(current, {
    spec: { template: { spec: { securityContext: { $patch: 'delete' }, containers: [{ name: 'a', $patch: 'delete' }] } } },
  }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out), { containers: [{ name: 'b', image: 'b' }], securityContext: {} });
});

test('service ports: change a targetPort, add a port, delete one (merge key port)', () => {
  const current: KubeObject = {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' },
    spec: {
      type: 'ClusterIP', clusterIP: '10.0.0.10', selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'admin', port: 9000, protocol: 'TCP', targetPort: 9000 }],
    },
  };
  const patch = {
    spec: {
      '$setElementOrder/ports': [{ port: 80 }, { port: 443 }],
      ports: [{ port: 80, targetPort: 8081 }, { name: 'https', port: 443, targetPort: 8443 }, { $patch: 'delete', port: 9000 }],
    },
  };
  const out = applyStrategicMergePatch(current, patch, SERVICE) as { spec: Record<string, unknown> };
  assert.deepEqual(out.spec, {
    type: 'ClusterIP', clusterIP: '10.0.0.10', selector: { app: 'web' },
    ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8081 }, { name: 'https', port: 443, targetPort: 8443 }],
  });
});

test('values without schema information merge as JSON merge patch', () => {
  const current: KubeObject = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1,
    data: { spec: { template: { a: 1, b: 2 } }, list: [1, 2] },
  };
  const out = applyStrategicMergePatch(current, { data: { spec: { template: { b: null, c: 3 } }, list: [3] } }, REVISION) as Record<string, unknown>;
  assert.deepEqual(out.data, { spec: { template: { a: 1, c: 3 } }, list: [3] });
  const listData = applyStrategicMergePatch({ ...current, data: [1, 2] }, { data: [3] }, REVISION) as Record<string, unknown>;
  assert.deepEqual(listData.data, [3]);

  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
  const patched = applyStrategicMergePatch(cm, { data: { a: null, c: '3' } }, CONFIGMAP) as Record<string, unknown>;
  assert.deepEqual(patched.data, { b: '2', c: '3' });
});

test('new values are added without nulls or directives', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx' }] });
  const out = applyStrategicMergePatch(current, {
    spec: { template: { spec: { affinity: { nodeAffinity: null, podAffinity: { x: null } }, volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', $patch: 'delete' }] } } },
  }, DEPLOYMENT);
  assert.deepEqual(podSpecOf(out).affinity, { podAffinity: {} });
  assert.deepEqual(podSpecOf(out).volumes, [{ name: 'v', emptyDir: {} }]);
});

test('neither the stored object nor the patch is modified', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }] }] });
  const patch = { metadata: { labels: { app: null } }, spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } } } };
  const before = structuredClone(current);
  const patchBefore = structuredClone(patch);
  const first = applyStrategicMergePatch(current, patch, DEPLOYMENT);
  assert.deepEqual(current, before);
  assert.deepEqual(patch, patchBefore);
  // The store may run the patch again after a conflict: same input, same answer.
  assert.deepEqual(applyStrategicMergePatch(current, patch, DEPLOYMENT), first);
});

test('a null patch changes nothing; a patch that is not an object is a 400', () => {
  const current = deployment({ containers: [] });
  assert.deepEqual(applyStrategicMergePatch(current, null, DEPLOYMENT), current);
  assertApiError(() => applyStrategicMergePatch(current, [{ op: 'add' }], DEPLOYMENT), 400, 'BadRequest',
    'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assertApiError(() => applyStrategicMergePatch(current, 'x', DEPLOYMENT), 400, 'BadRequest',
    'json: cannot unmarshal string into Go value of type map[string]interface {}');
});

test('malformed directives get upstream messages and codes', () => {
  const current = deployment({ containers: [{ name: 'app', image: 'nginx' }] }, { strategy: { type: 'RollingUpdate' } });
  const spec = (s: Record<string, unknown>) => ({ spec: { template: { spec: s } } });
  // Sentinel errors are 400.
  assertApiError(() => applyStrategicMergePatch(current, spec({ $setElementOrderContainers: [] }), DEPLOYMENT),
    400, 'BadRequest', 'invalid patch format of setElementOrder list');
  assertApiError(() => applyStrategicMergePatch(current, { metadata: { $deleteFromPrimitiveListfinalizers: ['x'] } }, DEPLOYMENT),
    400, 'BadRequest', 'invalid patch format of primitive list');
  // Lists of lists are 422 with upstream's generic message.
  const withFinalizers = { ...current, metadata: { ...current.metadata, finalizers: [] } };
  assertApiError(() => applyStrategicMergePatch(withFinalizers, { metadata: { finalizers: [['x']] } }, DEPLOYMENT),
    422, 'Invalid', 'the server rejected our request due to an error in our request');
  // Everything else reaches the client as upstream's plain error: 500 without a reason.
  assertApiError(() => applyStrategicMergePatch(current, spec({ containers: [{ image: 'x' }] }), DEPLOYMENT),
    500, '', 'map: map[image:x] does not contain declared merge key: name');
  assertApiError(() => applyStrategicMergePatch(current, { spec: { strategy: { $patch: 'bogus', type: 'Recreate' } } }, DEPLOYMENT),
    500, '', 'unknown patch type: bogus in map: map[$patch:bogus type:Recreate]');
  assertApiError(() => applyStrategicMergePatch(current, spec({ containers: [{ name: 'app', $patch: 'merge' }] }), DEPLOYMENT),
    500, '', 'merging lists cannot yet be specified in the patch');
  assertApiError(() => applyStrategicMergePatch(current, spec({ containers: [{ name: 'x', $patch: 7 }] }), DEPLOYMENT),
    500, '', 'unknown patch type: %!s(int64=7) in map: map[$patch:7 name:x]');
  assertApiError(() => applyStrategicMergePatch(current, spec({ '$setElementOrder/containers': [{ name: 'x' }], containers: [{ name: 'app' }] }), DEPLOYMENT),
    500, '', 'The order in patch list:\n[map[name:app]]\n doesn\'t match $setElementOrder list:\n[map[name:x]]\n');
  assertApiError(() => applyStrategicMergePatch(current, spec({ containers: ['app'] }), DEPLOYMENT),
    500, '', 'list element types are not identical: [[map[image:nginx name:app]] [app]]');
});

test('an unknown type merges as plain JSON', () => {
  const current: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } };
  const out = applyStrategicMergePatch(current, { spec: { containers: [{ name: 'b' }] } }, { ...POD, definition: 'io.k8s.example.v1.Nothing' });
  assert.deepEqual(out, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'b' }] } });
});

// The managed-fields engine: exact managedFields for create, update, apply, conflicts, force,
// removal of fields no longer applied and shared ownership, as upstream's structured-merge-diff
// and field manager stack produce them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import type { ApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { applyConfiguration, managerOf, recordWrite, validatePatchOptions } from '../../src/registry/fieldmanager/field-manager.js';

const catalog = builtinCatalog();
const deployments = catalog.lookup('apps', 'v1', 'deployments')!;
const configmaps = catalog.lookup('', 'v1', 'configmaps')!;

interface Entry { manager: string; operation: string; apiVersion: string; time?: string; fieldsType: string; fieldsV1: unknown; subresource?: string }

function entries(obj: KubeObject): Entry[] {
  return (obj.metadata.managedFields ?? []) as unknown as Entry[];
}

function fieldsOf(obj: KubeObject, manager: string): unknown {
  const e = entries(obj).find(x => x.manager === manager);
  return e?.fieldsV1;
}

const deployment = (replicas: number | undefined, labels: Record<string, string> = { app: 'web' }, image = 'nginx:1') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
    },
  },
});

const apply = (live: KubeObject | null, config: unknown, manager: string, force = false) =>
  applyConfiguration({ info: deployments, subresource: '', live, config, manager, force });

function conflict(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  assert.fail('expected a conflict');
}

describe('managedFields on create and update', () => {
  it('records a create as an Update entry with "." for maps the write added', () => {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels: { app: 'a' } }, data: { k: 'v' } };
    recordWrite(configmaps, '', 'kubectl-create', null, obj);
    const [e, ...rest] = entries(obj);
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...e, time: undefined }, {
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: undefined, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    });
    assert.match(e!.time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('gives changed fields to the updater and takes them from the previous owner', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1', b: '2' } };
    recordWrite(configmaps, '', 'creator', null, live);
    const next = structuredClone(live);
    next['data'] = { a: '1', b: '3', c: '4' };
    recordWrite(configmaps, '', 'editor', live, next);
    assert.deepEqual(fieldsOf(next, 'creator'), { 'f:data': { '.': {}, 'f:a': {} } });
    assert.deepEqual(fieldsOf(next, 'editor'), { 'f:data': { 'f:b': {}, 'f:c': {} } });
  });

  it('leaves managedFields alone on a no-op update', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: '1' } };
    recordWrite(configmaps, '', 'creator', null, live);
    const next = structuredClone(live);
    delete next.metadata.managedFields;
    recordWrite(configmaps, '', 'other', live, next);
    assert.deepEqual(next.metadata.managedFields, live.metadata.managedFields);
  });

  it('caps update managers at 10, merging the oldest into ancient-changes', () => {
    let obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: {} };
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(obj);
      (next['data'] as Record<string, string>)[`k${i}`] = 'v';
      recordWrite(configmaps, '', `m${i}`, obj, next);
      // Distinct times keep the oldest-first order deterministic.
      const mine = entries(next).find(e => e.manager === `m${i}`);
      if (mine && i < 10) mine.time = `2020-01-01T00:00:${10 + i}Z`;
      obj = next;
    }
    const managers = entries(obj).map(e => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes'), managers.join(','));
    assert.ok(!managers.includes('m0') && !managers.includes('m1'));
    assert.deepEqual(fieldsOf(obj, 'ancient-changes'), { 'f:data': { 'f:k0': {}, 'f:k1': {} } });
  });
});

describe('status writes own what their status strategy keeps (GetResetFields)', () => {
  it('deployments/status never owns spec or metadata.labels; replicasets/status may own labels', () => {
    const live = deployment(1) as KubeObject;
    recordWrite(deployments, '', 'creator', null, live);
    const next = structuredClone(live);
    next.metadata.labels = { app: 'web', extra: 'x' };
    next.metadata.annotations = { note: 'y' };
    next['status'] = { replicas: 1 };
    recordWrite(deployments, 'status', 'ctl', live, next);
    assert.deepEqual(fieldsOf(next, 'ctl'), { 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } }, 'f:status': { '.': {}, 'f:replicas': {} } });
    const replicasets = catalog.lookup('apps', 'v1', 'replicasets')!;
    const rs = { ...(deployment(1) as KubeObject), kind: 'ReplicaSet' } as KubeObject;
    recordWrite(replicasets, '', 'creator', null, rs);
    const rsNext = structuredClone(rs);
    rsNext.metadata.labels = { app: 'web', extra: 'x' };
    recordWrite(replicasets, 'status', 'ctl', rs, rsNext);
    assert.deepEqual(fieldsOf(rsNext, 'ctl'), { 'f:metadata': { 'f:labels': { 'f:extra': {} } } });
  });
});

describe('server-side apply', () => {
  it('creates an object and owns exactly the applied fields', () => {
    const obj = apply(null, deployment(2), 'alice');
    assert.equal((obj['spec'] as { replicas: number }).replicas, 2);
    const [e] = entries(obj);
    assert.equal(e!.operation, 'Apply');
    assert.equal(e!.apiVersion, 'apps/v1');
    assert.deepEqual(e!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
        },
      },
    });
  });

  it('reports a conflict as upstream: 409 naming the manager and field', () => {
    const live = apply(null, deployment(2), 'alice');
    const err = conflict(() => apply(live, deployment(3), 'bob'));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' }]);
  });

  it('names update managers with their apiVersion and lists several conflicts', () => {
    const live = apply(null, deployment(2), 'alice');
    const edited = structuredClone(live);
    (edited['spec'] as { replicas: number }).replicas = 4;
    (edited.metadata.labels as Record<string, string>)['app'] = 'other';
    recordWrite(deployments, '', 'kubectl-edit', live, edited);
    const err = conflict(() => apply(edited, deployment(2), 'alice'));
    assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .metadata.labels.app\n- .spec.replicas');
  });

  it('force takes ownership from the other manager', () => {
    const live = apply(null, deployment(2), 'alice');
    const obj = apply(live, deployment(3), 'bob', true);
    assert.equal((obj['spec'] as { replicas: number }).replicas, 3);
    const alice = fieldsOf(obj, 'alice') as { 'f:spec': Record<string, unknown> };
    const bob = fieldsOf(obj, 'bob') as { 'f:spec': Record<string, unknown> };
    assert.equal(alice['f:spec']['f:replicas'], undefined);
    assert.deepEqual(bob['f:spec']['f:replicas'], {});
  });

  it('shares ownership of equal values and keeps a field another applier still owns', () => {
    const live = apply(null, deployment(2), 'alice');
    const shared = apply(live, deployment(2), 'bob');
    assert.deepEqual((fieldsOf(shared, 'alice') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], {});
    assert.deepEqual((fieldsOf(shared, 'bob') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], {});
    const dropped = apply(shared, deployment(undefined), 'alice');
    assert.equal((dropped['spec'] as { replicas: number }).replicas, 2);
    assert.equal((fieldsOf(dropped, 'alice') as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
  });

  it('removes a field the applier no longer applies when nobody else owns it', () => {
    const live = apply(null, deployment(2, { app: 'web', tier: 'front' }), 'alice');
    const obj = apply(live, deployment(2, { app: 'web' }), 'alice');
    assert.deepEqual(obj.metadata.labels, { app: 'web' });
    assert.deepEqual((fieldsOf(obj, 'alice') as { 'f:metadata': unknown })['f:metadata'], { 'f:labels': { 'f:app': {} } });
  });

  it('keeps a removed field that an updater owns', () => {
    const live = apply(null, deployment(2, { app: 'web', tier: 'front' }), 'alice');
    const edited = structuredClone(live);
    (edited.metadata.labels as Record<string, string>)['tier'] = 'back';
    recordWrite(deployments, '', 'kubectl-edit', live, edited);
    const obj = apply(edited, deployment(2, { app: 'web' }), 'alice');
    assert.deepEqual(obj.metadata.labels, { app: 'web', tier: 'back' });
  });

  it('merges list items by key: another applier\'s container stays', () => {
    const live = apply(null, deployment(2), 'alice');
    const sidecar = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } },
    };
    const obj = apply(live, sidecar, 'bob');
    const names = ((obj['spec'] as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers).map(c => c.name);
    assert.deepEqual(names, ['nginx', 'sidecar']);
    assert.deepEqual(fieldsOf(obj, 'bob'), { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } });
  });

  it('rejects managedFields in the configuration and a wrong apiVersion', () => {
    assert.throws(() => apply(null, { ...deployment(1), metadata: { name: 'web', managedFields: [] } }, 'a'), { code: 400, message: 'metadata.managedFields must be nil' });
    assert.throws(() => apply(null, { ...deployment(1), apiVersion: 'apps/v1beta1' }, 'a'), { code: 400, message: 'invalid object type: apps/v1beta1, Kind=Deployment' });
    assert.throws(() => apply(null, { ...deployment(1), apiVersion: undefined }, 'a'), { code: 400, message: 'invalid object type: /, Kind=Deployment' });
    assert.throws(() => apply(null, { ...deployment(1), kind: undefined }, 'a'), { code: 400, message: 'invalid object type: apps/v1, Kind=' });
  });
});

describe('list semantics and kubectl interplay', () => {
  it('tracks set-type lists by value', () => {
    const obj = apply(null, { ...deployment(1), metadata: { name: 'web', finalizers: ['example.com/a', 'example.com/b'] } }, 'alice');
    assert.deepEqual((fieldsOf(obj, 'alice') as { 'f:metadata': unknown })['f:metadata'], { 'f:finalizers': { 'v:"example.com/a"': {}, 'v:"example.com/b"': {} } });
  });

  it('keeps the client-side apply annotation in step when the "kubectl" manager applies', () => {
    const live = apply(null, { ...deployment(1), metadata: { name: 'web', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } }, 'kubectl-client-side-apply');
    const config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } };
    const obj = apply(live, config, 'kubectl', true);
    assert.equal(obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}\n');
    const other = apply(live, config, 'helm', true);
    assert.equal(other.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], '{}');
  });
});

describe('client-side to server-side apply', () => {
  it('lets "kubectl" take fields the last-applied annotation still describes, and only those', () => {
    const annotated = { ...deployment(2), metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: {} as Record<string, string> } };
    annotated.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(deployment(2));
    const live: KubeObject = { ...annotated, metadata: { ...annotated.metadata } } as KubeObject;
    recordWrite(deployments, '', 'kubectl-client-side-apply', null, live);
    const edited = structuredClone(live);
    (edited.metadata.labels as Record<string, string>)['app'] = 'changed';
    recordWrite(deployments, '', 'kubectl-edit', live, edited);

    const obj = apply(live, deployment(3), 'kubectl');
    assert.equal((obj['spec'] as { replicas: number }).replicas, 3);
    const err = conflict(() => apply(edited, deployment(3), 'kubectl'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .metadata.labels.app');
    assert.equal(conflict(() => apply(live, deployment(3), 'someone')).code, 409);
  });
});

describe('field manager options', () => {
  it('derives the manager from the User-Agent prefix', () => {
    assert.equal(managerOf(new URLSearchParams(), 'kubectl-client-side-apply/v1.32.4 (linux/amd64) kubernetes/abc', 'PatchOptions'), 'kubectl-client-side-apply');
    assert.equal(managerOf(new URLSearchParams('fieldManager=helm'), 'kubectl/v1.32.4', 'CreateOptions'), 'helm');
  });

  it('validates fieldManager length and apply/force pairing with 422s', () => {
    assert.throws(() => managerOf(new URLSearchParams({ fieldManager: 'x'.repeat(129) }), '', 'CreateOptions'),
      { code: 422, message: 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes' });
    assert.throws(() => validatePatchOptions(new URLSearchParams(), true),
      { code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
    assert.throws(() => validatePatchOptions(new URLSearchParams('force=true'), false),
      { code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch' });
  });
});

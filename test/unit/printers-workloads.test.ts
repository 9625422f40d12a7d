// Table cells of apps/v1, batch/v1 and autoscaling workloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printCells } from '../../src/api/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const SEC = 1000;
const MIN = 60 * SEC;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Json = Record<string, unknown>;
const meta = (name: string, extra: Json = {}) => ({ name, namespace: 'default', creationTimestamp: ago(3 * MIN), ...extra });
const cells = (group: string, resource: string, o: Json) => printCells(group, resource, o, { now: NOW });
const row = (group: string, resource: string, o: Json, columns: string[]) => {
  const c = cells(group, resource, o);
  return columns.map(n => c[n]);
};
const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'fluentbit' }] } };

test('deployments', () => {
  const d = { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
  assert.deepEqual(row('apps', 'deployments', d, ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']),
    ['web', '2/3', 3, 2, '3m', 'web,log', 'nginx:1.27,fluentbit', 'app=web,tier notin (db)']);
  const bare = cells('apps', 'deployments', { metadata: meta('x'), spec: {} });
  assert.equal(bare.Ready, '0/1');
  assert.equal(bare.Selector, '');
  assert.equal(cells('apps', 'deployments', { metadata: meta('x'), spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Bad' }] } } }).Selector, '<invalid>');
});

test('replicasets, statefulsets, daemonsets', () => {
  const rs = { metadata: meta('web-5d4'), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4' } }, template }, status: { replicas: 3, readyReplicas: 2 } };
  assert.deepEqual(row('apps', 'replicasets', rs, ['Desired', 'Current', 'Ready', 'Containers', 'Images', 'Selector']),
    [3, 3, 2, 'web,log', 'nginx:1.27,fluentbit', 'app=web,pod-template-hash=5d4']);
  assert.equal(cells('apps', 'replicasets', { metadata: meta('r'), spec: { selector: {} } }).Selector, '<none>');
  const sts = { metadata: meta('db'), spec: { replicas: 2, template }, status: { readyReplicas: 1 } };
  assert.deepEqual(row('apps', 'statefulsets', sts, ['Ready', 'Age', 'Containers', 'Images']), ['1/2', '3m', 'web,log', 'nginx:1.27,fluentbit']);
  const ds = {
    metadata: meta('agent'),
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2 },
  };
  assert.deepEqual(row('apps', 'daemonsets', ds, ['Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector']),
    [3, 3, 2, 1, 2, 'kubernetes.io/os=linux', '3m', 'a', 'agent:1', 'app=agent']);
  assert.equal(cells('apps', 'daemonsets', { metadata: meta('d') })['Node Selector'], '<none>');
});

test('controller revisions', () => {
  const cr = { metadata: meta('db-7c9', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'x' }, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', controller: true }] }), revision: 2 };
  assert.deepEqual(row('apps', 'controllerrevisions', cr, ['Controller', 'Revision']), ['statefulset.apps/db', 2]);
  assert.equal(cells('apps', 'controllerrevisions', { metadata: meta('c') }).Controller, '<none>');
});

test('jobs: status, completions, duration', () => {
  const done = {
    metadata: meta('pi'), spec: { completions: 1, parallelism: 1, template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } } },
    status: { succeeded: 1, startTime: ago(2 * MIN), completionTime: ago(2 * MIN - 25 * SEC), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(row('batch', 'jobs', done, ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']),
    ['pi', 'Complete', '1/1', '25s', '3m', 'web,log', 'nginx:1.27,fluentbit', 'batch.kubernetes.io/controller-uid=u1']);
  const running = cells('batch', 'jobs', { metadata: meta('w'), spec: { parallelism: 3 }, status: { startTime: ago(90 * SEC) } });
  assert.deepEqual([running.Status, running.Completions, running.Duration], ['Running', '0/1 of 3', '90s']);
  const fresh = cells('batch', 'jobs', { metadata: meta('f'), spec: {}, status: {} });
  assert.deepEqual([fresh.Completions, fresh.Duration], ['0/1', '']);
  const status = (conditions: Json[], extra: Json = {}) => cells('batch', 'jobs', { metadata: meta('s', extra), spec: {}, status: { conditions } }).Status;
  assert.equal(status([{ type: 'Failed', status: 'True' }]), 'Failed');
  assert.equal(status([{ type: 'Suspended', status: 'True' }]), 'Suspended');
  assert.equal(status([{ type: 'FailureTarget', status: 'True' }]), 'FailureTarget');
  assert.equal(status([{ type: 'Suspended', status: 'True' }], { deletionTimestamp: ago(SEC) }), 'Terminating');
  assert.equal(status([{ type: 'Complete', status: 'False' }]), 'Running');
});

test('cronjobs', () => {
  const cj = {
    metadata: meta('backup'),
    spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
    status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(3 * MIN) },
  };
  assert.deepEqual(row('batch', 'cronjobs', cj, ['Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Containers', 'Images', 'Selector']),
    ['*/5 * * * *', '<none>', 'False', 1, '3m', 'web,log', 'nginx:1.27,fluentbit', '<none>']);
  const other = cells('batch', 'cronjobs', { metadata: meta('b'), spec: { schedule: '@daily', timeZone: 'Etc/UTC', suspend: true } });
  assert.deepEqual([other.Timezone, other.Suspend, other.Active, other['Last Schedule']], ['Etc/UTC', 'True', 0, '<none>']);
});

test('horizontal pod autoscalers, v2 and v1 shapes', () => {
  const v2 = {
    metadata: meta('web'),
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1000' } } },
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
      ],
    },
    status: { currentReplicas: 4, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 31, averageValue: '120m' } } }, { type: 'Pods', pods: { current: { averageValue: '500' } } }] },
  };
  assert.deepEqual(row('autoscaling', 'horizontalpodautoscalers', v2, ['Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas']),
    ['Deployment/web', 'cpu: 31%/50%, 500/1k + 1 more...', '2', 10, 4]);
  const memory = { metadata: meta('m'), spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 3, metrics: [
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
    { type: 'Object', object: { target: { type: 'AverageValue', averageValue: '2' } } },
  ] }, status: {} };
  const m = cells('autoscaling', 'horizontalpodautoscalers', memory);
  assert.equal(m.Targets, 'memory: <unknown>/512Mi, <unknown>/2 (avg)');
  assert.equal(m.MinPods, '1');
  const v1 = { metadata: meta('old'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'old' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 }, status: { currentReplicas: 1, currentCPUUtilizationPercentage: 45 } };
  assert.equal(cells('autoscaling', 'horizontalpodautoscalers', v1).Targets, 'cpu: 45%/80%');
  assert.equal(cells('autoscaling', 'horizontalpodautoscalers', { metadata: meta('d'), spec: {} }).Targets, 'cpu: <unknown>/80%');
});

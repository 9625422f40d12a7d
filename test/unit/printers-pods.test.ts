// The pods table row, including upstream's Status reason logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printCells } from '../../src/api/printers/index.js';
import { tablePrinter } from '../../src/api/printers/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MIN = 60_000;

type Json = Record<string, unknown>;

function pod(spec: Json, status: Json, meta: Json = {}): Json {
  return { metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(10 * MIN), ...meta }, spec, status };
}

const cells = (o: Json) => printCells('', 'pods', o, { now: NOW });
const one = [{ name: 'app', image: 'nginx' }];
const running = { running: { startedAt: ago(9 * MIN) } };

test('a running pod with restarts: ready, status, "N (age ago)", wide columns', () => {
  const c = cells(pod({ containers: one, nodeName: 'node1' }, {
    phase: 'Running',
    podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } } }],
  }));
  assert.deepEqual(c, {
    Name: 'web-1', Age: '10m', 'Created At': ago(10 * MIN),
    Ready: '1/1', Status: 'Running', Restarts: '3 (5m ago)', IP: '10.1.0.5', Node: 'node1', 'Nominated Node': '<none>', 'Readiness Gates': '<none>',
  });
});

test('restarts without a finished time print the bare count; unscheduled pods show <none>', () => {
  const c = cells(pod({ containers: one }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 2, state: { waiting: { reason: 'ContainerCreating' } } }],
  }));
  assert.equal(c.Ready, '0/1');
  assert.equal(c.Status, 'ContainerCreating');
  assert.equal(c.Restarts, '2');
  assert.equal(c.IP, '<none>');
  assert.equal(c.Node, '<none>');
  assert.equal(cells(pod({ containers: one }, { phase: 'Pending' })).Status, 'Pending');
  assert.equal(cells(pod({ containers: one }, { phase: 'Running', podIP: '10.9.9.9' })).IP, '10.9.9.9');
});

test('container waiting and terminated reasons', () => {
  const status = (state: Json) => cells(pod({ containers: one }, { phase: 'Running', containerStatuses: [{ name: 'app', state }] })).Status;
  assert.equal(status({ waiting: { reason: 'CrashLoopBackOff' } }), 'CrashLoopBackOff');
  assert.equal(status({ terminated: { reason: 'OOMKilled', exitCode: 137 } }), 'OOMKilled');
  assert.equal(status({ terminated: { exitCode: 1 } }), 'ExitCode:1');
  assert.equal(status({ terminated: { exitCode: 0, signal: 9 } }), 'Signal:9');
});

test('init containers', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: one };
  const status = (init: Json[], extra: Json = {}) => cells(pod(spec, { phase: 'Pending', initContainerStatuses: init, ...extra })).Status;
  assert.equal(status([{ name: 'i1', state: running }]), 'Init:0/2');
  assert.equal(status([{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }]), 'Init:1/2');
  assert.equal(status([{ name: 'i1', state: { waiting: { reason: 'ImagePullBackOff' } } }]), 'Init:ImagePullBackOff');
  assert.equal(status([{ name: 'i1', state: { terminated: { exitCode: 2 } } }]), 'Init:ExitCode:2');
  assert.equal(status([{ name: 'i1', state: { terminated: { exitCode: 143, signal: 15 } } }]), 'Init:Signal:15');
  // Exit code 0 means done, whatever the signal.
  assert.equal(status([{ name: 'i1', state: { terminated: { exitCode: 0, signal: 15 } } }]), 'Pending');
  assert.equal(status([{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'Error' } } }]), 'Init:Error');
  // Init restarts count while initializing.
  const c = cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }));
  assert.equal(c.Status, 'Init:CrashLoopBackOff');
  assert.equal(c.Restarts, '4');
});

test('sidecars (restartable init containers) count toward ready, total and restarts', () => {
  const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: one };
  const c = cells(pod(spec, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
    initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: running }],
  }));
  assert.equal(c.Ready, '2/2');
  assert.equal(c.Status, 'Running');
  assert.equal(c.Restarts, '3');
});

test('completed containers next to running ones', () => {
  const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
  const statuses = [
    { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    { name: 'b', ready: true, state: running },
  ];
  assert.equal(cells(pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses })).Status, 'Running');
  assert.equal(cells(pod(spec, { phase: 'Running', containerStatuses: statuses })).Status, 'NotReady');
  assert.equal(cells(pod(spec, { phase: 'Running', containerStatuses: statuses })).Ready, '1/2');
});

test('phase reasons, scheduling gates, deletion', () => {
  assert.equal(cells(pod({ containers: one }, { phase: 'Failed', reason: 'Evicted' })).Status, 'Evicted');
  assert.equal(cells(pod({ containers: one }, {
    phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
  })).Status, 'SchedulingGated');
  const deleting = { deletionTimestamp: ago(MIN) };
  assert.equal(cells(pod({ containers: one }, { phase: 'Running' }, deleting)).Status, 'Terminating');
  assert.equal(cells(pod({ containers: one }, { phase: 'Running', reason: 'NodeLost' }, deleting)).Status, 'Unknown');
  assert.equal(cells(pod({ containers: one }, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, deleting)).Status, 'Completed');
});

test('readiness gates', () => {
  const c = cells(pod({ containers: one, readinessGates: [{ conditionType: 'a/x' }, { conditionType: 'b/y' }] }, {
    phase: 'Running', conditions: [{ type: 'a/x', status: 'True' }, { type: 'b/y', status: 'False' }],
  }));
  assert.equal(c['Readiness Gates'], '1/2');
});

test('finished pods carry a Completed row condition', () => {
  const p = tablePrinter({ group: '', version: 'v1', resource: 'pods' });
  assert.deepEqual(p.conditions(pod({ containers: one }, { phase: 'Succeeded' })),
    [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  assert.deepEqual(p.conditions(pod({ containers: one }, { phase: 'Failed' })),
    [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  assert.equal(p.conditions(pod({ containers: one }, { phase: 'Running' })), undefined);
});

test('an empty object prints without throwing', () => {
  const c = cells({ metadata: {} });
  assert.equal(c.Ready, '0/0');
  assert.equal(c.Status, '');
  assert.equal(c.Age, '<unknown>');
  assert.equal(c['Created At'], '0001-01-01T00:00:00Z');
});

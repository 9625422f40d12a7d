// events.k8s.io/v1 Events are stored as core v1 Events: the field mapping both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { fromStorage, needsConversion, toStorage } from '../../src/api/conversion/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';

/** Frozen inputs prove the converters never modify them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function info(group: string): ResourceInfo {
  const r = builtinCatalog().lookup(group, 'v1', 'events');
  assert.ok(r);
  return r;
}

const metadata = { name: 'web-1.17a', namespace: 'default', uid: '5e2c', resourceVersion: '812', creationTimestamp: '2024-05-01T10:00:00Z' };

const eventsV1: KubeObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata,
  eventTime: '2024-05-01T10:00:00.123456Z',
  series: { count: 4, lastObservedTime: '2024-05-01T10:04:00.000001Z' },
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
  action: 'Pulling',
  reason: 'Pulling',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: '77aa', apiVersion: 'v1', resourceVersion: '500', fieldPath: 'spec.containers{web}' },
  related: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
  note: 'Pulling image "nginx:1.27"',
  type: 'Normal',
  deprecatedSource: { component: 'kubelet', host: 'node-1' },
  deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
  deprecatedLastTimestamp: '2024-05-01T10:04:00Z',
  deprecatedCount: 4,
};

const core: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata,
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: '77aa', apiVersion: 'v1', resourceVersion: '500', fieldPath: 'spec.containers{web}' },
  reason: 'Pulling',
  message: 'Pulling image "nginx:1.27"',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:04:00Z',
  count: 4,
  type: 'Normal',
  eventTime: '2024-05-01T10:00:00.123456Z',
  series: { count: 4, lastObservedTime: '2024-05-01T10:04:00.000001Z' },
  action: 'Pulling',
  related: { kind: 'Node', name: 'node-1', apiVersion: 'v1' },
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

test('events.k8s.io/v1 is stored as core v1 (storage group "") and needs conversion; core v1 does not', () => {
  assert.equal(info('events.k8s.io').storageGroup, '');
  assert.equal(needsConversion(info('events.k8s.io')), true);
  assert.equal(needsConversion(info('')), false);
});

test('events.k8s.io/v1 → core v1: regarding, note, deprecated* and reportingController take their core names', () => {
  const stored = toStorage(info('events.k8s.io'), deepFreeze(structuredClone(eventsV1)));
  assert.deepEqual(stored, core);
});

test('core v1 → events.k8s.io/v1 is the exact inverse', () => {
  const served = fromStorage(info('events.k8s.io'), deepFreeze(structuredClone(core)));
  assert.deepEqual(served, eventsV1);
  assert.deepEqual(toStorage(info('events.k8s.io'), served), core);
  assert.deepEqual(fromStorage(info('events.k8s.io'), toStorage(info('events.k8s.io'), eventsV1)), eventsV1);
});

test('a sparse event maps only the fields it has', () => {
  const minimal: KubeObject = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns' },
    eventTime: '2024-05-01T10:00:00.000000Z', reportingController: 'ctl', reportingInstance: 'ctl-1', action: 'Sync', reason: 'Done', regarding: { kind: 'Pod', name: 'p' },
  };
  const stored = toStorage(info('events.k8s.io'), minimal);
  assert.deepEqual(stored, {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns' },
    eventTime: '2024-05-01T10:00:00.000000Z', reportingComponent: 'ctl', reportingInstance: 'ctl-1', action: 'Sync', reason: 'Done', involvedObject: { kind: 'Pod', name: 'p' },
  });
  assert.deepEqual(fromStorage(info('events.k8s.io'), stored), minimal);
});

test('a core event read through /api/v1 is only relabeled', () => {
  const served = fromStorage(info(''), core);
  assert.deepEqual(served, core);
  assert.notEqual(served, core);
  assert.notEqual(served.metadata, core.metadata);
});

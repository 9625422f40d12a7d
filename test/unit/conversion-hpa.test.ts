// autoscaling/v1 HorizontalPodAutoscalers are stored as autoscaling/v2; what v1 cannot hold rides
// in the round-trip annotations, as upstream's pkg/apis/autoscaling/v1/conversion.go does it.
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

function info(version: 'v1' | 'v2'): ResourceInfo {
  const r = builtinCatalog().lookup('autoscaling', version, 'horizontalpodautoscalers');
  assert.ok(r);
  return r;
}

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';

const meta = { name: 'web', namespace: 'default', uid: 'b1f0', resourceVersion: '42', creationTimestamp: '2024-05-01T10:00:00Z' };
const scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

const cpuV1: KubeObject = {
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta,
  spec: { scaleTargetRef, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
  status: { currentReplicas: 2, desiredReplicas: 2 },
};

const cpuV2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta,
  spec: {
    scaleTargetRef, minReplicas: 1, maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
  status: { currentReplicas: 2, desiredReplicas: 2 },
};

const richV2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { ...meta, annotations: { team: 'payments' } },
  spec: {
    scaleTargetRef, minReplicas: 2, maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second', selector: { matchLabels: { zone: 'b', app: 'web' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
  },
  status: {
    observedGeneration: 3, currentReplicas: 3, desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '512Mi', averageUtilization: 55 } } },
      { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, current: { averageValue: '800' } } },
    ],
    conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-05-01T10:05:00Z', reason: 'ReadyForNewScale', message: 'recommended size <= current size & stable' }],
  },
};

// The exact text upstream's json.Marshal writes: Go field order, HTML-safe escapes, sorted map keys.
const richV1: KubeObject = {
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: {
    ...meta,
    annotations: {
      team: 'payments',
      [METRICS]: '[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}},{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k","selector":{"matchLabels":{"app":"web","zone":"b"}}}}]',
      [CURRENT]: '[{"type":"Resource","resource":{"name":"memory","currentAverageUtilization":55,"currentAverageValue":"512Mi"}},{"type":"Pods","pods":{"metricName":"packets-per-second","currentAverageValue":"800"}}]',
      [BEHAVIOR]: '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
      [CONDITIONS]: '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-01T10:05:00Z","reason":"ReadyForNewScale","message":"recommended size \\u003c= current size \\u0026 stable"}]',
    },
  },
  spec: { scaleTargetRef, minReplicas: 2, maxReplicas: 10 },
  status: { observedGeneration: 3, currentReplicas: 3, desiredReplicas: 4 },
};

test('autoscaling/v1 is stored at v2 and needs conversion; v2 does not', () => {
  assert.equal(info('v1').storageVersion, 'v2');
  assert.equal(needsConversion(info('v1')), true);
  assert.equal(needsConversion(info('v2')), false);
});

test('CPU-only v1 → v2 holds one Resource cpu Utilization metric, and back exactly', () => {
  const stored = toStorage(info('v1'), deepFreeze(structuredClone(cpuV1)));
  assert.deepEqual(stored, cpuV2);
  assert.deepEqual(fromStorage(info('v1'), deepFreeze(stored)), cpuV1);
});

test('v2 with memory and pods metrics, behavior, current metrics and conditions → v1 annotations, and back losslessly', () => {
  const served = fromStorage(info('v1'), deepFreeze(structuredClone(richV2)));
  assert.deepEqual(served, richV1);
  assert.deepEqual(toStorage(info('v1'), deepFreeze(served)), richV2);
});

test('v1 without a target gets v2 the implicit 80% CPU metric, which then reads back as v1\'s target', () => {
  const noTarget: KubeObject = { ...cpuV1, spec: { scaleTargetRef, minReplicas: 1, maxReplicas: 5 } };
  const stored = toStorage(info('v1'), noTarget);
  assert.deepEqual((stored['spec'] as Record<string, unknown>)['metrics'], [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  ]);
  assert.equal((fromStorage(info('v1'), stored)['spec'] as Record<string, unknown>)['targetCPUUtilizationPercentage'], 80);
});

test('the CPU target comes back after the annotation\'s metrics (upstream appends it)', () => {
  const v2: KubeObject = {
    ...cpuV2,
    spec: {
      scaleTargetRef, minReplicas: 1, maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      ],
    },
  };
  const v1 = fromStorage(info('v1'), v2);
  assert.equal((v1['spec'] as Record<string, unknown>)['targetCPUUtilizationPercentage'], 70);
  assert.equal(v1.metadata.annotations?.[METRICS], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]');
  const back = toStorage(info('v1'), v1);
  assert.deepEqual((back['spec'] as Record<string, unknown>)['metrics'], [
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ]);
});

test('v1 status CPU reading becomes a v2 current metric and reads back with the raw-value annotation', () => {
  const v1: KubeObject = { ...cpuV1, status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 35 } };
  const stored = toStorage(info('v1'), v1);
  assert.deepEqual((stored['status'] as Record<string, unknown>)['currentMetrics'], [
    { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } },
  ]);
  const served = fromStorage(info('v1'), stored);
  assert.equal((served['status'] as Record<string, unknown>)['currentCPUUtilizationPercentage'], 35);
  assert.equal(served.metadata.annotations?.[CURRENT], '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":35,"currentAverageValue":"0"}}]');
});

test('object and external metrics regain their target type from which v1 values are set', () => {
  const v1: KubeObject = {
    ...cpuV1,
    metadata: {
      ...meta,
      annotations: {
        [METRICS]: JSON.stringify([
          { type: 'Object', object: { target: { kind: 'Service', name: 'front' }, metricName: 'rps', targetValue: '2k' } },
          { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'jobs' } }, targetAverageValue: '30' } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', targetAverageUtilization: 50 } },
        ]),
      },
    },
    spec: { scaleTargetRef, maxReplicas: 5 },
  };
  assert.deepEqual((toStorage(info('v1'), v1)['spec'] as Record<string, unknown>)['metrics'], [
    { type: 'Object', object: { describedObject: { kind: 'Service', name: 'front' }, target: { type: 'Value', value: '2k' }, metric: { name: 'rps' } } },
    { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    { type: 'ContainerResource', containerResource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 }, container: 'app' } },
  ]);
});

test('annotation values are read as Go does: keys case-insensitively, quantities canonical, a bad value ignored', () => {
  const v1: KubeObject = {
    ...cpuV1,
    metadata: {
      ...meta,
      annotations: {
        keep: 'me',
        [METRICS]: '[{"Type":"Pods","PODS":{"metricname":"rps","targetAverageValue":"1000"}}]',
        [BEHAVIOR]: '{"scaleUp":{"selectPolicy":"Disabled"}}',
        [CONDITIONS]: '[{"type":"ScalingActive","status":"False","lastTransitionTime":"not a time"}]',
      },
    },
  };
  const stored = toStorage(info('v1'), v1);
  const spec = stored['spec'] as Record<string, unknown>;
  assert.deepEqual(spec['metrics'], [
    { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ]);
  assert.deepEqual(spec['behavior'], { scaleUp: { selectPolicy: 'Disabled' } });
  assert.equal((stored['status'] as Record<string, unknown>)['conditions'], undefined, 'an unparsable time fails the whole value');
  assert.deepEqual(stored.metadata.annotations, { keep: 'me' }, 'round-trip annotations are never stored');
});

test('an empty behavior annotation sets no behavior; malformed metrics fall back to the CPU target', () => {
  const v1: KubeObject = { ...cpuV1, metadata: { ...meta, annotations: { [BEHAVIOR]: '{}', [METRICS]: '{"not":"a list"}' } } };
  const stored = toStorage(info('v1'), v1);
  assert.deepEqual(stored, cpuV2);
  assert.equal('annotations' in stored.metadata, false);
});

test('v2 served as v2 loses stray round-trip annotations, as upstream\'s internal round trip does', () => {
  const v2: KubeObject = { ...cpuV2, metadata: { ...meta, annotations: { [METRICS]: '[]', other: 'x' } } };
  const stored = toStorage(info('v2'), deepFreeze(v2));
  assert.deepEqual(stored, { ...cpuV2, metadata: { ...meta, annotations: { other: 'x' } } });
  assert.deepEqual(fromStorage(info('v2'), stored), stored);
});

test('a value an older upstream stored as autoscaling/v1 reads at v2 and at v1', () => {
  assert.deepEqual(fromStorage(info('v2'), cpuV1), cpuV2);
  assert.deepEqual(fromStorage(info('v1'), cpuV1), cpuV1);
});

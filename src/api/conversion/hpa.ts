// autoscaling/v1 HorizontalPodAutoscaler ↔ autoscaling/v2, the version upstream stores, as
// upstream converts them through its internal type (pkg/apis/autoscaling/v1/conversion.go and
// v2/conversion.go). v1 keeps only the CPU utilization target; everything else rides in the
// round-trip annotations. Conversion applies no v2 defaults other than v1's implicit 80% CPU
// target: upstream fills behavior defaults when it decodes the stored v2 object, not here.
import type { KubeObject } from '../types.js';
import {
  BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION,
  decodeBehavior, decodeConditions, decodeMetricSpecs, decodeMetricStatuses, dropRoundTripAnnotations,
  encodeBehavior, encodeConditions, encodeMetricSpecs, encodeMetricStatuses,
} from './hpa-annotations.js';
import { copySet, isObj, isUnset, objOf, objsOf, type Obj } from './json-fields.js';

/** autoscaling.DefaultCPUUtilization: v1's implicit target when no metric is given. */
const DEFAULT_CPU_UTILIZATION = 80;

function cpuUtilizationTarget(percent: unknown): Obj {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } };
}

/** A Resource metric on cpu with a utilization target: the one metric v1 holds natively. */
function isCpuUtilization(m: Obj): boolean {
  const resource = m['resource'];
  return m['type'] === 'Resource' && isObj(resource) && resource['name'] === 'cpu' && !isUnset(objOf(resource['target'])['averageUtilization']);
}

/** A copy of the object's metadata holding `annotations` instead of its own. */
function withAnnotations(obj: KubeObject, annotations: Record<string, string> | undefined): KubeObject['metadata'] {
  const current = obj.metadata.annotations;
  if (annotations === current) return { ...obj.metadata };
  const metadata = { ...obj.metadata };
  // A Go map left empty is omitted (omitempty).
  if (annotations === undefined || Object.keys(annotations).length === 0) delete metadata.annotations;
  else metadata.annotations = annotations;
  return metadata;
}

/** Copies the status fields v1 and v2 share. */
function commonStatus(status: Obj): Obj {
  const out: Obj = {};
  for (const key of ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']) copySet(out, key, status, key);
  return out;
}

/** Copies the spec fields v1 and v2 share. */
function commonSpec(spec: Obj): Obj {
  const out: Obj = {};
  for (const key of ['scaleTargetRef', 'minReplicas', 'maxReplicas']) copySet(out, key, spec, key);
  return out;
}

/** An autoscaling/v1 HorizontalPodAutoscaler as the autoscaling/v2 object upstream stores. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const spec = objOf(v1['spec']);
  const status = objOf(v1['status']);
  const annotations = v1.metadata.annotations ?? {};

  const outSpec = commonSpec(spec);
  let metrics: Obj[] = isUnset(spec['targetCPUUtilizationPercentage']) ? [] : [cpuUtilizationTarget(spec['targetCPUUtilizationPercentage'])];
  const metricsText = annotations[METRIC_SPECS_ANNOTATION];
  if (metricsText !== undefined) {
    const others = decodeMetricSpecs(metricsText);
    // The annotation's metrics come first, the CPU target last.
    if (others !== undefined) metrics = [...others, ...metrics];
  }
  const behaviorText = annotations[BEHAVIOR_ANNOTATION];
  const behavior = behaviorText === undefined ? undefined : decodeBehavior(behaviorText);

  const outStatus = commonStatus(status);
  let currentMetrics: Obj[] = isUnset(status['currentCPUUtilizationPercentage'])
    ? []
    : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status['currentCPUUtilizationPercentage'] } } }];
  const currentText = annotations[METRIC_STATUSES_ANNOTATION];
  if (currentText !== undefined) currentMetrics = decodeMetricStatuses(currentText) ?? currentMetrics;

  // autoscaling/v1's implicit default, made explicit as v2 requires.
  if (metrics.length === 0) metrics = [cpuUtilizationTarget(DEFAULT_CPU_UTILIZATION)];
  outSpec['metrics'] = metrics;
  if (behavior !== undefined) outSpec['behavior'] = behavior;

  const conditionsText = annotations[CONDITIONS_ANNOTATION];
  const conditions = conditionsText === undefined ? undefined : decodeConditions(conditionsText);
  if (currentMetrics.length > 0) outStatus['currentMetrics'] = currentMetrics;
  if (conditions !== undefined && conditions.length > 0) outStatus['conditions'] = conditions;

  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: withAnnotations(v1, dropRoundTripAnnotations(v1.metadata.annotations)),
    spec: outSpec,
    status: outStatus,
  };
}

/** A stored autoscaling/v2 HorizontalPodAutoscaler as served at autoscaling/v1. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const spec = objOf(v2['spec']);
  const status = objOf(v2['status']);
  const metrics = objsOf(spec['metrics']);
  const currentMetrics = objsOf(status['currentMetrics']);
  const conditions = objsOf(status['conditions']);

  const outSpec = commonSpec(spec);
  const cpu = metrics.find(isCpuUtilization);
  if (cpu) outSpec['targetCPUUtilizationPercentage'] = objOf(objOf(cpu['resource'])['target'])['averageUtilization'];

  const outStatus = commonStatus(status);
  for (const m of currentMetrics) {
    const resource = objOf(m['resource']);
    const utilization = objOf(resource['current'])['averageUtilization'];
    // The last CPU utilization reading wins, as upstream's loop has no break.
    if (m['type'] === 'Resource' && resource['name'] === 'cpu' && !isUnset(utilization)) outStatus['currentCPUUtilizationPercentage'] = utilization;
  }

  const base = dropRoundTripAnnotations(v2.metadata.annotations);
  const added: Record<string, string> = {};
  const others = metrics.filter(m => !isCpuUtilization(m));
  if (others.length > 0) added[METRIC_SPECS_ANNOTATION] = encodeMetricSpecs(others);
  // Kept even when it is only CPU, which carries the raw value v1's percentage cannot.
  if (currentMetrics.length > 0) added[METRIC_STATUSES_ANNOTATION] = encodeMetricStatuses(currentMetrics);
  if (isObj(spec['behavior'])) added[BEHAVIOR_ANNOTATION] = encodeBehavior(spec['behavior']);
  if (conditions.length > 0) added[CONDITIONS_ANNOTATION] = encodeConditions(conditions);
  const annotations = Object.keys(added).length > 0 ? { ...base, ...added } : base;

  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: withAnnotations(v2, annotations),
    spec: outSpec,
    status: outStatus,
  };
}

/** An autoscaling/v2 object read or written as v2: only the round-trip annotations go. */
export function hpaV2Normalized(v2: KubeObject): KubeObject {
  return { ...v2, metadata: withAnnotations(v2, dropRoundTripAnnotations(v2.metadata.annotations)) };
}

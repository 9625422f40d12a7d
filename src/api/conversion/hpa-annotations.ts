// The four annotations through which autoscaling/v1 HorizontalPodAutoscalers carry what only v2
// can express (pkg/apis/autoscaling/annotations.go), and their JSON values. The behavior value is
// upstream's internal Go type marshaled without json tags, hence its capitalized field names.
import { goField, GoDecodeError, goMarshal, parseGoJson, readArray, readInt32, readList, readObj, readString, readTime } from './go-json.js';
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from './hpa-metrics.js';
import { isObj, isUnset, objOf, type Obj } from './json-fields.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

const ROUND_TRIP_ANNOTATIONS = [METRIC_SPECS_ANNOTATION, BEHAVIOR_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION];

/**
 * upstream's DropRoundTripHorizontalPodAutoscalerAnnotations: the annotations without the four
 * round-trip keys (a new map), or the same map when none is present.
 */
export function dropRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (annotations === undefined || !ROUND_TRIP_ANNOTATIONS.some(k => k in annotations)) return annotations;
  const out = { ...annotations };
  for (const k of ROUND_TRIP_ANNOTATIONS) delete out[k];
  return out;
}

/** Reads an annotation value with `read`; undefined when json.Unmarshal would fail on it. */
function decode<T>(text: string, read: (v: unknown) => T): T | undefined {
  const parsed = parseGoJson(text);
  if (parsed === undefined) return undefined;
  try {
    return read(parsed.value);
  } catch (e) {
    if (e instanceof GoDecodeError) return undefined;
    throw e;
  }
}

export function encodeMetricSpecs(metrics: Obj[]): string {
  return goMarshal(metrics.map(metricSpecToV1));
}

export function decodeMetricSpecs(text: string): Obj[] | undefined {
  return decode(text, v => readList(v, metricSpecFromV1));
}

export function encodeMetricStatuses(metrics: Obj[]): string {
  return goMarshal(metrics.map(metricStatusToV1));
}

export function decodeMetricStatuses(text: string): Obj[] | undefined {
  return decode(text, v => readList(v, metricStatusFromV1));
}

/** v2 conditions as autoscaling/v1 HorizontalPodAutoscalerCondition JSON (a zero time is null). */
export function encodeConditions(conditions: Obj[]): string {
  return goMarshal(conditions.map(c => {
    const out: Obj = {
      type: typeof c['type'] === 'string' ? c['type'] : '',
      status: typeof c['status'] === 'string' ? c['status'] : '',
      lastTransitionTime: isUnset(c['lastTransitionTime']) ? null : c['lastTransitionTime'],
    };
    if (typeof c['reason'] === 'string' && c['reason'] !== '') out['reason'] = c['reason'];
    if (typeof c['message'] === 'string' && c['message'] !== '') out['message'] = c['message'];
    return out;
  }));
}

export function decodeConditions(text: string): Obj[] | undefined {
  return decode(text, v => readList(v, e => {
    const c = readObj(e) ?? {};
    const out: Obj = {};
    for (const key of ['type', 'status'] as const) {
      const s = readString(goField(c, key));
      if (s) out[key] = s;
    }
    const time = readTime(goField(c, 'lastTransitionTime'));
    if (time !== undefined) out['lastTransitionTime'] = time;
    for (const key of ['reason', 'message'] as const) {
      const s = readString(goField(c, key));
      if (s) out[key] = s;
    }
    return out;
  }));
}

function scalingRulesToInternal(rules: unknown): Obj | null {
  if (!isObj(rules)) return null;
  const policies = rules['policies'];
  return {
    StabilizationWindowSeconds: isUnset(rules['stabilizationWindowSeconds']) ? null : rules['stabilizationWindowSeconds'],
    SelectPolicy: isUnset(rules['selectPolicy']) ? null : rules['selectPolicy'],
    Policies: Array.isArray(policies)
      ? policies.map(p => {
        const policy = objOf(p);
        return {
          Type: typeof policy['type'] === 'string' ? policy['type'] : '',
          Value: typeof policy['value'] === 'number' ? policy['value'] : 0,
          PeriodSeconds: typeof policy['periodSeconds'] === 'number' ? policy['periodSeconds'] : 0,
        };
      })
      : null,
  };
}

/** A v2 behavior as upstream marshals the internal HorizontalPodAutoscalerBehavior. */
export function encodeBehavior(behavior: Obj): string {
  return goMarshal({ ScaleUp: scalingRulesToInternal(behavior['scaleUp']), ScaleDown: scalingRulesToInternal(behavior['scaleDown']) });
}

function scalingRulesFromInternal(v: unknown): Obj | undefined {
  const rules = readObj(v);
  if (rules === undefined) return undefined;
  const out: Obj = {};
  const window = readInt32(goField(rules, 'StabilizationWindowSeconds'));
  const select = readString(goField(rules, 'SelectPolicy'));
  const policies = readArray(goField(rules, 'Policies'))?.map(p => {
    const policy = readObj(p) ?? {};
    const type = readString(goField(policy, 'Type'));
    return {
      ...(type ? { type } : {}),
      value: readInt32(goField(policy, 'Value')) ?? 0,
      periodSeconds: readInt32(goField(policy, 'PeriodSeconds')) ?? 0,
    };
  });
  if (window !== undefined) out['stabilizationWindowSeconds'] = window;
  if (select !== undefined) out['selectPolicy'] = select;
  if (policies !== undefined && policies.length > 0) out['policies'] = policies;
  return out;
}

/**
 * The behavior annotation as a v2 behavior; undefined when upstream ignores it (unreadable, or
 * with neither scaleUp nor scaleDown set).
 */
export function decodeBehavior(text: string): Obj | undefined {
  const behavior = decode(text, v => {
    const b = readObj(v) ?? {};
    return { scaleUp: scalingRulesFromInternal(goField(b, 'ScaleUp')), scaleDown: scalingRulesFromInternal(goField(b, 'ScaleDown')) };
  });
  if (behavior === undefined || (behavior.scaleUp === undefined && behavior.scaleDown === undefined)) return undefined;
  return {
    ...(behavior.scaleUp !== undefined ? { scaleUp: behavior.scaleUp } : {}),
    ...(behavior.scaleDown !== undefined ? { scaleDown: behavior.scaleDown } : {}),
  };
}

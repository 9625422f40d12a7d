// HorizontalPodAutoscaler metric specs and statuses between autoscaling/v2 (the stored shape) and
// the autoscaling/v1 MetricSpec/MetricStatus types that v1 keeps in annotations, following
// upstream's pkg/apis/autoscaling/v1/conversion.go. v1 has no target type: it is derived again
// from which values are set, and v1's non-pointer quantities come back as "0" when unset.
import {
  canonicalQuantity, goField, goLabelSelector, readInt32, readLabelSelector, readObj, readQuantity, readString,
} from './go-json.js';
import { isObj, isUnset, objOf, type Obj } from './json-fields.js';

// ---- v2 → v1 (json.Marshal field order; omitempty fields left out when unset) ----

function crossVersionRefToV1(ref: Obj): Obj {
  const out: Obj = { kind: typeof ref['kind'] === 'string' ? ref['kind'] : '', name: typeof ref['name'] === 'string' ? ref['name'] : '' };
  if (typeof ref['apiVersion'] === 'string' && ref['apiVersion'] !== '') out['apiVersion'] = ref['apiVersion'];
  return out;
}

function nameOf(o: Obj): string {
  return typeof o['name'] === 'string' ? o['name'] : '';
}

/** Sets `key` to the canonical quantity when `v` is set (an omitempty *Quantity). */
function optQuantity(out: Obj, key: string, v: unknown): void {
  if (!isUnset(v)) out[key] = canonicalQuantity(v);
}

function optSelector(out: Obj, key: string, v: unknown): void {
  if (isObj(v)) out[key] = goLabelSelector(v);
}

function optInt(out: Obj, key: string, v: unknown): void {
  if (!isUnset(v)) out[key] = v;
}

function objectSourceToV1(s: Obj): Obj {
  const target = objOf(s['target']);
  const metric = objOf(s['metric']);
  const out: Obj = { target: crossVersionRefToV1(objOf(s['describedObject'])), metricName: nameOf(metric), targetValue: canonicalQuantity(target['value']) };
  optSelector(out, 'selector', metric['selector']);
  optQuantity(out, 'averageValue', target['averageValue']);
  return out;
}

function podsSourceToV1(s: Obj): Obj {
  const metric = objOf(s['metric']);
  const out: Obj = { metricName: nameOf(metric), targetAverageValue: canonicalQuantity(objOf(s['target'])['averageValue']) };
  optSelector(out, 'selector', metric['selector']);
  return out;
}

function resourceSourceToV1(s: Obj, container: boolean): Obj {
  const target = objOf(s['target']);
  const out: Obj = { name: nameOf(s) };
  optInt(out, 'targetAverageUtilization', target['averageUtilization']);
  optQuantity(out, 'targetAverageValue', target['averageValue']);
  if (container) out['container'] = typeof s['container'] === 'string' ? s['container'] : '';
  return out;
}

function externalSourceToV1(s: Obj): Obj {
  const target = objOf(s['target']);
  const metric = objOf(s['metric']);
  const out: Obj = { metricName: nameOf(metric) };
  optSelector(out, 'metricSelector', metric['selector']);
  optQuantity(out, 'targetValue', target['value']);
  optQuantity(out, 'targetAverageValue', target['averageValue']);
  return out;
}

/** A v2 MetricSpec as the autoscaling/v1 MetricSpec upstream writes into the metrics annotation. */
export function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: typeof m['type'] === 'string' ? m['type'] : '' };
  if (isObj(m['object'])) out['object'] = objectSourceToV1(m['object']);
  if (isObj(m['pods'])) out['pods'] = podsSourceToV1(m['pods']);
  if (isObj(m['resource'])) out['resource'] = resourceSourceToV1(m['resource'], false);
  if (isObj(m['containerResource'])) out['containerResource'] = resourceSourceToV1(m['containerResource'], true);
  if (isObj(m['external'])) out['external'] = externalSourceToV1(m['external']);
  return out;
}

function objectStatusToV1(s: Obj): Obj {
  const current = objOf(s['current']);
  const metric = objOf(s['metric']);
  const out: Obj = { target: crossVersionRefToV1(objOf(s['describedObject'])), metricName: nameOf(metric), currentValue: canonicalQuantity(current['value']) };
  optSelector(out, 'selector', metric['selector']);
  optQuantity(out, 'averageValue', current['averageValue']);
  return out;
}

function podsStatusToV1(s: Obj): Obj {
  const metric = objOf(s['metric']);
  const out: Obj = { metricName: nameOf(metric), currentAverageValue: canonicalQuantity(objOf(s['current'])['averageValue']) };
  optSelector(out, 'selector', metric['selector']);
  return out;
}

function resourceStatusToV1(s: Obj, container: boolean): Obj {
  const current = objOf(s['current']);
  const out: Obj = { name: nameOf(s) };
  optInt(out, 'currentAverageUtilization', current['averageUtilization']);
  out['currentAverageValue'] = canonicalQuantity(current['averageValue']);
  if (container) out['container'] = typeof s['container'] === 'string' ? s['container'] : '';
  return out;
}

function externalStatusToV1(s: Obj): Obj {
  const current = objOf(s['current']);
  const metric = objOf(s['metric']);
  const out: Obj = { metricName: nameOf(metric) };
  optSelector(out, 'metricSelector', metric['selector']);
  out['currentValue'] = canonicalQuantity(current['value']);
  optQuantity(out, 'currentAverageValue', current['averageValue']);
  return out;
}

/** A v2 MetricStatus as the autoscaling/v1 MetricStatus of the current-metrics annotation. */
export function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: typeof m['type'] === 'string' ? m['type'] : '' };
  if (isObj(m['object'])) out['object'] = objectStatusToV1(m['object']);
  if (isObj(m['pods'])) out['pods'] = podsStatusToV1(m['pods']);
  if (isObj(m['resource'])) out['resource'] = resourceStatusToV1(m['resource'], false);
  if (isObj(m['containerResource'])) out['containerResource'] = resourceStatusToV1(m['containerResource'], true);
  if (isObj(m['external'])) out['external'] = externalStatusToV1(m['external']);
  return out;
}

// ---- v1 (annotation JSON, read as Go's json.Unmarshal would) → v2 ----

function crossVersionRefFromV1(v: unknown): Obj {
  const ref = readObj(v) ?? {};
  const out: Obj = {};
  const kind = readString(goField(ref, 'kind'));
  const name = readString(goField(ref, 'name'));
  const apiVersion = readString(goField(ref, 'apiVersion'));
  if (kind) out['kind'] = kind;
  if (name) out['name'] = name;
  if (apiVersion) out['apiVersion'] = apiVersion;
  return out;
}

function metricIdentifier(name: string | undefined, selector: Obj | undefined): Obj {
  return { ...(name ? { name } : {}), ...(selector !== undefined ? { selector } : {}) };
}

function objectSourceFromV1(s: Obj): Obj {
  const averageValue = readQuantity(goField(s, 'averageValue'));
  const target: Obj = { type: averageValue === undefined ? 'Value' : 'AverageValue', value: readQuantity(goField(s, 'targetValue')) ?? '0' };
  if (averageValue !== undefined) target['averageValue'] = averageValue;
  return {
    describedObject: crossVersionRefFromV1(goField(s, 'target')),
    target,
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'selector'))),
  };
}

function podsSourceFromV1(s: Obj): Obj {
  return {
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'selector'))),
    target: { type: 'AverageValue', averageValue: readQuantity(goField(s, 'targetAverageValue')) ?? '0' },
  };
}

function resourceSourceFromV1(s: Obj, container: boolean): Obj {
  const utilization = readInt32(goField(s, 'targetAverageUtilization'));
  const averageValue = readQuantity(goField(s, 'targetAverageValue'));
  const target: Obj = { type: utilization === undefined ? 'AverageValue' : 'Utilization' };
  if (averageValue !== undefined) target['averageValue'] = averageValue;
  if (utilization !== undefined) target['averageUtilization'] = utilization;
  const name = readString(goField(s, 'name'));
  const containerName = container ? readString(goField(s, 'container')) : undefined;
  return { ...(name ? { name } : {}), target, ...(containerName ? { container: containerName } : {}) };
}

function externalSourceFromV1(s: Obj): Obj {
  const value = readQuantity(goField(s, 'targetValue'));
  const averageValue = readQuantity(goField(s, 'targetAverageValue'));
  const target: Obj = { type: value === undefined ? 'AverageValue' : 'Value' };
  if (value !== undefined) target['value'] = value;
  if (averageValue !== undefined) target['averageValue'] = averageValue;
  return {
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'metricSelector'))),
    target,
  };
}

/** The converters of one v1 annotation entry's sources (a spec's targets or a status's current values). */
interface SourcesFromV1 {
  object(s: Obj): Obj;
  pods(s: Obj): Obj;
  resource(s: Obj, container: boolean): Obj;
  external(s: Obj): Obj;
}

/** One annotation entry as a v2 metric: its type and each source the entry has, converted. */
function metricFromV1(v: unknown, from: SourcesFromV1): Obj {
  const m = readObj(v) ?? {};
  const out: Obj = { type: readString(goField(m, 'type')) ?? '' };
  const object = readObj(goField(m, 'object'));
  const pods = readObj(goField(m, 'pods'));
  const resource = readObj(goField(m, 'resource'));
  const containerResource = readObj(goField(m, 'containerResource'));
  const external = readObj(goField(m, 'external'));
  if (object) out['object'] = from.object(object);
  if (pods) out['pods'] = from.pods(pods);
  if (resource) out['resource'] = from.resource(resource, false);
  if (containerResource) out['containerResource'] = from.resource(containerResource, true);
  if (external) out['external'] = from.external(external);
  return out;
}

/** One entry of the metrics annotation as a v2 MetricSpec. Throws GoDecodeError on a type mismatch. */
export function metricSpecFromV1(v: unknown): Obj {
  return metricFromV1(v, { object: objectSourceFromV1, pods: podsSourceFromV1, resource: resourceSourceFromV1, external: externalSourceFromV1 });
}

function objectStatusFromV1(s: Obj): Obj {
  const averageValue = readQuantity(goField(s, 'averageValue'));
  const current: Obj = { value: readQuantity(goField(s, 'currentValue')) ?? '0' };
  if (averageValue !== undefined) current['averageValue'] = averageValue;
  return {
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'selector'))),
    current,
    describedObject: crossVersionRefFromV1(goField(s, 'target')),
  };
}

function podsStatusFromV1(s: Obj): Obj {
  return {
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'selector'))),
    current: { averageValue: readQuantity(goField(s, 'currentAverageValue')) ?? '0' },
  };
}

function resourceStatusFromV1(s: Obj, container: boolean): Obj {
  const utilization = readInt32(goField(s, 'currentAverageUtilization'));
  const current: Obj = { averageValue: readQuantity(goField(s, 'currentAverageValue')) ?? '0' };
  if (utilization !== undefined) current['averageUtilization'] = utilization;
  const name = readString(goField(s, 'name'));
  const containerName = container ? readString(goField(s, 'container')) : undefined;
  return { ...(name ? { name } : {}), current, ...(containerName ? { container: containerName } : {}) };
}

function externalStatusFromV1(s: Obj): Obj {
  const averageValue = readQuantity(goField(s, 'currentAverageValue'));
  const current: Obj = { value: readQuantity(goField(s, 'currentValue')) ?? '0' };
  if (averageValue !== undefined) current['averageValue'] = averageValue;
  return {
    metric: metricIdentifier(readString(goField(s, 'metricName')), readLabelSelector(goField(s, 'metricSelector'))),
    current,
  };
}

/** One entry of the current-metrics annotation as a v2 MetricStatus. Throws GoDecodeError on a type mismatch. */
export function metricStatusFromV1(v: unknown): Obj {
  return metricFromV1(v, { object: objectStatusFromV1, pods: podsStatusFromV1, resource: resourceStatusFromV1, external: externalStatusFromV1 });
}

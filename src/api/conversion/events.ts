// events.k8s.io/v1 Event ↔ core v1 Event, the kind upstream stores both as (one key space,
// /registry/events). The field mapping is upstream's pkg/apis/events/v1/conversion.go plus the
// generated conversions: both sides meet in the internal core Event, whose ReportingController
// core v1 spells "reportingComponent".
import type { KubeObject } from '../types.js';

/** [events.k8s.io/v1 field, core v1 field], in core v1's field order. */
const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['reason', 'reason'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingComponent'],
  ['reportingInstance', 'reportingInstance'],
];

/** Copies the set fields of `from` (named by column `fromIndex` of FIELDS) to their peers in `to`. */
function mapFields(from: KubeObject, to: KubeObject, fromIndex: 0 | 1): KubeObject {
  const toIndex = fromIndex === 0 ? 1 : 0;
  for (const pair of FIELDS) {
    const v = from[pair[fromIndex]];
    if (v !== undefined) to[pair[toIndex]] = v;
  }
  return to;
}

/** An events.k8s.io/v1 Event as the core v1 Event upstream stores. */
export function eventsV1ToCore(event: KubeObject): KubeObject {
  return mapFields(event, { apiVersion: 'v1', kind: 'Event', metadata: { ...event.metadata } }, 0);
}

/** A stored core v1 Event as served at events.k8s.io/v1. */
export function coreToEventsV1(event: KubeObject): KubeObject {
  return mapFields(event, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { ...event.metadata } }, 1);
}

// Which fields each built-in resource can be selected by (`fieldSelector=`), and their values.
// Two upstream pieces meet here: the scheme's field label conversion functions (which labels a
// group/version/kind accepts, and what they are renamed to: pkg/apis/*/v1/conversion.go), and
// each registry's GetAttrs/ToSelectableFields (the field values, pkg/registry/*/*/strategy.go).
import { errors } from './errors.js';
import { podIP } from './printers/pod.js';
import type { Obj } from './printers/read.js';
import { arr, int, obj, str } from './printers/read.js';
import type { KubeObject } from './types.js';
import type { FieldSelector } from '../registry/selectors/fields.js';
import { goQuote } from '../registry/selectors/go-quote.js';

/** Go's strconv.Itoa of an int field. */
function itoa(v: unknown): string {
  return String(int(v));
}

/**
 * Labels accepted per group/version/resource, mapped to the field they select. Resources missing
 * here use upstream's default: metadata.name and metadata.namespace only.
 */
const ACCEPTED: Record<string, Record<string, string>> = {};

function accept(gvr: string, labels: string[], renames: Record<string, string> = {}): void {
  const m: Record<string, string> = {};
  for (const l of labels) m[l] = l;
  ACCEPTED[gvr] = { ...m, ...renames };
}

accept('/v1/pods', [
  'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
  'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs',
  'status.nominatedNodeName',
], { 'spec.host': 'spec.nodeName' /* what old v1 clients send */ });
accept('/v1/nodes', ['metadata.name', 'spec.unschedulable']);
accept('/v1/replicationcontrollers', ['metadata.name', 'metadata.namespace', 'status.replicas']);
accept('/v1/events', [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason',
  'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name',
]);
accept('/v1/namespaces', ['status.phase', 'metadata.name']);
accept('/v1/secrets', ['type', 'metadata.namespace', 'metadata.name']);
accept('/v1/services', ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type']);
accept('batch/v1/jobs', ['metadata.name', 'metadata.namespace', 'status.successful']);
accept('certificates.k8s.io/v1/certificatesigningrequests', ['metadata.name', 'spec.signerName']);
// pkg/apis/events/v1 AddFieldLabelConversionsForEvent: `source` stays, reading core's fallback.
accept('events.k8s.io/v1/events', ['reason', 'source', 'type', 'metadata.namespace', 'metadata.name'], {
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  'reportingController': 'reportingComponent',
});

/** Upstream's error text differs per conversion function, and without one. */
function unsupported(gvr: string, label: string): Error {
  if (gvr === 'batch/v1/jobs') return errors.badRequest(`field label ${goQuote(label)} not supported for Job`);
  if (ACCEPTED[gvr]) return errors.badRequest(`field label not supported: ${label}`);
  return errors.badRequest(`${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/**
 * Checks every term of `selector` against what the resource accepts and returns the selector
 * with labels renamed to the fields they select (spec.host -> spec.nodeName; events.k8s.io's
 * regarding.* -> involvedObject.*). Throws 400 BadRequest with upstream's message otherwise.
 * `crdSelectableFields` are a custom resource's spec.versions[].selectableFields paths.
 */
export function validateFieldSelector(
  group: string, version: string, resource: string, selector: FieldSelector, crdSelectableFields: readonly string[] = [],
): FieldSelector {
  const gvr = `${group}/${version}/${resource}`;
  const accepted = ACCEPTED[gvr];
  return selector.transform((field, value) => {
    if (accepted) {
      const target = Object.prototype.hasOwnProperty.call(accepted, field) ? accepted[field] : undefined;
      if (target === undefined) throw unsupported(gvr, field);
      return { field: target, value };
    }
    if (field === 'metadata.name' || field === 'metadata.namespace' || crdSelectableFields.includes(field)) return { field, value };
    throw unsupported(gvr, field);
  });
}

function podFields(o: Obj): Record<string, string> {
  const spec = obj(o.spec);
  const status = obj(o.status);
  return {
    'spec.nodeName': str(spec.nodeName),
    // Kept for selectors that were not passed through validateFieldSelector.
    'spec.host': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': spec.hostNetwork === true ? 'true' : 'false',
    'status.phase': str(status.phase),
    'status.podIP': podIP(status),
    // Upstream accepts status.podIPs but never fills it, so it reads as ''.
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

function coreEventFields(o: Obj): Record<string, string> {
  const ref = obj(o.involvedObject);
  return eventFields(ref, o, str(o.reportingComponent), str(obj(o.source).component));
}

function eventsV1Fields(o: Obj): Record<string, string> {
  const ref = obj(o.regarding);
  const reporting = str(o.reportingController);
  const fields = eventFields(ref, o, reporting, str(obj(o.deprecatedSource).component));
  // The events.k8s.io names too, for selectors that were not passed through validateFieldSelector.
  for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
    fields[`regarding.${k}`] = fields[`involvedObject.${k}`]!;
  }
  fields.reportingController = reporting;
  return fields;
}

function eventFields(ref: Obj, o: Obj, reporting: string, sourceComponent: string): Record<string, string> {
  return {
    'involvedObject.kind': str(ref.kind),
    'involvedObject.namespace': str(ref.namespace),
    'involvedObject.name': str(ref.name),
    'involvedObject.uid': str(ref.uid),
    'involvedObject.apiVersion': str(ref.apiVersion),
    'involvedObject.resourceVersion': str(ref.resourceVersion),
    'involvedObject.fieldPath': str(ref.fieldPath),
    reason: str(o.reason),
    reportingComponent: reporting,
    source: sourceComponent || reporting,
    type: str(o.type),
  };
}

const SPECIFIC: Record<string, (o: Obj) => Record<string, string>> = {
  '/pods': podFields,
  '/nodes': o => ({ 'spec.unschedulable': obj(o.spec).unschedulable === true ? 'true' : 'false' }),
  '/replicationcontrollers': o => ({ 'status.replicas': itoa(obj(o.status).replicas) }),
  '/events': coreEventFields,
  '/namespaces': o => ({ 'status.phase': str(obj(o.status).phase) }),
  '/secrets': o => ({ type: str(o.type) }),
  '/services': o => {
    const spec = obj(o.spec);
    return { 'spec.clusterIP': str(spec.clusterIP) || str(arr(spec.clusterIPs)[0]), 'spec.type': str(spec.type) };
  },
  'batch/jobs': o => ({ 'status.successful': itoa(obj(o.status).succeeded) }),
  'certificates.k8s.io/certificatesigningrequests': o => ({ 'spec.signerName': str(obj(o.spec).signerName) }),
  // Stored events.k8s.io events are core/v1 Events (the storage version); upstream's GetAttrs reads either as the internal type.
  'events.k8s.io/events': o => (o['apiVersion'] === 'v1' || 'involvedObject' in o ? coreEventFields(o) : eventsV1Fields(o)),
};

/**
 * The field set a selector is matched against (upstream's fields.Set from GetAttrs), with the
 * field names validateFieldSelector renames labels to. Every object has metadata.name and
 * metadata.namespace ('' for cluster-scoped ones, which reads the same as absent).
 */
export function selectableFields(group: string, resource: string, o: KubeObject): Record<string, string> {
  const specific = SPECIFIC[`${group}/${resource}`];
  return {
    ...(specific ? specific(o) : {}),
    'metadata.name': o.metadata.name ?? '',
    'metadata.namespace': o.metadata.namespace ?? '',
  };
}

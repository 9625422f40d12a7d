// The server's Prometheus metrics: upstream kube-apiserver's names, labels and buckets
// (k8s.io/apiserver endpoints/metrics and storage/etcd3/metrics, v1.32) in a registry of our own,
// plus prom-client's process and Node.js runtime metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const registry = new Registry();
collectDefaultMetrics({ register: registry });
// prom-client rounds the start time to whole seconds; upstream's Go collector keeps the
// fraction, which also tells apart --worker-processes workers started within a second.
registry.removeSingleMetric('process_start_time_seconds');
new Gauge({
  name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', registers: [registry],
  collect() { this.set(performance.timeOrigin / 1000); },
});

const requestLabels = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const sliLabels = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const etcdLabels = ['operation', 'type'] as const;
const watchLabels = ['group', 'version', 'kind'] as const;

// Upstream's SLO buckets for request and etcd latency.
const latencyBuckets = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const sliBuckets = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** The server's registry, for metrics defined beside their subsystem (src/aggregator/metrics.ts). */
export const registers = [registry];

export const metrics = {
  requestTotal: new Counter({
    name: 'apiserver_request_total',
    help: 'Requests served, by verb, dry-run value, group, version, resource, subresource, scope, component and HTTP status code.',
    labelNames: [...requestLabels, 'code'] as const,
    registers,
  }),
  requestDuration: new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, in seconds.',
    labelNames: requestLabels,
    buckets: latencyBuckets,
    registers,
  }),
  requestSliDuration: new Histogram({
    name: 'apiserver_request_sli_duration_seconds',
    help: 'Request latency in seconds without time spent in admission webhooks or waiting in a queue.',
    labelNames: sliLabels,
    buckets: sliBuckets,
    registers,
  }),
  responseSizes: new Histogram({
    name: 'apiserver_response_sizes',
    help: 'Size in bytes of the responses to get and list requests.',
    labelNames: sliLabels,
    buckets: exponentialBuckets(1000, 10, 7),
    registers,
  }),
  currentInflightRequests: new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Highest number of requests executing at once during the last second, by request kind (readOnly or mutating).',
    labelNames: ['request_kind'] as const,
    registers,
  }),
  longrunningRequests: new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Long-running requests (watches, proxies, exec, attach, logs) open right now.',
    labelNames: sliLabels,
    registers,
  }),
  requestTerminations: new Counter({
    name: 'apiserver_request_terminations_total',
    help: 'Requests the server ended itself to protect itself (too many in flight, timed out).',
    labelNames: [...sliLabels, 'code'] as const,
    registers,
  }),
  requestAborts: new Counter({
    name: 'apiserver_request_aborts_total',
    help: 'Requests whose response was cut off after it had started, mostly because they timed out.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope'] as const,
    registers,
  }),
  tlsHandshakeErrors: new Counter({
    name: 'apiserver_tls_handshake_errors_total',
    help: 'Connections dropped because their TLS handshake failed.',
    registers,
  }),
  etcdRequestDuration: new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Time etcd took to answer, in seconds, by operation and object type.',
    labelNames: etcdLabels,
    buckets: latencyBuckets,
    registers,
  }),
  etcdRequests: new Counter({
    name: 'etcd_requests_total',
    help: 'Requests sent to etcd, by operation and object type.',
    labelNames: etcdLabels,
    registers,
  }),
  etcdRequestErrors: new Counter({
    name: 'etcd_request_errors_total',
    help: 'Requests to etcd that failed, by operation and object type.',
    labelNames: etcdLabels,
    registers,
  }),
  storageObjects: new Gauge({
    name: 'apiserver_storage_objects',
    help: 'Objects stored per resource when last counted; -1 when the count failed.',
    labelNames: ['resource'] as const,
    registers,
  }),
  // Upstream adds this one in 1.34 as the successor of apiserver_storage_objects.
  resourceObjects: new Gauge({
    name: 'apiserver_resource_objects',
    help: 'Objects stored per group and resource when last counted; -1 when the count failed.',
    labelNames: ['group', 'resource'] as const,
    registers,
  }),
  watchEvents: new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Events sent to watch clients.',
    labelNames: watchLabels,
    registers,
  }),
  watchEventsSizes: new Histogram({
    name: 'apiserver_watch_events_sizes',
    help: 'Size in bytes of the events sent to watch clients.',
    labelNames: watchLabels,
    buckets: exponentialBuckets(1024, 2, 8),
    registers,
  }),
  auditEvents: new Counter({
    name: 'apiserver_audit_event_total',
    help: 'Counter of audit events generated and sent to the audit backend.',
    registers,
  }),
  auditErrors: new Counter({
    name: 'apiserver_audit_error_total',
    help: 'Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.',
    labelNames: ['plugin'] as const,
    registers,
  }),
  auditLevel: new Counter({
    name: 'apiserver_audit_level_total',
    help: 'Counter of policy levels for audit events (1 per request).',
    labelNames: ['level'] as const,
    registers,
  }),
  auditRequestsRejected: new Counter({
    name: 'apiserver_audit_requests_rejected_total',
    help: 'Counter of apiserver requests rejected due to an error in audit logging backend.',
    registers,
  }),
  // PodSecurity admission (k8s.io/pod-security-admission/metrics).
  podSecurityEvaluations: new Counter({
    name: 'pod_security_evaluations_total',
    help: 'Number of policy evaluations that occurred, not counting ignored or exempt requests.',
    labelNames: ['decision', 'policy_level', 'policy_version', 'mode', 'request_operation', 'resource', 'subresource'] as const,
    registers,
  }),
  podSecurityExemptions: new Counter({
    name: 'pod_security_exemptions_total',
    help: 'Number of exempt requests, not counting ignored or out of scope requests.',
    labelNames: ['request_operation', 'resource', 'subresource'] as const,
    registers,
  }),
  podSecurityErrors: new Counter({
    name: 'pod_security_errors_total',
    help: 'Number of errors preventing normal evaluation. Non-fatal errors may result in the latest restricted profile being used for evaluation.',
    labelNames: ['fatal', 'request_operation', 'resource', 'subresource'] as const,
    registers,
  }),
};

export type Metrics = typeof metrics;

/** The value for the Content-Type header of a /metrics response. */
export const metricsContentType: string = registry.contentType;

/** Every metric in the Prometheus text format, for GET /metrics. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

/** Zeroes every metric; for tests. */
export function resetMetrics(): void {
  registry.resetMetrics();
}

/**
 * Records one etcd round trip. `operation` as upstream names it (get, list, create, update,
 * delete, listWithCount); `type` the qualified resource (pods, deployments.apps), as upstream.
 */
export function observeEtcd(operation: string, type: string, seconds: number, ok: boolean): void {
  const labels = { operation, type };
  metrics.etcdRequestDuration.observe(labels, seconds);
  metrics.etcdRequests.inc(labels);
  if (!ok) metrics.etcdRequestErrors.inc(labels);
}

/** Sets both object-count gauges for a resource; pass -1 when counting failed, as upstream does. */
export function setObjectCount(group: string, resource: string, count: number): void {
  const qualified = group ? `${resource}.${group}` : resource;
  metrics.storageObjects.set({ resource: qualified }, count);
  metrics.resourceObjects.set({ group, resource }, count);
}

/** Counts one event sent to a watch client, with its encoded size. */
export function observeWatchEvent(group: string, version: string, kind: string, bytes: number): void {
  const labels = { group, version, kind };
  metrics.watchEvents.inc(labels);
  metrics.watchEventsSizes.observe(labels, bytes);
}

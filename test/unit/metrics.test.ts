// The metrics registry and the per-request metrics filter, through a tiny Express app.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';
import { requestInfoFilter } from '../../src/filters/request-info.js';
import { metricsFilter } from '../../src/filters/metrics.js';
import {
  metrics, metricsText, metricsContentType, observeEtcd, resetMetrics, setObjectCount, observeWatchEvent,
} from '../../src/observability/metrics.js';

type Labels = Record<string, string | number>;

async function values(metric: { get(): Promise<{ values: { labels: Labels; value: number; metricName?: string }[] }> }) {
  return (await metric.get()).values;
}

/** The counter or gauge value with exactly these labels, or undefined. */
async function valueOf(metric: Parameters<typeof values>[0], labels: Labels): Promise<number | undefined> {
  const want = JSON.stringify(Object.entries(labels).sort());
  const v = (await values(metric)).find(x => x.metricName === undefined && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return v?.value;
}

/** A histogram's _count or _sum for exactly these labels. */
async function histogram(metric: Parameters<typeof values>[0], suffix: '_count' | '_sum', labels: Labels): Promise<number | undefined> {
  const want = JSON.stringify(Object.entries(labels).sort());
  const v = (await values(metric)).find(x => x.metricName?.endsWith(suffix) && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return v?.value;
}

async function serve(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** 'finish' listeners run after the client may already have the response. */
const settle = () => new Promise(resolve => setTimeout(resolve, 30));

const labels = (l: Partial<Record<string, string>>) => ({
  verb: '', dry_run: '', group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver', ...l,
});

beforeEach(() => resetMetrics());

test('exposition has upstream names, our registry content type and process metrics', async () => {
  observeEtcd('get', 'pods', 0.003, true);
  const text = await metricsText();
  for (const name of [
    'apiserver_request_total', 'apiserver_request_duration_seconds', 'apiserver_request_sli_duration_seconds',
    'apiserver_response_sizes', 'apiserver_current_inflight_requests', 'apiserver_longrunning_requests',
    'apiserver_request_terminations_total', 'apiserver_request_aborts_total', 'apiserver_tls_handshake_errors_total',
    'etcd_request_duration_seconds', 'etcd_requests_total', 'etcd_request_errors_total', 'apiserver_storage_objects',
    'apiserver_resource_objects', 'apiserver_watch_events_total', 'apiserver_watch_events_sizes',
    'process_cpu_seconds_total', 'process_resident_memory_bytes',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.match(text, /^etcd_request_duration_seconds_bucket\{le="0.005",operation="get",type="pods"\} 1$/m);
  assert.match(text, /^etcd_request_duration_seconds_bucket\{le="60",operation="get",type="pods"\} 1$/m);
  assert.equal(metricsContentType, 'text/plain; version=0.0.4; charset=utf-8');
});

test('upstream buckets for request latency and response sizes', async () => {
  metrics.requestDuration.observe(labels({ verb: 'GET' }), 0.01);
  metrics.responseSizes.observe({ verb: 'GET', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', component: 'apiserver' }, 5);
  const text = await metricsText();
  const les = (name: string) => [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"`, 'gm'))].map(m => m[1]);
  assert.deepEqual(les('apiserver_request_duration_seconds'),
    ['0.005', '0.025', '0.05', '0.1', '0.2', '0.4', '0.6', '0.8', '1', '1.25', '1.5', '2', '3', '4', '5', '6', '8', '10', '15', '20', '30', '45', '60', '+Inf']);
  assert.deepEqual(les('apiserver_response_sizes'), ['1000', '10000', '100000', '1000000', '10000000', '100000000', '1000000000', '+Inf']);
});

test('observeEtcd counts errors; object counts set both gauges; watch events by kind', async () => {
  observeEtcd('update', 'deployments.apps', 0.2, false);
  observeEtcd('update', 'deployments.apps', 0.1, true);
  assert.equal(await valueOf(metrics.etcdRequests, { operation: 'update', type: 'deployments.apps' }), 2);
  assert.equal(await valueOf(metrics.etcdRequestErrors, { operation: 'update', type: 'deployments.apps' }), 1);
  setObjectCount('apps', 'deployments', 7);
  setObjectCount('', 'pods', -1);
  assert.equal(await valueOf(metrics.storageObjects, { resource: 'deployments.apps' }), 7);
  assert.equal(await valueOf(metrics.resourceObjects, { group: 'apps', resource: 'deployments' }), 7);
  assert.equal(await valueOf(metrics.storageObjects, { resource: 'pods' }), -1);
  observeWatchEvent('', 'v1', 'Pod', 2000);
  assert.equal(await valueOf(metrics.watchEvents, { group: '', version: 'v1', kind: 'Pod' }), 1);
  assert.equal(await histogram(metrics.watchEventsSizes, '_sum', { group: '', version: 'v1', kind: 'Pod' }), 2000);
});

test('request metrics carry upstream verb, scope, dry_run, group/version/resource and code', async () => {
  const app = express();
  app.use(requestInfoFilter);
  app.use(metricsFilter());
  app.use((req: Request, res: Response) => {
    if (req.path === '/version') return void res.json({ minor: '32' });
    const status = req.method === 'POST' ? 201 : req.path.includes('missing') ? 404 : 200;
    res.status(status).type('application/json').send('x'.repeat(1234));
  });
  const s = await serve(app);
  try {
    const call = (path: string, init?: RequestInit) => fetch(s.url + path, init).then(r => r.text());
    await call('/api/v1/namespaces/default/pods');
    await call('/api/v1/namespaces/default/pods/foo');
    await call('/api/v1/namespaces/default/pods/missing');
    await call('/api/v1/nodes');
    await call('/api/v1/pods?watch=true');
    await call('/api/v1/watch/namespaces/default/pods');
    await call('/api/v1/namespaces/default/pods?dryRun=All&dryRun=All', { method: 'POST', body: '{}' });
    await call('/api/v1/namespaces/default/pods?dryRun=Some', { method: 'POST', body: '{}' });
    await call('/api/v1/namespaces/default/pods/foo', { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/apply-patch+yaml' } });
    await call('/api/v1/namespaces/default/pods/foo', { method: 'PATCH', body: '{}', headers: { 'content-type': 'application/merge-patch+json' } });
    await call('/api/v1/namespaces/default/pods', { method: 'DELETE' });
    await call('/apis/apps/v1/namespaces/ns1/deployments/d/scale', { method: 'PUT', body: '{}' });
    await call('/api/v1/namespaces/default/pods/foo/log');
    await call('/healthz');
    await call('/version');
    await settle();

    const total = (l: Partial<Record<string, string>>, code: string) => valueOf(metrics.requestTotal, { ...labels(l), code });
    const pods = { version: 'v1', resource: 'pods' };
    assert.equal(await total({ ...pods, verb: 'LIST', scope: 'namespace' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'GET', scope: 'resource' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'GET', scope: 'resource' }, '404'), 1);
    assert.equal(await total({ version: 'v1', resource: 'nodes', verb: 'LIST', scope: 'cluster' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'WATCH', scope: 'cluster' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'WATCH', scope: 'namespace' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'POST', scope: 'resource', dry_run: 'All' }, '201'), 1);
    assert.equal(await total({ ...pods, verb: 'POST', scope: 'resource', dry_run: 'invalid' }, '201'), 1);
    assert.equal(await total({ ...pods, verb: 'APPLY', scope: 'resource' }, '200'), 1);
    assert.equal(await total({ ...pods, verb: 'PATCH', scope: 'resource' }, '200'), 1);
    // Upstream's cleanVerb reports a delete-collection under its HTTP method.
    assert.equal(await total({ ...pods, verb: 'DELETE', scope: 'namespace' }, '200'), 1);
    assert.equal(await total({ group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', verb: 'PUT', scope: 'resource' }, '200'), 1);
    assert.equal(await total({ ...pods, subresource: 'log', verb: 'CONNECT', scope: 'resource' }, '200'), 1);
    assert.equal(await total({ verb: 'GET', subresource: '/healthz', component: '' }, '200'), 1);

    const all = await values(metrics.requestTotal);
    assert.equal(all.length, 14, JSON.stringify(all.map(v => v.labels)));
    assert.ok(!all.some(v => String(v.labels.subresource).includes('version')), 'non-instrumented paths are not recorded');

    const getLabels = { verb: 'GET', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', component: 'apiserver' };
    assert.equal(await histogram(metrics.responseSizes, '_sum', getLabels), 2468);
    assert.equal(await histogram(metrics.responseSizes, '_count', { ...getLabels, verb: 'POST' }), undefined, 'sizes only for reads');
    assert.equal(await histogram(metrics.requestDuration, '_count', { ...getLabels, dry_run: '' }), 2);
    assert.equal(await histogram(metrics.requestSliDuration, '_count', getLabels), 2);
  } finally {
    await s.close();
  }
});

test('long-running requests are counted while open and recorded when the client goes away', async () => {
  const app = express();
  app.use(requestInfoFilter);
  app.use(metricsFilter());
  app.use((_req: Request, res: Response) => {
    res.status(200).type('application/json');
    res.write('{"type":"ADDED","object":{}}\n');
  });
  const s = await serve(app);
  try {
    const controller = new AbortController();
    const resp = await fetch(`${s.url}/api/v1/namespaces/default/configmaps?watch=1`, { signal: controller.signal });
    assert.equal(resp.status, 200);
    const watchLabels = { verb: 'WATCH', group: '', version: 'v1', resource: 'configmaps', subresource: '', scope: 'namespace', component: 'apiserver' };
    assert.equal(await valueOf(metrics.longrunningRequests, watchLabels), 1);
    controller.abort();
    await resp.body?.cancel().catch(() => undefined);
    await settle();
    assert.equal(await valueOf(metrics.longrunningRequests, watchLabels), 0);
    assert.equal(await valueOf(metrics.requestTotal, { ...watchLabels, dry_run: '', code: '200' }), 1);
  } finally {
    await s.close();
  }
});

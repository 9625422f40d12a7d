import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditBackend } from '../../src/audit/backend.js';
import { BufferedBackend } from '../../src/audit/buffered-backend.js';
import {
  eventToJSON, eventToLegacyLine, formatMicroTime, sourceIPs, statusFromBody, withoutManagedFields, type AuditEvent,
} from '../../src/audit/event.js';
import { LogBackend } from '../../src/audit/log-backend.js';
import { readWebhookKubeconfig, WebhookBackend } from '../../src/audit/webhook-backend.js';
import { metrics, resetMetrics } from '../../src/observability/metrics.js';

function sampleEvent(o: Partial<AuditEvent> = {}): AuditEvent {
  return {
    level: 'Metadata', auditID: 'abc-123', stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/default/pods?limit=1', verb: 'list',
    user: { username: 'alice', groups: ['dev', 'system:authenticated'] }, sourceIPs: ['10.0.0.1'], userAgent: 'kubectl/v1.32.4',
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1', apiGroup: '', name: '', subresource: '' },
    responseStatus: { code: 200 },
    requestReceivedMicros: Date.UTC(2024, 1, 3, 4, 5, 6) * 1000 + 123456, stageMicros: Date.UTC(2024, 1, 3, 4, 5, 6) * 1000 + 234000,
    ...o,
  };
}

test('MicroTime has six fractional digits in UTC', () => {
  assert.equal(formatMicroTime(Date.UTC(2024, 1, 3, 4, 5, 6) * 1000 + 7), '2024-02-03T04:05:06.000007Z');
  assert.equal(formatMicroTime(Date.UTC(2024, 1, 3, 4, 5, 6) * 1000 + 999999), '2024-02-03T04:05:06.999999Z');
});

test('event JSON: upstream field order, empty fields left out, responseStatus with metadata {}', () => {
  const json = eventToJSON(sampleEvent({ annotations: { 'authorization.k8s.io/decision': 'allow' } }));
  assert.deepEqual(Object.keys(json), [
    'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef',
    'responseStatus', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations',
  ]);
  assert.equal(json['kind'], 'Event');
  assert.equal(json['apiVersion'], 'audit.k8s.io/v1');
  assert.deepEqual(json['objectRef'], { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
  assert.deepEqual(json['responseStatus'], { metadata: {}, code: 200 });
  assert.equal(json['requestReceivedTimestamp'], '2024-02-03T04:05:06.123456Z');
  assert.equal(json['stageTimestamp'], '2024-02-03T04:05:06.234000Z');
  assert.deepEqual(eventToJSON(sampleEvent({ user: {} }))['user'], {});
});

test('Status bodies give responseStatus its bounded fields', () => {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 };
  const s = statusFromBody(body, 404)!;
  assert.deepEqual(eventToJSON(sampleEvent({ responseStatus: s }))['responseStatus'], {
    metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404,
  });
  assert.equal(statusFromBody({ kind: 'Pod' }, 200), undefined);
});

test('the legacy line matches upstream\'s EventString', () => {
  assert.equal(
    eventToLegacyLine(sampleEvent()),
    '2024-02-03T04:05:06.123456Z AUDIT: id="abc-123" stage="ResponseComplete" ip="10.0.0.1" method="list" user="alice" groups="\\"dev\\",\\"system:authenticated\\"" as="<self>" asgroups="<lookup>" user-agent="kubectl/v1.32.4" namespace="default" uri="/api/v1/namespaces/default/pods?limit=1" response="200"',
  );
  assert.match(eventToLegacyLine(sampleEvent({ user: {}, responseStatus: undefined, sourceIPs: [], objectRef: undefined })), /ip="<unknown>" method="list" user="<none>" groups="<none>" .* namespace="<none>" .* response="<deferred>"$/);
});

test('source IPs: X-Forwarded-For, X-Real-Ip, then the peer, without repeats', () => {
  assert.deepEqual(sourceIPs(undefined, undefined, '::ffff:127.0.0.1'), ['127.0.0.1']);
  assert.deepEqual(sourceIPs('1.1.1.1, bogus, 2.2.2.2', '3.3.3.3', '2.2.2.2'), ['1.1.1.1', '2.2.2.2', '3.3.3.3', '2.2.2.2']);
  assert.deepEqual(sourceIPs('1.1.1.1', '1.1.1.1', '1.1.1.1'), ['1.1.1.1']);
});

test('managedFields are dropped from objects, list items and table rows', () => {
  const obj = { kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'kubectl' }] } };
  assert.deepEqual(withoutManagedFields(obj), { kind: 'Pod', metadata: { name: 'p' } });
  assert.deepEqual(withoutManagedFields({ kind: 'PodList', metadata: {}, items: [obj] }), { kind: 'PodList', metadata: {}, items: [{ kind: 'Pod', metadata: { name: 'p' } }] });
  assert.deepEqual(withoutManagedFields({ kind: 'Table', rows: [{ cells: [], object: obj }] }), { kind: 'Table', rows: [{ cells: [], object: { kind: 'Pod', metadata: { name: 'p' } } }] });
  assert.equal(obj.metadata.managedFields.length, 1, 'the input is not changed');
});

test('the log backend writes one JSON or legacy line per event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  try {
    const json = new LogBackend({ path: join(dir, 'sub', 'audit.log'), format: 'json', maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0, compress: false });
    assert.equal(await json.processEvents([sampleEvent(), sampleEvent({ stage: 'RequestReceived' })]), true);
    await json.shutdown();
    const lines = readFileSync(join(dir, 'sub', 'audit.log'), 'utf8').trimEnd().split('\n').map(l => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map(l => l['stage']), ['ResponseComplete', 'RequestReceived']);
    const legacy = new LogBackend({ path: join(dir, 'legacy.log'), format: 'legacy', maxSizeMB: 0, maxBackups: 0, maxAgeDays: 0, compress: false });
    await legacy.processEvents([sampleEvent()]);
    await legacy.shutdown();
    assert.match(readFileSync(join(dir, 'legacy.log'), 'utf8'), /^2024-02-03T04:05:06.123456Z AUDIT: id="abc-123" .*\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function recorder(): AuditBackend & { batches: AuditEvent[][] } {
  const batches: AuditEvent[][] = [];
  return { batches, processEvents: async evs => { batches.push([...evs]); return true; }, shutdown: async () => undefined };
}

test('batch mode groups events up to the batch size and flushes the rest after max-wait', async () => {
  const r = recorder();
  const b = new BufferedBackend(r, { bufferSize: 100, maxBatchSize: 3, maxBatchWaitMs: 50, asyncDelegate: false });
  for (let i = 0; i < 7; i++) await b.processEvents([sampleEvent({ auditID: String(i) })]);
  await new Promise(res => setTimeout(res, 10));
  assert.deepEqual(r.batches.map(x => x.map(e => e.auditID)), [['0', '1', '2'], ['3', '4', '5']]);
  await new Promise(res => setTimeout(res, 80));
  assert.deepEqual(r.batches.map(x => x.length), [3, 3, 1]);
  await b.shutdown();
});

test('batch mode drops events beyond the buffer and counts them; shutdown flushes', async () => {
  resetMetrics();
  const r = recorder();
  const b = new BufferedBackend(r, { bufferSize: 2, maxBatchSize: 10, maxBatchWaitMs: 60_000, asyncDelegate: true });
  assert.equal(await b.processEvents([sampleEvent(), sampleEvent(), sampleEvent()]), true);
  assert.equal((await metrics.auditErrors.get()).values.find(v => v.labels['plugin'] === 'buffered')?.value, 1);
  await b.shutdown();
  assert.deepEqual(r.batches.map(x => x.length), [2]);
});

test('the webhook backend POSTs an EventList to the kubeconfig\'s server, retrying a 500', async () => {
  const received: { auth: string | undefined; body: Record<string, unknown> }[] = [];
  let failures = 1;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures-- > 0) {
        res.writeHead(500).end('try again');
        return;
      }
      received.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const dir = mkdtempSync(join(tmpdir(), 'audit-wh-'));
  try {
    const port = (server.address() as AddressInfo).port;
    const kubeconfig = join(dir, 'webhook.yaml');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: audit',
      'clusters: [{name: other, cluster: {server: "http://127.0.0.1:1"}}, {name: sink, cluster: {server: "http://127.0.0.1:' + port + '/events"}}]',
      'users: [{name: sink-user, user: {token: s3cret}}]',
      'contexts: [{name: audit, context: {cluster: sink, user: sink-user}}]',
    ].join('\n'));
    const target = readWebhookKubeconfig(kubeconfig);
    assert.equal(target.url.toString(), `http://127.0.0.1:${port}/events`);
    const wh = new WebhookBackend({ target, initialBackoffMs: 10 });
    assert.equal(await wh.processEvents([sampleEvent(), sampleEvent({ stage: 'RequestReceived' })]), true);
    await wh.shutdown();
    assert.equal(received.length, 1);
    assert.equal(received[0]!.auth, 'Bearer s3cret');
    const list = received[0]!.body;
    assert.equal(list['kind'], 'EventList');
    assert.equal(list['apiVersion'], 'audit.k8s.io/v1');
    assert.deepEqual((list['items'] as Record<string, unknown>[]).map(i => i['stage']), ['ResponseComplete', 'RequestReceived']);

    resetMetrics();
    const dead = new WebhookBackend({ target: { url: new URL('http://127.0.0.1:1/'), insecureSkipTLSVerify: false }, initialBackoffMs: 1, attempts: 2 });
    assert.equal(await dead.processEvents([sampleEvent()]), false);
    assert.equal((await metrics.auditErrors.get()).values.find(v => v.labels['plugin'] === 'webhook')?.value, 1);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

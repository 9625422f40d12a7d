// The audit-ID, cache-control, http-logging, max-in-flight and timeout filters, each in a tiny
// Express app on an ephemeral port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response, RequestHandler } from 'express';
import { requestInfoFilter } from '../../src/filters/request-info.js';
import { auditIDFilter } from '../../src/filters/audit-id.js';
import { cacheControlFilter } from '../../src/filters/cache-control.js';
import { createHttpLogging } from '../../src/filters/http-logging.js';
import { createMaxInFlight } from '../../src/filters/max-in-flight.js';
import { timeoutFilter, isLongRunning } from '../../src/filters/timeout.js';
import { formatGoDuration, parseGoDurationMs as parseGoDuration } from '../../src/options/go-duration.js';
import { metricsFilter } from '../../src/filters/metrics.js';
import { metrics, resetMetrics } from '../../src/observability/metrics.js';
import { parseRequestInfo } from '../../src/filters/request-info.js';
import type { LogFields, Logger } from '../../src/observability/logger.js';

async function serve(...handlers: RequestHandler[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(requestInfoFilter);
  for (const h of handlers) app.use(h);
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

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('Audit-Id: a new UUID per request, or the client\'s own echoed back', async () => {
  let seen: string | undefined;
  const s = await serve(auditIDFilter, (req: Request, res: Response) => {
    seen = req.auditID;
    res.end('ok');
  });
  try {
    const a = await fetch(`${s.url}/api/v1/pods`);
    const b = await fetch(`${s.url}/api/v1/pods`);
    assert.match(a.headers.get('audit-id') ?? '', uuid);
    assert.notEqual(a.headers.get('audit-id'), b.headers.get('audit-id'));
    assert.equal(seen, b.headers.get('audit-id'));
    const c = await fetch(`${s.url}/api/v1/pods`, { headers: { 'Audit-ID': 'my-audit-id' } });
    assert.equal(c.headers.get('audit-id'), 'my-audit-id');
    assert.equal(seen, 'my-audit-id');
  } finally {
    await s.close();
  }
});

test('Cache-Control: no-cache, private unless the handler sets its own', async () => {
  const s = await serve(cacheControlFilter, (req: Request, res: Response) => {
    if (req.path === '/openapi/v3/apis/apps/v1') res.setHeader('Cache-Control', 'public, immutable');
    res.end('{}');
  });
  try {
    assert.equal((await fetch(`${s.url}/api/v1/pods`)).headers.get('cache-control'), 'no-cache, private');
    assert.equal((await fetch(`${s.url}/openapi/v3/apis/apps/v1`)).headers.get('cache-control'), 'public, immutable');
  } finally {
    await s.close();
  }
});

/** A logger at a given --v that keeps what it would print. */
function fakeLogger(verbosity: number): Logger & { lines: { msg: string; fields?: LogFields }[] } {
  const lines: { msg: string; fields?: LogFields }[] = [];
  const info = (msg: string, fields?: LogFields) => void lines.push({ msg, fields });
  return {
    lines, info, warn: info, error: info,
    v: (level: number) => ({ enabled: level <= verbosity, info: level <= verbosity ? info : () => undefined }),
  };
}

test('http logging: one "HTTP" line per request at --v=3 with upstream keys, none below', async () => {
  const quiet = fakeLogger(2);
  const loud = fakeLogger(3);
  const s = await serve(auditIDFilter, createHttpLogging(quiet), createHttpLogging(loud), (_req: Request, res: Response) => {
    res.status(201).end('{}');
  });
  try {
    await fetch(`${s.url}/api/v1/namespaces/ns/configmaps?limit=5`, { headers: { 'user-agent': 'kubectl/v1.32.4', 'audit-id': 'a1' } });
    await sleep(30);
    assert.equal(quiet.lines.length, 0);
    assert.equal(loud.lines.length, 1);
    const { msg, fields } = loud.lines[0]!;
    assert.equal(msg, 'HTTP');
    assert.deepEqual(Object.keys(fields ?? {}), ['verb', 'URI', 'latency', 'userAgent', 'audit-ID', 'srcIP', 'resp']);
    assert.equal(fields?.verb, 'LIST');
    assert.equal(fields?.URI, '/api/v1/namespaces/ns/configmaps?limit=5');
    assert.equal(fields?.userAgent, 'kubectl/v1.32.4');
    assert.equal(fields?.['audit-ID'], 'a1');
    assert.match(String(fields?.srcIP), /^127\.0\.0\.1:\d+$/);
    assert.equal(fields?.resp, 201);
    assert.match(String(fields?.latency), /^\d+(\.\d+)?(ns|µs|ms|s)$/);
  } finally {
    await s.close();
  }
});

test('Go duration text, both ways', () => {
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(999n), '999ns');
  assert.equal(formatGoDuration(1_500n), '1.5µs');
  assert.equal(formatGoDuration(1_234_567n), '1.234567ms');
  assert.equal(formatGoDuration(2_500_000_000n), '2.5s');
  assert.equal(formatGoDuration(62_000_000_000n), '1m2s');
  assert.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s');
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('.5s'), 500);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'), { message: 'time: missing unit in duration "10"' });
  assert.throws(() => parseGoDuration('10x'), { message: 'time: unknown unit "x" in duration "10x"' });
  assert.throws(() => parseGoDuration('abc'), { message: 'time: invalid duration "abc"' });
  assert.throws(() => parseGoDuration('.s'), { message: 'time: invalid duration ".s"' });
});

test('long-running: watch, proxy, exec/attach/log/portforward and pprof; not plain reads', () => {
  const lr = (method: string, url: string) => {
    const u = new URL(url, 'http://x');
    return isLongRunning({ requestInfo: parseRequestInfo(method, u.pathname, u.searchParams) } as Request);
  };
  assert.equal(lr('GET', '/api/v1/pods?watch=1'), true);
  assert.equal(lr('GET', '/api/v1/watch/pods'), true);
  assert.equal(lr('GET', '/api/v1/namespaces/a/pods/p/log'), true);
  assert.equal(lr('POST', '/api/v1/namespaces/a/pods/p/exec'), true);
  assert.equal(lr('GET', '/api/v1/namespaces/a/services/s/proxy/x'), true);
  assert.equal(lr('GET', '/debug/pprof/profile'), true);
  assert.equal(lr('GET', '/api/v1/pods'), false);
  assert.equal(lr('GET', '/api/v1/namespaces/a/pods/p/status'), false);
  assert.equal(lr('GET', '/healthz'), false);
});

test('max in flight: 429 past the read-only limit, mutating and long-running apart', async () => {
  resetMetrics();
  const limiter = createMaxInFlight({ maxRequestsInFlight: 2, maxMutatingRequestsInFlight: 1 });
  let release!: () => void;
  const gate = new Promise<void>(resolve => (release = resolve));
  let arrived = 0;
  const s = await serve(metricsFilter(), limiter.filter, async (req: Request, res: Response) => {
    if (req.method === 'GET' && !req.url.includes('watch')) {
      arrived++;
      await gate;
    }
    res.json({ ok: true });
  });
  try {
    const slow = [fetch(`${s.url}/api/v1/pods`), fetch(`${s.url}/api/v1/namespaces/a/pods`)];
    while (arrived < 2) await sleep(5);
    const rejected = await fetch(`${s.url}/api/v1/namespaces/a/pods/p`);
    assert.equal(rejected.status, 429);
    assert.equal(rejected.headers.get('retry-after'), '1');
    const status = await rejected.json() as { kind: string; reason: string; message: string; code: number; details: { retryAfterSeconds: number } };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'TooManyRequests');
    assert.equal(status.code, 429);
    assert.equal(status.message, 'Too many requests, please try again later.');
    assert.equal(status.details.retryAfterSeconds, 1);
    assert.equal((await fetch(`${s.url}/api/v1/namespaces/a/configmaps`, { method: 'POST', body: '{}' })).status, 200);
    assert.equal((await fetch(`${s.url}/api/v1/pods?watch=1`)).status, 200);
    limiter.publish();
    assert.equal((await metrics.currentInflightRequests.get()).values.find(v => v.labels.request_kind === 'readOnly')?.value, 2);
    release();
    assert.deepEqual((await Promise.all(slow)).map(r => r.status), [200, 200]);
    assert.equal((await fetch(`${s.url}/api/v1/pods`)).status, 200, 'slots are given back');
    await sleep(30);
    const dropped = { verb: 'GET', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', component: 'apiserver', code: '429' };
    assert.equal((await metrics.requestTerminations.get()).values.find(v => v.labels.scope === 'resource')?.value, 1);
    assert.deepEqual((await metrics.requestTotal.get()).values.find(v => v.labels.code === '429')?.labels, { ...dropped, dry_run: '' });
  } finally {
    limiter.stop();
    await s.close();
  }
});

test('max in flight: 0 means unlimited; privileged users pass a full limit', async () => {
  const limiter = createMaxInFlight({ maxRequestsInFlight: 1, maxMutatingRequestsInFlight: 0, isPrivileged: req => req.get('x-test-master') === 'yes' });
  let release!: () => void;
  const gate = new Promise<void>(resolve => (release = resolve));
  let arrived = 0;
  const s = await serve(limiter.filter, async (_req: Request, res: Response) => {
    arrived++;
    await gate;
    res.end('ok');
  });
  try {
    const pending = [
      fetch(`${s.url}/api/v1/pods`),
      ...Array.from({ length: 3 }, () => fetch(`${s.url}/api/v1/namespaces/a/pods`, { method: 'POST', body: '{}' })),
    ];
    while (arrived < 4) await sleep(5);
    assert.equal((await fetch(`${s.url}/api/v1/pods`)).status, 429);
    const master = fetch(`${s.url}/api/v1/pods`, { headers: { 'x-test-master': 'yes' } });
    while (arrived < 5) await sleep(5);
    release();
    assert.deepEqual((await Promise.all([...pending, master])).map(r => r.status), [200, 200, 200, 200, 200]);
  } finally {
    limiter.stop();
    await s.close();
  }
});

test('timeout: 504 Timeout Status when the handler is slower than ?timeout, late write dropped', async () => {
  resetMetrics();
  let lateWrite: Promise<void> | undefined;
  const s = await serve(metricsFilter(), timeoutFilter({ requestTimeoutSeconds: 60 }), (req: Request, res: Response) => {
    res.setHeader('X-From-Handler', 'yes');
    lateWrite = sleep(200).then(() => {
      assert.equal(req.timedOut, true);
      assert.equal(req.deadline?.aborted, true);
      res.status(200).json({ kind: 'Pod' });
    });
  });
  try {
    const r = await fetch(`${s.url}/api/v1/namespaces/a/pods/p?timeout=100ms`);
    assert.equal(r.status, 504);
    assert.equal(r.headers.get('x-from-handler'), null);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await r.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
      reason: 'Timeout', details: {}, code: 504,
    });
    await lateWrite;
    await sleep(30);
    const recorded = (await metrics.requestTotal.get()).values.map(v => v.labels.code);
    assert.deepEqual(recorded, ['504']);
    assert.equal((await metrics.requestTerminations.get()).values[0]?.labels.code, '504');
  } finally {
    await s.close();
  }
});

test('timeout: --request-timeout applies without ?timeout; a longer ?timeout cannot extend it', async () => {
  const s = await serve(timeoutFilter({ requestTimeoutSeconds: 0.1 }), async (_req: Request, res: Response) => {
    await sleep(250);
    res.end('late');
  });
  try {
    assert.equal((await fetch(`${s.url}/api/v1/pods`)).status, 504);
    assert.equal((await fetch(`${s.url}/api/v1/pods?timeout=10m`)).status, 504);
  } finally {
    await s.close();
  }
});

test('timeout: a started response is cut off; watches and fast handlers are untouched; bad ?timeout is 400', async () => {
  resetMetrics();
  const s = await serve(metricsFilter(), timeoutFilter({ requestTimeoutSeconds: 60 }), async (req: Request, res: Response) => {
    if (req.path.endsWith('/fast')) return void res.end('fast');
    res.status(200).type('application/json');
    res.write('{"items":[');
    await sleep(200);
    res.end(']}');
  });
  try {
    const cut = await fetch(`${s.url}/api/v1/namespaces/a/pods?timeout=80ms`);
    assert.equal(cut.status, 200);
    await assert.rejects(cut.text());
    const watch = await fetch(`${s.url}/api/v1/namespaces/a/pods?watch=1&timeout=50ms`);
    assert.equal(await watch.text(), '{"items":[]}');
    assert.equal(await (await fetch(`${s.url}/api/v1/namespaces/a/pods/fast?timeout=1s`)).text(), 'fast');
    const bad = await fetch(`${s.url}/api/v1/pods?timeout=abc`);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json() as { message: string }).message, 'invalid timeout specified in the request URL - time: invalid duration "abc"');
    await sleep(30);
    assert.equal((await metrics.requestAborts.get()).values[0]?.value, 1);
  } finally {
    await s.close();
  }
});

// The audit filter in a tiny Express app with a recording backend: stages, Panic, impersonation,
// annotations, omitManagedFields, blocking-strict failures and failed authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { newAuditor } from '../../src/audit/auditor.js';
import type { AuditBackend } from '../../src/audit/backend.js';
import { eventToJSON, type AuditEvent } from '../../src/audit/event.js';
import { parsePolicy } from '../../src/audit/policy.js';
import { readRawBody } from '../../src/endpoints/body.js';
import { writeError } from '../../src/endpoints/status-writer.js';
import { errors } from '../../src/api/errors.js';
import { addAuditAnnotation, auditFilter, auditPanic, failedAuthenticationAudit } from '../../src/filters/audit.js';
import { auditIDFilter } from '../../src/filters/audit-id.js';
import { requestInfoFilter } from '../../src/filters/request-info.js';

const policyText = `apiVersion: audit.k8s.io/v1
kind: Policy
omitManagedFields: true
rules:
  - level: None
    users: [ignored]
  - level: RequestResponse
`;

interface Harness { url: string; events: Record<string, unknown>[]; close(): Promise<void> }

async function harness(opts: { fail?: boolean } = {}): Promise<Harness> {
  const events: Record<string, unknown>[] = [];
  const backend: AuditBackend = {
    processEvents: async (evs: readonly AuditEvent[]) => {
      events.push(...evs.map(eventToJSON));
      return !opts.fail;
    },
    shutdown: async () => undefined,
  };
  const auditor = newAuditor(parsePolicy(policyText), backend);
  const app = express();
  app.use(auditIDFilter, requestInfoFilter, failedAuthenticationAudit(auditor));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const who = req.get('x-test-user');
    if (!who) return writeError(res, errors.unauthorized());
    req.user = { name: who, groups: ['system:authenticated'] };
    next();
  });
  app.use(auditFilter(auditor));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const as = req.get('x-test-as');
    if (as) req.user = { name: as, groups: ['impersonated'] };
    addAuditAnnotation(req, 'authorization.k8s.io/decision', 'allow');
    addAuditAnnotation(req, 'authorization.k8s.io/decision', 'forbid');
    next();
  });
  app.post('/api/v1/namespaces/ns/configmaps', async (req: Request, res: Response) => {
    const body = JSON.parse((await readRawBody(req)).toString()) as Record<string, unknown>;
    res.status(201).json({ ...body, metadata: { ...(body['metadata'] as object), uid: 'u-1', managedFields: [{ manager: 'm' }] } });
  });
  app.get('/api/v1/namespaces/ns/configmaps/boom', () => {
    throw new Error('kaboom');
  });
  app.use(auditPanic);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => writeError(res, err));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function settle(h: Harness, count: number): Promise<void> {
  for (let i = 0; i < 100 && h.events.length < count; i++) await new Promise(r => setTimeout(r, 10));
}

test('create: request and response objects (managedFields omitted), objectRef from the body, annotations and impersonation', async () => {
  const h = await harness();
  try {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', managedFields: [{ manager: 'x' }] } };
    const r = await fetch(`${h.url}/api/v1/namespaces/ns/configmaps`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-test-user': 'alice', 'x-test-as': 'bob' } });
    assert.equal(r.status, 201);
    await settle(h, 2);
    assert.deepEqual(h.events.map(e => e['stage']), ['RequestReceived', 'ResponseComplete']);
    const done = h.events[1]!;
    assert.equal(done['auditID'], r.headers.get('audit-id'));
    assert.deepEqual(done['user'], { username: 'alice', groups: ['system:authenticated'] });
    assert.deepEqual(done['impersonatedUser'], { username: 'bob', groups: ['impersonated'] });
    assert.deepEqual(done['annotations'], { 'authorization.k8s.io/decision': 'allow' });
    assert.deepEqual(done['requestObject'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' } });
    assert.deepEqual(done['responseObject'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', uid: 'u-1' } });
    assert.deepEqual(done['objectRef'], { resource: 'configmaps', namespace: 'ns', name: 'c1', apiVersion: 'v1' });
    assert.equal(h.events[0]!['annotations'], undefined, 'nothing was annotated yet at RequestReceived');
    assert.equal(h.events[0]!['impersonatedUser'], undefined);
  } finally {
    await h.close();
  }
});

test('a handler that throws gets a Panic event and no ResponseComplete', async () => {
  const h = await harness();
  try {
    const r = await fetch(`${h.url}/api/v1/namespaces/ns/configmaps/boom`, { headers: { 'x-test-user': 'alice' } });
    assert.equal(r.status, 500);
    await settle(h, 2);
    await new Promise(res => setTimeout(res, 50));
    assert.deepEqual(h.events.map(e => e['stage']), ['RequestReceived', 'Panic']);
    assert.deepEqual(h.events[1]!['responseStatus'], { metadata: {}, status: 'Failure', message: "APIServer panic'd: kaboom", reason: 'InternalError', code: 500 });
  } finally {
    await h.close();
  }
});

test('level None (first matching rule) is not audited', async () => {
  const h = await harness();
  try {
    const r = await fetch(`${h.url}/api/v1/namespaces/ns/configmaps/x`, { headers: { 'x-test-user': 'ignored' } });
    assert.equal(r.status, 404);
    await new Promise(res => setTimeout(res, 50));
    assert.equal(h.events.length, 0);
  } finally {
    await h.close();
  }
});

test('a lost RequestReceived event fails the request with 500 (blocking-strict)', async () => {
  const h = await harness({ fail: true });
  try {
    const r = await fetch(`${h.url}/api/v1/namespaces/ns/configmaps/x`, { headers: { 'x-test-user': 'alice' } });
    assert.equal(r.status, 500);
    assert.equal(await r.text(), 'Internal Server Error: "/api/v1/namespaces/ns/configmaps/x": failed to store audit event\n');
    assert.deepEqual(h.events.map(e => e['stage']), ['RequestReceived']);
  } finally {
    await h.close();
  }
});

test('failed authentication: one ResponseStarted event without a user, with the 401 Status', async () => {
  const h = await harness();
  try {
    const r = await fetch(`${h.url}/api/v1/namespaces/ns/configmaps?watch=1`);
    assert.equal(r.status, 401);
    await settle(h, 1);
    await new Promise(res => setTimeout(res, 50));
    assert.equal(h.events.length, 1);
    const ev = h.events[0]!;
    assert.equal(ev['stage'], 'ResponseStarted');
    assert.equal(ev['verb'], 'watch');
    assert.deepEqual(ev['user'], {});
    assert.deepEqual(ev['responseStatus'], { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  } finally {
    await h.close();
  }
});

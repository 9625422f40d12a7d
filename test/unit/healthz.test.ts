// /livez, /readyz and /healthz: upstream's exact text for verbose, exclude, failures and sub-paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { HealthChecks, healthRouter } from '../../src/server/healthz.js';

async function serve(checks: HealthChecks): Promise<{ get(path: string): Promise<{ status: number; body: string; headers: Headers }>; close(): Promise<void> }> {
  const app = express();
  app.use(healthRouter(checks));
  app.use((_req, res) => void res.status(404).end('not found'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    get: async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: await r.text(), headers: r.headers };
    },
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function setup(etcd: () => Promise<boolean> = async () => true) {
  const checks = new HealthChecks({ etcd, etcdHealthcheckTimeoutMs: 100, etcdReadycheckTimeoutMs: 100 });
  checks.addReadyz('informer-sync', () => undefined);
  const admissionDone = checks.addPostStartHook('start-apiserver-admission-initializer');
  const bootstrapDone = checks.addPostStartHook('bootstrap-controller');
  admissionDone();
  return { checks, bootstrapDone };
}

test('a post-start hook not yet finished fails all three, reason withheld, as plain text', async () => {
  const { checks, bootstrapDone } = setup();
  const s = await serve(checks);
  try {
    const live = await s.get('/livez');
    assert.equal(live.status, 500);
    assert.equal(live.body,
      '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/start-apiserver-admission-initializer ok\n' +
      '[-]poststarthook/bootstrap-controller failed: reason withheld\nlivez check failed\n');
    assert.equal(live.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(live.headers.get('x-content-type-options'), 'nosniff');
    assert.match((await s.get('/healthz')).body, /\[-\]poststarthook\/bootstrap-controller failed: reason withheld\nhealthz check failed\n$/);
    const sub = await s.get('/readyz/poststarthook/bootstrap-controller');
    assert.equal(sub.status, 500);
    assert.equal(sub.body, 'internal server error: not finished\n');
    bootstrapDone();
    const ok = await s.get('/livez');
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'ok');
    assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
  } finally {
    await s.close();
  }
});

test('?verbose lists every check in order; readyz adds etcd-readiness, informer-sync and ends with shutdown', async () => {
  const { checks, bootstrapDone } = setup();
  bootstrapDone();
  const s = await serve(checks);
  try {
    assert.equal((await s.get('/livez?verbose')).body,
      '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/start-apiserver-admission-initializer ok\n' +
      '[+]poststarthook/bootstrap-controller ok\nlivez check passed\n');
    assert.equal((await s.get('/readyz?verbose=1')).body,
      '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n' +
      '[+]poststarthook/start-apiserver-admission-initializer ok\n[+]poststarthook/bootstrap-controller ok\n' +
      '[+]shutdown ok\nreadyz check passed\n');
    assert.equal((await s.get('/healthz?verbose')).body,
      '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/start-apiserver-admission-initializer ok\n' +
      '[+]poststarthook/bootstrap-controller ok\nhealthz check passed\n');
  } finally {
    await s.close();
  }
});

test('?exclude skips checks and warns about names it does not know', async () => {
  const { checks, bootstrapDone } = setup(async () => false);
  bootstrapDone();
  const s = await serve(checks);
  try {
    const failing = await s.get('/readyz?verbose');
    assert.equal(failing.status, 500);
    assert.match(failing.body, /\[-\]etcd failed: reason withheld\n\[-\]etcd-readiness failed: reason withheld\n/);
    const r = await s.get('/readyz?verbose&exclude=etcd&exclude=etcd-readiness&exclude=zeta&exclude=alpha');
    assert.equal(r.status, 200);
    assert.equal(r.body,
      '[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n[+]etcd-readiness excluded: ok\n[+]informer-sync ok\n' +
      '[+]poststarthook/start-apiserver-admission-initializer ok\n[+]poststarthook/bootstrap-controller ok\n' +
      '[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "alpha","zeta"\nreadyz check passed\n');
    const quiet = await s.get('/livez?exclude=etcd');
    assert.equal(quiet.status, 200);
    assert.equal(quiet.body, 'ok');
  } finally {
    await s.close();
  }
});

test('sub-paths answer one check and tell the reason; unknown ones fall through', async () => {
  const { checks } = setup(async () => false);
  const s = await serve(checks);
  try {
    const ping = await s.get('/livez/ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'ok');
    const etcd = await s.get('/healthz/etcd');
    assert.equal(etcd.status, 500);
    assert.equal(etcd.body, 'internal server error: error getting data from etcd: etcd is not answering\n');
    assert.equal((await s.get('/livez/etcd-readiness')).status, 404, 'etcd-readiness is a readyz check only');
    assert.equal((await s.get('/livez/nope')).status, 404);
    assert.equal((await s.get('/livez/')).status, 404);
  } finally {
    await s.close();
  }
});

test('an etcd that does not answer in time fails; shutdown fails readyz only', async () => {
  const { checks, bootstrapDone } = setup(() => new Promise<boolean>(() => undefined));
  bootstrapDone();
  const s = await serve(checks);
  try {
    const etcd = await s.get('/readyz/etcd');
    assert.equal(etcd.body, 'internal server error: error getting data from etcd: context deadline exceeded\n');
    checks.markShutdown();
    const ready = await s.get('/readyz?exclude=etcd&exclude=etcd-readiness');
    assert.equal(ready.status, 500);
    assert.match(ready.body, /\[-\]shutdown failed: reason withheld\nreadyz check failed\n$/);
    assert.equal((await s.get('/readyz/shutdown')).body, 'internal server error: process is shutting down\n');
    assert.equal((await s.get('/livez?exclude=etcd')).status, 200);
  } finally {
    await s.close();
  }
});

test('livez grace period lets unfinished post-start hooks pass /livez but not /readyz', async () => {
  const checks = new HealthChecks({ etcd: async () => true, livezGracePeriodMs: 60_000 });
  checks.addPostStartHook('slow-hook');
  const s = await serve(checks);
  try {
    assert.equal((await s.get('/livez')).status, 200);
    assert.equal((await s.get('/readyz')).status, 500);
    assert.throws(() => checks.addPostStartHook('slow-hook'), /already registered/);
    checks.completePostStartHook('slow-hook');
    assert.equal((await s.get('/readyz')).status, 200);
    assert.throws(() => checks.completePostStartHook('other'), /no post-start hook/);
    assert.throws(() => checks.addReadyz('shutdown', () => undefined), /built in/);
  } finally {
    await s.close();
  }
});

test('the embedded backend\'s checks are named sqlite and sqlite-readiness', async () => {
  let up = true;
  const checks = new HealthChecks({ etcd: async () => up, storageBackend: 'sqlite' });
  const s = await serve(checks);
  try {
    assert.match((await s.get('/readyz?verbose')).body, /^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]sqlite ok\n\[\+\]sqlite-readiness ok\n/);
    assert.equal((await s.get('/livez/etcd')).status, 404);
    up = false;
    const failing = await s.get('/livez/sqlite');
    assert.equal(failing.status, 500);
    assert.equal(failing.body, 'internal server error: error getting data from sqlite: sqlite is not answering\n');
  } finally {
    await s.close();
  }
});

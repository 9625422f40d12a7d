// /livez, /readyz and /healthz as upstream serves them (apiserver/pkg/server/healthz/healthz.go and
// server/healthz.go): named checks, a sub-path per check, ?verbose, ?exclude=, and the exact text.
import { Router } from 'express';
import type { Request, Response, NextFunction } from 'express';
import { log } from '../observability/logger.js';

/** A health check passes by returning and fails by throwing; the error's message is the reason. */
export type HealthCheckFn = () => void | Promise<void>;

export type HealthEndpoint = 'livez' | 'readyz' | 'healthz';

interface NamedCheck {
  name: string;
  check: HealthCheckFn;
}

export interface HealthChecksOptions {
  /** Whether the storage backend answers; backs the etcd and etcd-readiness checks (or sqlite's). */
  etcd: () => Promise<boolean>;
  /**
   * Names the storage checks: upstream's etcd and etcd-readiness, or sqlite and sqlite-readiness
   * for the embedded backend, so a probe's output says what it looked at (default etcd).
   */
  storageBackend?: 'etcd' | 'sqlite';
  /** --etcd-healthcheck-timeout (default 2 s). */
  etcdHealthcheckTimeoutMs?: number;
  /** --etcd-readycheck-timeout (default 2 s). */
  etcdReadycheckTimeoutMs?: number;
  /** --livez-grace-period (default 0): post-start hooks pass /livez until this much time has gone by. */
  livezGracePeriodMs?: number;
}

const endpoints: readonly HealthEndpoint[] = ['livez', 'readyz', 'healthz'];

function withTimeout(fn: () => Promise<boolean>, ms: number, backend: string): HealthCheckFn {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('context deadline exceeded')), ms);
    });
    try {
      const healthy = await Promise.race([fn(), expired]);
      if (!healthy) throw new Error(`${backend} is not answering`);
    } catch (e) {
      throw new Error(`error getting data from ${backend}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The checks behind the three endpoints, in the order they were added (upstream's order for the defaults). */
export class HealthChecks {
  private readonly checks: Record<HealthEndpoint, NamedCheck[]> = { livez: [], readyz: [], healthz: [] };
  private readonly postStartHooks = new Map<string, boolean>();
  private shuttingDown = false;
  private readonly startedAt = Date.now();
  private readonly livezGracePeriodMs: number;

  constructor(opts: HealthChecksOptions) {
    this.livezGracePeriodMs = opts.livezGracePeriodMs ?? 0;
    this.addHealthChecks('ping', () => undefined);
    // Our logger writes synchronously or through winston's buffered transports; it cannot block.
    this.addHealthChecks('log', () => undefined);
    const backend = opts.storageBackend ?? 'etcd';
    this.addHealthChecks(backend, withTimeout(opts.etcd, opts.etcdHealthcheckTimeoutMs ?? 2000, backend));
    this.addReadyz(`${backend}-readiness`, withTimeout(opts.etcd, opts.etcdReadycheckTimeoutMs ?? 2000, backend));
  }

  /** Adds a check to all three endpoints, as upstream's AddHealthChecks. */
  addHealthChecks(name: string, check: HealthCheckFn): void {
    for (const e of endpoints) this.add(e, name, check);
  }

  addLivez(name: string, check: HealthCheckFn): void {
    this.add('livez', name, check);
  }

  addReadyz(name: string, check: HealthCheckFn): void {
    this.add('readyz', name, check);
  }

  addHealthz(name: string, check: HealthCheckFn): void {
    this.add('healthz', name, check);
  }

  /**
   * Registers the check `poststarthook/<name>` on all three endpoints; it fails with "not finished"
   * until the hook completes (the returned function, or completePostStartHook(name)). On /livez it
   * passes during --livez-grace-period.
   */
  addPostStartHook(name: string): () => void {
    if (this.postStartHooks.has(name)) throw new Error(`unable to add post-start hook ${JSON.stringify(name)}: already registered`);
    this.postStartHooks.set(name, false);
    const checkName = `poststarthook/${name}`;
    const check: HealthCheckFn = () => {
      if (!this.postStartHooks.get(name)) throw new Error('not finished');
    };
    this.add('healthz', checkName, check);
    this.add('readyz', checkName, check);
    this.add('livez', checkName, () => {
      if (Date.now() - this.startedAt >= this.livezGracePeriodMs) return check();
    });
    return () => this.completePostStartHook(name);
  }

  /** Marks a post-start hook done, so its checks pass from now on. */
  completePostStartHook(name: string): void {
    if (!this.postStartHooks.has(name)) throw new Error(`no post-start hook named ${JSON.stringify(name)}`);
    this.postStartHooks.set(name, true);
  }

  /** From now on /readyz fails its `shutdown` check (upstream: once SIGTERM arrived). */
  markShutdown(): void {
    this.shuttingDown = true;
  }

  /** The checks of one endpoint in order; readyz ends with `shutdown`, as upstream's does. */
  list(endpoint: HealthEndpoint): readonly NamedCheck[] {
    if (endpoint !== 'readyz') return this.checks[endpoint];
    const shutdown: NamedCheck = {
      name: 'shutdown',
      check: () => {
        if (this.shuttingDown) throw new Error('process is shutting down');
      },
    };
    return [...this.checks.readyz, shutdown];
  }

  private add(endpoint: HealthEndpoint, name: string, check: HealthCheckFn): void {
    if (name === 'shutdown' && endpoint === 'readyz') throw new Error('the readyz shutdown check is built in');
    if (this.checks[endpoint].some(c => c.name === name)) {
      throw new Error(`unable to add health check ${JSON.stringify(name)} to /${endpoint}: already registered`);
    }
    this.checks[endpoint].push({ name, check });
  }
}

/** The failure reason of a check, or undefined when it passes. */
async function run(check: HealthCheckFn): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Go's %q of each name, joined by commas, as upstream's formatQuoted. */
function formatQuoted(names: string[]): string {
  return names.map(n => JSON.stringify(n)).join(',');
}

function plainText(res: Response, status: number, body: string, nosniff: boolean): void {
  res.status(status).setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (nosniff) res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body);
}

/** What upstream's http.Error writes: the message plus a newline, as plain text with nosniff. */
function httpError(res: Response, message: string): void {
  plainText(res, 500, `${message}\n`, true);
}

async function serveRoot(checks: readonly NamedCheck[], name: HealthEndpoint, query: URLSearchParams, res: Response): Promise<void> {
  const excluded = new Set(query.getAll('exclude'));
  const results = await Promise.all(checks.map(c => (excluded.has(c.name) ? Promise.resolve(undefined) : run(c.check))));
  let output = '';
  let failedLog = '';
  const failed: string[] = [];
  checks.forEach((c, i) => {
    if (excluded.delete(c.name)) {
      output += `[+]${c.name} excluded: ok\n`;
      return;
    }
    const reason = results[i];
    if (reason === undefined) {
      output += `[+]${c.name} ok\n`;
      return;
    }
    // The public answer withholds the reason; the log keeps it.
    output += `[-]${c.name} failed: reason withheld\n`;
    failedLog += `[-]${c.name} failed: ${reason}\n`;
    failed.push(c.name);
  });
  if (excluded.size > 0) {
    const unknown = formatQuoted([...excluded].sort());
    output += `warn: some health checks cannot be excluded: no matches for ${unknown}\n`;
    log.warn(`cannot exclude some health checks, no health checks are installed matching ${unknown}`);
  }
  if (failed.length > 0) {
    log.v(2).info(`${failed.join(',')} check failed: ${name}\n${failedLog}`);
    httpError(res, `${output}${name} check failed`);
    return;
  }
  plainText(res, 200, query.has('verbose') ? `${output}${name} check passed\n` : 'ok', true);
}

async function serveOne(check: NamedCheck, res: Response): Promise<void> {
  const reason = await run(check.check);
  if (reason === undefined) plainText(res, 200, 'ok', false);
  else httpError(res, `internal server error: ${reason}`);
}

/** Serves /livez, /readyz, /healthz and /<endpoint>/<check> for any method, as upstream's mux does. */
export function healthRouter(checks: HealthChecks): Router {
  const router = Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    const endpoint = endpoints.find(e => path === `/${e}` || path.startsWith(`/${e}/`));
    if (!endpoint) {
      next();
      return;
    }
    const list = checks.list(endpoint);
    const q = req.originalUrl.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
    if (path === `/${endpoint}`) {
      serveRoot(list, endpoint, query, res).catch(next);
      return;
    }
    const one = list.find(c => path === `/${endpoint}/${c.name}`);
    if (!one) {
      next();
      return;
    }
    serveOne(one, res).catch(next);
  });
  return router;
}

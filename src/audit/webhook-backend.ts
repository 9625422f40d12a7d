// The webhook backend (upstream's plugin/pkg/audit/webhook): each batch is POSTed as an
// audit.k8s.io/v1 EventList to the server named by a kubeconfig file, retried with exponential
// backoff on connection errors, 429 and 5xx.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { handlePluginError, type AuditBackend } from './backend.js';
import { eventToJSON, type AuditEvent } from './event.js';

export interface WebhookTarget {
  url: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  basic?: { username: string; password: string };
  insecureSkipTLSVerify: boolean;
}

type Named<T> = { name?: string } & T;
interface Kubeconfig {
  'current-context'?: string;
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
}

function pick<T extends { name?: string }>(list: T[] | undefined, name: string | undefined): T | undefined {
  return name ? list?.find(x => x.name === name) : list?.[0];
}

/** Reads the server, CA, client credentials of the current context (else the first entries). */
export function readWebhookKubeconfig(path: string): WebhookTarget {
  const cfg = (parse(readFileSync(path, 'utf8')) ?? {}) as Kubeconfig;
  const ctx = pick(cfg.contexts, cfg['current-context'])?.context;
  const cluster = pick(cfg.clusters, ctx?.cluster)?.cluster ?? {};
  const user = pick(cfg.users, ctx?.user)?.user ?? {};
  const base = dirname(path);
  const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? o[k] as string : undefined);
  const fileOrData = (o: Record<string, unknown>, fileKey: string, dataKey: string): Buffer | undefined => {
    const data = str(o, dataKey);
    if (data) return Buffer.from(data, 'base64');
    const file = str(o, fileKey);
    return file ? readFileSync(resolve(base, file)) : undefined;
  };
  const server = str(cluster, 'server');
  if (!server) throw new Error(`audit webhook kubeconfig ${path}: no cluster server`);
  const target: WebhookTarget = { url: new URL(server), insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true };
  const ca = fileOrData(cluster, 'certificate-authority', 'certificate-authority-data');
  const cert = fileOrData(user, 'client-certificate', 'client-certificate-data');
  const key = fileOrData(user, 'client-key', 'client-key-data');
  if (ca) target.ca = ca;
  if (cert) target.cert = cert;
  if (key) target.key = key;
  const tokenFile = str(user, 'tokenFile');
  const token = str(user, 'token') ?? (tokenFile ? readFileSync(resolve(base, tokenFile), 'utf8').trim() : undefined);
  if (token) target.token = token;
  const username = str(user, 'username');
  if (username) target.basic = { username, password: str(user, 'password') ?? '' };
  return target;
}

class RetryableError extends Error {}

function post(t: WebhookTarget, body: string): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  if (t.token) headers['Authorization'] = `Bearer ${t.token}`;
  else if (t.basic) headers['Authorization'] = `Basic ${Buffer.from(`${t.basic.username}:${t.basic.password}`).toString('base64')}`;
  const https = t.url.protocol === 'https:';
  return new Promise((resolvePost, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return resolvePost();
        const err = `the server responded with ${code}: ${Buffer.concat(chunks).toString('utf8').slice(0, 512)}`;
        reject(code === 429 || code >= 500 ? new RetryableError(err) : new Error(err));
      });
      res.on('error', e => reject(new RetryableError(e.message)));
    };
    const opts = { method: 'POST', headers, timeout: 30_000 };
    const req = https
      ? httpsRequest(t.url, { ...opts, ...(t.ca ? { ca: t.ca } : {}), ...(t.cert ? { cert: t.cert } : {}), ...(t.key ? { key: t.key } : {}), rejectUnauthorized: !t.insecureSkipTLSVerify }, onResponse)
      : httpRequest(t.url, opts, onResponse);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', e => reject(new RetryableError(e.message)));
    req.end(body);
  });
}

export interface WebhookBackendConfig {
  target: WebhookTarget;
  /** --audit-webhook-initial-backoff; later retries wait 1.5 times longer each. */
  initialBackoffMs: number;
  /** Attempts per batch, as upstream's DefaultRetryBackoff steps. */
  attempts?: number;
}

export class WebhookBackend implements AuditBackend {
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly cfg: WebhookBackendConfig) {}

  async processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events.map(eventToJSON) });
    const attempt = this.send(body);
    this.pending.add(attempt);
    try {
      await attempt;
      return true;
    } catch (e) {
      handlePluginError('webhook', e, events);
      return false;
    } finally {
      this.pending.delete(attempt);
    }
  }

  private async send(body: string): Promise<void> {
    const attempts = this.cfg.attempts ?? 5;
    let wait = this.cfg.initialBackoffMs;
    for (let i = 1; ; i++) {
      try {
        return await post(this.cfg.target, body);
      } catch (e) {
        if (!(e instanceof RetryableError) || i >= attempts || this.stopped) throw e;
        await new Promise(r => setTimeout(r, wait));
        wait *= 1.5;
      }
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
  }
}

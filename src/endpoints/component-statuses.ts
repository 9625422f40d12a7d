// The deprecated core/v1 componentstatuses (pkg/registry/core/componentstatus): no storage; each
// GET/LIST probes the controller-manager and scheduler on their default secure ports and every
// etcd server (pkg/registry/core/rest/storage_core.go serversToValidate).
import { request } from 'node:https';
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { addWarning } from '../api/warnings.js';
import { buildPredicate } from '../registry/predicate.js';
import type { HandlerContext } from './handlers/context.js';
import { includeObjectOf, listParamsOf } from './handlers/params.js';
import { negotiate } from './negotiate.js';
import { writeList, writeObject } from './respond.js';

/** Upstream's probe.Result as a condition status: Success True, Failure False, otherwise Unknown. */
export interface ProbeResult {
  status: 'True' | 'False' | 'Unknown';
  message: string;
  error: string;
}

export interface ComponentServer {
  name: string;
  check(): Promise<ProbeResult>;
}

/** Upstream's componentstatus probeTimeOut. */
const PROBE_TIMEOUT_MS = 20_000;
/** pkg/probe/http reads at most this much of a response body. */
const MAX_BODY_BYTES = 10 * 1024;

/** Go's net/http error text for the common dial failures. */
function goDialError(url: string, host: string, port: number, e: NodeJS.ErrnoException): string {
  const reason = e.code === 'ECONNREFUSED' ? 'connect: connection refused'
    : e.code === 'EHOSTUNREACH' ? 'connect: no route to host'
      : e.message;
  return `Get "${url}": dial tcp ${host}:${port}: ${reason}`;
}

/**
 * An HTTPS /healthz probe without certificate verification, as upstream's HttpServer with
 * InsecureSkipVerify: 2xx/3xx is Healthy with the body as message, other codes Unhealthy,
 * transport errors Unknown.
 */
export function httpsHealthServer(name: string, port: number, host = '127.0.0.1', path = '/healthz'): ComponentServer {
  const url = `https://${host}:${port}${path}`;
  return {
    name,
    check: () => new Promise<ProbeResult>(resolve => {
      const req = request({ host, port, path, method: 'GET', rejectUnauthorized: false, timeout: PROBE_TIMEOUT_MS }, res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(c.subarray(0, MAX_BODY_BYTES - size));
          size += c.length;
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          resolve({ status: code >= 200 && code < 400 ? 'True' : 'False', message: body, error: '' });
        });
        res.on('error', e => resolve({ status: 'Unknown', message: '', error: e.message }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`), { code: 'ETIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => {
        resolve({ status: 'Unknown', message: '', error: e.code === 'ETIMEOUT' ? e.message : goDialError(url, host, port, e) });
      });
      req.end();
    }),
  };
}

/** An etcd member probe: upstream's EtcdServer reads the "health" key; success says "ok". */
export function etcdHealthServer(name: string, probe: () => Promise<void>): ComponentServer {
  return {
    name,
    check: async () => {
      try {
        await probe();
        return { status: 'True', message: 'ok', error: '' };
      } catch (e) {
        return { status: 'False', message: '', error: `error getting data from etcd: ${(e as Error).message}` };
      }
    },
  };
}

async function statusOf(server: ComponentServer): Promise<KubeObject> {
  const r = await server.check();
  const condition: Record<string, string> = { type: 'Healthy', status: r.status };
  if (r.message) condition['message'] = r.message;
  if (r.error) condition['error'] = r.error;
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: server.name, creationTimestamp: null }, conditions: [condition] };
}

/** The virtual handler for `/componentstatuses`: get and list probe the servers each time. */
export function componentStatusHandlers(servers: () => ComponentServer[]): Record<string, (ctx: HandlerContext) => Promise<void>> {
  return {
    '/componentstatuses': async ctx => {
      // The type's prerelease lifecycle marks it deprecated in 1.19; the warning comes with every verb.
      addWarning('v1 ComponentStatus is deprecated in v1.19+');
      const all = servers();
      if (ctx.ri.verb === 'get') {
        const server = all.find(s => s.name === ctx.ri.name);
        // Upstream returns a plain error here, which the handler turns into a 500.
        if (!server) throw errors.internal(`Component not found: ${ctx.ri.name}`);
        writeObject(ctx.res, negotiate(ctx.req, ['Table', 'PartialObjectMetadata']), ctx.info, 200, await statusOf(server), { includeObject: includeObjectOf(ctx.query) });
        return;
      }
      if (ctx.ri.verb !== 'list') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const neg = negotiate(ctx.req, ['Table', 'PartialObjectMetadataList']);
      const predicate = buildPredicate(ctx.info, listParamsOf(ctx.query));
      const items = (await Promise.all(all.map(statusOf))).filter(o => predicate?.(o) ?? true);
      writeList(ctx.res, neg, ctx.info, items, '', undefined, undefined, { includeObject: includeObjectOf(ctx.query) });
    },
  };
}

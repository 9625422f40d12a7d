// How this server reaches an extension API server: the Service resolved to an address (the
// ClusterIP, or with --enable-aggregator-routing one ready endpoint address; an ExternalName's
// host), TLS verified with the APIService's caBundle against <service>.<namespace>.svc, the
// front-proxy client certificate, and the user in upstream's X-Remote-* headers.
import type { OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/user.js';
import type { APIService, ServiceReference } from './types.js';

/** Reads one object, null when it does not exist. */
export type ObjectReader = (namespace: string, name: string) => Promise<KubeObject | null>;

export interface BackendDeps {
  getService: ObjectReader;
  getEndpoints: ObjectReader;
  /** --enable-aggregator-routing: dial endpoint addresses instead of the ClusterIP. */
  endpointRouting: boolean;
  /** The current --proxy-client-cert-file/--proxy-client-key-file contents, when set. */
  clientCert?: () => { cert: Buffer; key: Buffer } | undefined;
}

export interface Address {
  host: string;
  port: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  externalName?: string;
  ports?: { name?: string; port: number; targetPort?: number | string }[];
}

interface EndpointSubset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port: number }[];
}

/** Rejects with upstream's resolver messages. */
export async function resolveService(deps: BackendDeps, ref: ServiceReference): Promise<Address> {
  const namespace = ref.namespace ?? '';
  const name = ref.name ?? '';
  const port = ref.port ?? 443;
  const svc = await deps.getService(namespace, name);
  if (!svc) throw new Error(`service "${name}" not found`);
  const spec = (svc['spec'] ?? {}) as ServiceSpec;
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return { host: spec.externalName ?? '', port };
  if (type !== 'ClusterIP' && type !== 'NodePort' && type !== 'LoadBalancer') throw new Error(`unsupported service type "${type}"`);
  const svcPort = (spec.ports ?? []).find(p => p.port === port);
  if (!svcPort) throw new Error(`no service port ${port} found for service "${name}"`);
  if (!deps.endpointRouting) {
    if (!spec.clusterIP || spec.clusterIP === 'None') throw new Error(`cannot route to service with ClusterIP "${spec.clusterIP ?? ''}"`);
    return { host: spec.clusterIP, port };
  }
  const eps = await deps.getEndpoints(namespace, name);
  if (!eps) throw new Error(`endpoints "${name}" not found`);
  const candidates: Address[] = [];
  for (const ss of (eps['subsets'] ?? []) as EndpointSubset[]) {
    const p = (ss.ports ?? []).find(x => (x.name ?? '') === (svcPort.name ?? ''));
    if (!p) continue;
    for (const a of ss.addresses ?? []) candidates.push({ host: a.ip, port: p.port });
  }
  // Upstream picks a random ready address, spreading load across the backend's replicas.
  const pick = candidates[Math.floor(Math.random() * candidates.length)];
  if (!pick) throw new Error(`no endpoints available for service "${name}"`);
  return pick;
}

/** TLS options for one APIService: its caBundle (system roots when empty) and server name, or no verification. */
export function tlsOptions(deps: BackendDeps, s: APIService, opts: { insecure?: boolean } = {}): RequestOptions {
  const ref = s.spec.service ?? {};
  const serverName = `${ref.name ?? ''}.${ref.namespace ?? ''}.svc`;
  const client = deps.clientCert?.();
  const insecure = opts.insecure === true || s.spec.insecureSkipTLSVerify === true;
  const ca = s.spec.caBundle ? Buffer.from(s.spec.caBundle, 'base64').toString('utf8') : undefined;
  return {
    ...(client ? { cert: client.cert, key: client.key } : {}),
    ...(isIP(serverName) === 0 ? { servername: serverName } : {}),
    ...(insecure
      ? { rejectUnauthorized: false }
      : { ...(ca ? { ca } : {}), checkServerIdentity: (_host: string, cert) => checkServerIdentity(serverName, cert) }),
  };
}

const EXTRA_PREFIX = 'x-remote-extra-';

/**
 * client-go's SetAuthProxyHeaders: the fixed X-Remote-User/-Group/-Extra-<key> names (not the
 * --requestheader-* flags, which say what this server accepts), extra keys path-escaped; any
 * such headers the client sent are dropped first.
 */
export function authProxyHeaders(incoming: OutgoingHttpHeaders, user: UserInfo): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(incoming)) {
    const lk = k.toLowerCase();
    if (lk === 'x-remote-user' || lk === 'x-remote-group' || lk.startsWith(EXTRA_PREFIX) || lk === 'authorization') continue;
    out[k] = v;
  }
  out['X-Remote-User'] = user.name;
  if (user.groups.length > 0) out['X-Remote-Group'] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) out[`X-Remote-Extra-${encodeURIComponent(key)}`] = [...values];
  return out;
}

/** Turns a read that throws 404 into one that answers null. */
export function orNull(get: (namespace: string, name: string) => Promise<KubeObject>): ObjectReader {
  return async (namespace, name) => {
    try {
      return await get(namespace, name);
    } catch (e) {
      if (isApiError(e) && e.code === 404) return null;
      throw e;
    }
  };
}

export const hostPort = (a: Address): string => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

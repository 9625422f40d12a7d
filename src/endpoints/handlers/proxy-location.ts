// Where pods/proxy, services/proxy and nodes/proxy send a request (upstream's ResourceLocation of
// each registry): the name may carry a scheme and port ("https:web:8443"), pods and services
// resolve to an endpoint IP, nodes to their kubelet; proxying to loopback and link-local
// addresses is refused with "address not allowed".
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApiError, errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { joinHostPort, type Backend, type KubeletClient } from '../../kubelet/client.js';
import type { Store } from '../../registry/store.js';
import { kubeletEndpoint } from './pod-location.js';

export interface SchemeNamePort { scheme: string; name: string; port: string }

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port" with scheme http or https. */
export function splitSchemeNamePort(id: string): SchemeNamePort | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0]!, ''] : parts.length === 2 ? ['', parts[0]!, parts[1]!] : parts.length === 3 ? parts as [string, string, string] : ['', '', ''];
  if (name === '' || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Expands an IPv6 literal to its eight 16-bit groups (an embedded IPv4 tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = ipv4Octets(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map(g => parseInt(g, 16));
}

/** proxyutil.IsProxyableIP: loopback, link-local unicast and link- or interface-local multicast are refused. */
export function isProxyableIP(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    const [a, b, c] = ipv4Octets(ip);
    return !(a === 127 || (a === 169 && b === 254) || (a === 224 && b === 0 && c === 0));
  }
  if (family !== 6) return false;
  const g = ipv6Groups(ip);
  // IPv4-mapped addresses are judged as IPv4, as Go's net.IP does.
  if (g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff) return isProxyableIP(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  const loopback = g.slice(0, 7).every(x => x === 0) && g[7] === 1;
  const linkLocal = (g[0]! & 0xffc0) === 0xfe80;
  const localMulticast = (g[0]! & 0xff0f) === 0xff02 || (g[0]! & 0xff0f) === 0xff01;
  return !(loopback || linkLocal || localMulticast);
}

/** proxyutil.IsProxyableHostname: every address the name resolves to must be proxyable. */
export async function checkProxyableHostname(host: string): Promise<void> {
  let addrs: string[];
  if (isIP(host)) addrs = [host];
  else {
    try {
      addrs = (await lookup(host, { all: true })).map(a => a.address);
    } catch {
      throw errors.badRequest(`lookup ${host}: no such host`);
    }
  }
  if (addrs.length === 0) throw errors.badRequest('No addresses for hostname');
  if (!addrs.every(isProxyableIP)) throw errors.badRequest('address not allowed');
}

/** apierrors.NewServiceUnavailable: no details and no Retry-After. */
const serviceUnavailable = (message: string) => new ApiError(503, 'ServiceUnavailable', message);

interface Port { name?: string; port?: number; containerPort?: number }

function split(kind: string, id: string): SchemeNamePort {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw errors.badRequest(`invalid ${kind} request ${JSON.stringify(id)}`);
  return parsed;
}

/** The pod's primary IP: status.podIPs[0], as upstream's getPodIP. */
function podIP(pod: KubeObject): string {
  const status = (pod['status'] ?? {}) as { podIPs?: { ip?: string }[] };
  return status.podIPs?.[0]?.ip ?? '';
}

function hostURL(scheme: string, host: string, port: string): URL {
  return new URL(`${scheme || 'http'}://${port ? joinHostPort(host, Number(port)) : host.includes(':') ? `[${host}]` : host}`);
}

export async function podProxyLocation(pods: Store, namespace: string, id: string): Promise<URL> {
  const { scheme, name, port: requested } = split('pod', id);
  const pod = await pods.get(namespace, name);
  let port = requested;
  if (port === '') {
    // The first declared port of any container, as upstream.
    const containers = ((pod['spec'] ?? {}) as { containers?: { ports?: Port[] }[] }).containers ?? [];
    const first = containers.find(c => (c.ports ?? []).length > 0)?.ports?.[0]?.containerPort;
    if (first !== undefined) port = String(first);
  }
  const ip = podIP(pod);
  if (!isProxyableIP(ip)) throw errors.badRequest('address not allowed');
  return hostURL(scheme, ip, port);
}

export async function nodeProxyLocation(nodes: Store, pods: Store, kubelet: KubeletClient, fallback: Backend, id: string): Promise<{ url: URL; backend: Backend }> {
  const { scheme, name, port } = split('node', id);
  const ep = await kubeletEndpoint({ nodes, pods, kubelet }, name);
  // The kubelet's own port goes through the kubelet client (its certificate); any other port is
  // an ordinary backend and must pass the address guard.
  if (port === '' || port === String(ep.port)) return { url: kubelet.url(ep, '/'), backend: kubelet };
  await checkProxyableHostname(ep.host);
  return { url: hostURL(scheme, ep.host, port), backend: fallback };
}

interface Subset { addresses?: { ip?: string; targetRef?: { kind?: string; namespace?: string; name?: string } }[]; ports?: Port[] }

export async function serviceProxyLocation(stores: { services: Store; endpoints: Store; pods: Store }, namespace: string, id: string): Promise<URL> {
  const { scheme, name, port: requested } = split('service', id);
  let portName = requested;
  if (/^[+-]?\d+$/.test(requested)) {
    // A port number names the service port that declares it.
    const svc = await stores.services.get(namespace, name);
    const ports = ((svc['spec'] ?? {}) as { ports?: Port[] }).ports ?? [];
    const hit = ports.find(p => p.port === Number(requested));
    if (!hit) throw serviceUnavailable(`no service port ${Number(requested)} found for service ${JSON.stringify(name)}`);
    portName = hit.name ?? '';
  }
  const eps = await stores.endpoints.get(namespace, name);
  const subsets = (eps['subsets'] ?? []) as Subset[];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(name)}`);
  for (const ss of rotate(subsets)) {
    const port = (ss.ports ?? []).find(p => (p.name ?? '') === portName);
    if (!port || (ss.addresses ?? []).length === 0) continue;
    for (const addr of rotate(ss.addresses ?? [])) {
      if (await isPodAddress(stores.pods, namespace, addr)) return hostURL(scheme, addr.ip ?? '', String(port.port ?? ''));
    }
  }
  throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(id)}`);
}

/** Upstream's isValidAddress: the address must belong to a pod of this namespace that has the IP. */
async function isPodAddress(pods: Store, namespace: string, addr: NonNullable<Subset['addresses']>[number]): Promise<boolean> {
  const ref = addr.targetRef;
  if (!ref?.name || ref.namespace !== namespace) return false;
  try {
    const pod = await pods.get(namespace, ref.name);
    const ips = ((pod['status'] ?? {}) as { podIPs?: { ip?: string }[] }).podIPs ?? [];
    return ips.some(p => p.ip === addr.ip);
  } catch {
    return false;
  }
}

/** The list from a random starting point, as upstream spreads proxied requests. */
function rotate<T>(items: T[]): T[] {
  const start = Math.floor(Math.random() * items.length);
  return [...items.slice(start), ...items.slice(0, start)];
}

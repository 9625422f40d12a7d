// Upstream's cluster-authentication-trust controller: keeps kube-system/configmaps/
// extension-apiserver-authentication holding the client CA and the front-proxy settings, which
// kube-controller-manager, kube-scheduler and aggregated API servers read to authenticate callers.
// Each API server adds what it trusts to what is there (several servers may share a cluster),
// certificates deduplicated and expired ones dropped.
import { X509Certificate } from 'node:crypto';
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { parseCABundle } from '../authn/client-cert.js';
import type { Store } from '../registry/store.js';
import { runPeriodically, type Periodic } from './periodic.js';

export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

/** What this server trusts; the CA bundles are read when a sync runs, so reloads are picked up. */
export interface AuthenticationInfo {
  clientCA?: () => string;
  requestHeader?: {
    ca: () => string;
    usernameHeaders: string[];
    uidHeaders: string[];
    groupHeaders: string[];
    extraHeaderPrefixes: string[];
    allowedNames: string[];
  };
}

type Data = Record<string, string>;

const FIVE_MINUTES_MS = 5 * 60_000;

function certsOf(pem: string | undefined): X509Certificate[] {
  if (!pem) return [];
  try {
    return parseCABundle(pem);
  } catch {
    return [];
  }
}

/** The union of both bundles: unexpired (five minutes of slack, as upstream), each certificate once, in order. */
export function combineBundles(existing: string | undefined, ours: string | undefined, now = Date.now()): string {
  const out: X509Certificate[] = [];
  for (const c of [...certsOf(existing), ...certsOf(ours)]) {
    if (Date.parse(c.validTo) <= now - FIVE_MINUTES_MS) continue;
    if (!out.some(o => o.raw.equals(c.raw))) out.push(c);
  }
  return out.map(c => c.toString()).join('');
}

function stringList(existing: string | undefined, ours: string[]): string {
  let previous: unknown = [];
  try {
    previous = existing ? JSON.parse(existing) : [];
  } catch {
    previous = [];
  }
  const combined: string[] = [];
  for (const v of [...(Array.isArray(previous) ? previous : []), ...ours]) {
    if (typeof v === 'string' && !combined.includes(v)) combined.push(v);
  }
  return JSON.stringify(combined);
}

/** The ConfigMap data this server wants, merged with what `existing` holds. */
export function authenticationData(existing: Data, info: AuthenticationInfo, now = Date.now()): Data {
  const data: Data = {};
  const clientCA = combineBundles(existing['client-ca-file'], info.clientCA?.(), now);
  if (clientCA) data['client-ca-file'] = clientCA;
  const rh = info.requestHeader;
  const requestHeaderCA = combineBundles(existing['requestheader-client-ca-file'], rh?.ca(), now);
  if (!requestHeaderCA) return data;
  data['requestheader-username-headers'] = stringList(existing['requestheader-username-headers'], rh?.usernameHeaders ?? []);
  data['requestheader-uid-headers'] = stringList(existing['requestheader-uid-headers'], rh?.uidHeaders ?? []);
  data['requestheader-group-headers'] = stringList(existing['requestheader-group-headers'], rh?.groupHeaders ?? []);
  data['requestheader-extra-headers-prefix'] = stringList(existing['requestheader-extra-headers-prefix'], rh?.extraHeaderPrefixes ?? []);
  data['requestheader-client-ca-file'] = requestHeaderCA;
  data['requestheader-allowed-names'] = stringList(existing['requestheader-allowed-names'], rh?.allowedNames ?? []);
  return data;
}

const sameData = (a: Data, b: Data) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export class ClusterAuthenticationTrust {
  private loop: Periodic | undefined;

  constructor(private readonly configMaps: Store, private readonly info: AuthenticationInfo) {}

  /** Writes the ConfigMap when what it should hold differs from what it holds. */
  async sync(): Promise<void> {
    const { namespace, name } = AUTHENTICATION_CONFIGMAP;
    let current: KubeObject | null = null;
    try {
      current = await this.configMaps.get(namespace, name);
    } catch (e) {
      if (!(isApiError(e) && e.code === 404)) throw e;
    }
    const existing = ((current?.['data'] ?? {}) as Data);
    if (current && sameData(authenticationData(existing, this.info), existing)) return;
    await this.configMaps.update(namespace, name, '', cur => {
      const base = cur ?? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name } };
      return { ...base, data: authenticationData((cur?.['data'] ?? {}) as Data, this.info) };
    }, { dryRun: false, forceAllowCreate: true });
  }

  /** Syncs now and every minute (upstream resyncs on change and every minute). */
  start(intervalMs = 60_000): void {
    this.loop = runPeriodically('cluster authentication trust', intervalMs, () => this.sync());
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }
}

// The availability controllers (kube-aggregator status/local and status/remote): every APIService
// gets an Available condition. Local ones are always available; a remote one is checked in
// upstream's order (Service present, listening on the port, endpoints with addresses, then a
// discovery GET answered with 2xx/3xx) whenever it, its Service or its Endpoints change, and
// every resync period besides.
import { request } from 'node:https';
import { KeyQueue } from '../controllers/key-queue.js';
import type { Store } from '../registry/store.js';
import { log } from '../observability/logger.js';
import { type Address, type BackendDeps, hostPort, resolveService, tlsOptions } from './backend.js';
import { aggregatorMetrics } from './metrics.js';
import type { APIServiceLister } from './registry.js';
import { type APIService, type APIServiceCondition, AVAILABLE, availableCondition, isRemote, withCondition } from './types.js';

type Check = Omit<APIServiceCondition, 'type' | 'lastTransitionTime'>;

/** Upstream's discovery check: five attempts at once, each with 5s; one success is enough. */
const ATTEMPTS = 5;
const PROBE_TIMEOUT_MS = 5000;

export type Probe = (s: APIService, addr: Address) => Promise<void>;

/** GETs the group version's discovery document as system:kube-aggregator (system:masters), TLS unverified as upstream. */
export function discoveryProbe(backend: BackendDeps): Probe {
  return (s, addr) => new Promise<void>((resolve, reject) => {
    const path = s.metadata.name === 'v1.' ? `/api/${s.spec.version ?? ''}` : `/apis/${s.spec.group ?? ''}/${s.spec.version ?? ''}`;
    const url = `https://${hostPort(addr)}${path}`;
    const req = request({
      host: addr.host, port: addr.port, path, method: 'GET',
      headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' },
      ...tlsOptions(backend, s, { insecure: true }),
      timeout: PROBE_TIMEOUT_MS,
    }, res => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code < 200 || code >= 300) reject(new Error(`failing or missing response from ${url}: bad status from ${url}: ${code}`));
      else resolve();
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
    req.on('error', e => reject(new Error(e.message.startsWith('failing') ? e.message : `failing or missing response from ${url}: Get "${url}": ${e.message}`)));
    req.end();
  });
}

export interface AvailabilityDeps {
  services: APIServiceLister;
  store: Store;
  backend: BackendDeps;
  probe?: Probe;
  /** Upstream resyncs every 30s to notice backends that went away without any object changing. */
  resyncMs?: number;
}

/** The Available condition for `s` now (without transition time). */
export async function checkAvailability(s: APIService, backend: BackendDeps, probe: Probe): Promise<Check> {
  if (!isRemote(s)) return { status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
  const ref = s.spec.service;
  const name = ref.name ?? '';
  const ns = JSON.stringify(ref.namespace ?? '');
  const port = ref.port ?? 443;
  let svc;
  try {
    svc = await backend.getService(ref.namespace ?? '', name);
  } catch (e) {
    return { status: 'Unknown', reason: 'ServiceAccessError', message: `service/${name} in ${ns} cannot be checked due to: ${(e as Error).message}` };
  }
  if (!svc) return { status: 'False', reason: 'ServiceNotFound', message: `service/${name} in ${ns} is not present` };
  const spec = (svc['spec'] ?? {}) as { type?: string; ports?: { name?: string; port: number }[] };
  if ((spec.type ?? 'ClusterIP') === 'ClusterIP') {
    const svcPort = (spec.ports ?? []).find(p => p.port === port);
    if (!svcPort) return { status: 'False', reason: 'ServicePortError', message: `service/${name} in ${ns} is not listening on port ${port}` };
    const portName = svcPort.name ?? '';
    let eps;
    try {
      eps = await backend.getEndpoints(ref.namespace ?? '', name);
    } catch (e) {
      return { status: 'Unknown', reason: 'EndpointsAccessError', message: `service/${name} in ${ns} cannot be checked due to: ${(e as Error).message}` };
    }
    if (!eps) return { status: 'False', reason: 'EndpointsNotFound', message: `cannot find endpoints for service/${name} in ${ns}` };
    const subsets = (eps['subsets'] ?? []) as { addresses?: unknown[]; ports?: { name?: string }[] }[];
    const ready = subsets.some(ss => (ss.addresses ?? []).length > 0 && (ss.ports ?? []).some(p => (p.name ?? '') === portName));
    if (!ready) return { status: 'False', reason: 'MissingEndpoints', message: `endpoints for service/${name} in ${ns} have no addresses with port name ${JSON.stringify(portName)}` };
  }
  const attempts = Array.from({ length: ATTEMPTS }, async () => probe(s, await resolveService(backend, ref)));
  const results = await Promise.allSettled(attempts);
  if (results.some(r => r.status === 'fulfilled')) return { status: 'True', reason: 'Passed', message: 'all checks passed' };
  const last = results[results.length - 1] as PromiseRejectedResult;
  return { status: 'False', reason: 'FailedDiscoveryCheck', message: (last.reason as Error).message };
}

export class AvailabilityController {
  private readonly queue = new KeyQueue(name => this.sync(name), (name, e) => log.v(2).info('APIService availability sync failed', { name, err: (e as Error).message }));
  private timer: NodeJS.Timeout | undefined;
  private readonly probe: Probe;

  constructor(private readonly deps: AvailabilityDeps) {
    this.probe = deps.probe ?? discoveryProbe(deps.backend);
    deps.services.onChange((type, s) => {
      if (type === 'DELETED') aggregatorMetrics.removed(s.metadata.name ?? '');
      else this.enqueue(s.metadata.name ?? '');
    });
  }

  start(): void {
    for (const s of this.deps.services.list()) this.enqueue(s.metadata.name ?? '');
    this.timer = setInterval(() => { for (const s of this.deps.services.list()) if (isRemote(s)) this.enqueue(s.metadata.name ?? ''); }, this.deps.resyncMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    this.queue.stop();
    clearInterval(this.timer);
  }

  /** Rechecks the APIServices backed by one Service (its object or its Endpoints changed). */
  serviceChanged(namespace: string, name: string): void {
    for (const s of this.deps.services.list()) {
      if (isRemote(s) && s.spec.service.namespace === namespace && s.spec.service.name === name) this.enqueue(s.metadata.name ?? '');
    }
  }

  enqueue(name: string): void {
    this.queue.add(name);
  }

  /** Checks one APIService and writes its status only when the condition changed, as upstream. */
  async sync(name: string): Promise<void> {
    const s = this.deps.services.get(name);
    if (!s) return;
    const check = await checkAvailability(s, this.deps.backend, this.probe);
    const before = availableCondition(s);
    const next = { ...s, status: { ...s.status, conditions: withCondition(s.status?.conditions, { type: AVAILABLE, ...check, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }) } };
    aggregatorMetrics.availability(s, next);
    if (before && before.status === check.status && (before.reason ?? '') === (check.reason ?? '') && (before.message ?? '') === (check.message ?? '')) return;
    if (before?.status !== check.status) log.v(2).info('changing APIService availability', { name, oldStatus: before?.status ?? 'Unknown', newStatus: check.status, reason: check.reason, message: check.message });
    await this.deps.store.update('', name, 'status', current => {
      if (!current) throw new Error(`apiservice ${name} is gone`);
      const cur = current as APIService;
      return { ...cur, status: { ...cur.status, conditions: withCondition(cur.status?.conditions, next.status.conditions.find(c => c.type === AVAILABLE)!) } };
    }, { dryRun: false });
  }
}

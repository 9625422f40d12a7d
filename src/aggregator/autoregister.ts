// The autoregister and crdregistration controllers: a Local APIService for every built-in group
// version upstream lists a priority for (label automanaged=onstart: written once at start-up,
// not recreated if deleted later) and for every served CRD group version (automanaged=true:
// kept in sync, recreated if deleted, removed with the CRD). APIServices without the label are
// the user's and never touched.
import type { Catalog } from '../api/catalog.js';
import type { KubeObject } from '../api/types.js';
import { isApiError } from '../api/errors.js';
import type { Store } from '../registry/store.js';
import { log } from '../observability/logger.js';
import { builtinPriority, CRD_PRIORITY, type Priority } from './priorities.js';
import type { APIServiceLister } from './registry.js';
import type { APIService, APIServiceSpec } from './types.js';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';
type Mode = 'onstart' | 'true';

interface Desired {
  name: string;
  spec: APIServiceSpec;
  mode: Mode;
}

const localSpec = (group: string, version: string, p: Priority): APIServiceSpec =>
  ({ group, version, groupPriorityMinimum: p.group, versionPriority: p.version });

/** The Local APIServices the catalog calls for, by name. */
export function desiredAPIServices(catalog: Catalog): Map<string, Desired> {
  const out = new Map<string, Desired>();
  for (const r of catalog.all()) {
    const name = `${r.version}.${r.group}`;
    if (out.has(name)) continue;
    if (r.custom) {
      out.set(name, { name, mode: 'true', spec: localSpec(r.group, r.version, CRD_PRIORITY) });
      continue;
    }
    const p = builtinPriority(r.group, r.version);
    if (p) out.set(name, { name, mode: 'onstart', spec: localSpec(r.group, r.version, p) });
  }
  return out;
}

const sameSpec = (a: APIServiceSpec, b: APIServiceSpec) =>
  (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && !a.service && !b.service
  && (a.groupPriorityMinimum ?? 0) === (b.groupPriorityMinimum ?? 0) && (a.versionPriority ?? 0) === (b.versionPriority ?? 0)
  && !a.caBundle && !a.insecureSkipTLSVerify;

const modeOf = (s: APIService): string | undefined => s.metadata.labels?.[AUTOMANAGED_LABEL];

export class AutoRegister {
  /** Names of on-start APIServices already written once; later deletions are the admin's choice. */
  private readonly syncedOnStart = new Set<string>();
  private pending: Promise<void> = Promise.resolve();
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly catalog: Catalog, private readonly services: APIServiceLister, private readonly store: Store) {}

  /** Resolves after the first full sync. Call once the APIService and CRD informers have synced. */
  start(): Promise<void> {
    this.unsubscribe = this.catalog.onChange(() => this.schedule());
    this.services.onChange(() => this.schedule());
    this.schedule();
    return this.pending;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  private schedule(): void {
    this.pending = this.pending.then(() => (this.stopped ? undefined : this.sync())).catch(e => log.warn('APIService autoregistration failed', { err: (e as Error).message }));
  }

  /** One pass of upstream's checkAPIService over every desired and every existing APIService. */
  async sync(): Promise<void> {
    const desired = desiredAPIServices(this.catalog);
    for (const d of desired.values()) await this.ensure(d);
    for (const s of this.services.list()) {
      const name = s.metadata.name ?? '';
      if (desired.has(name)) continue;
      // Only continuously managed ones go when they are no longer wanted (the CRD or its version went).
      if (modeOf(s) === 'true') await this.remove(name);
    }
  }

  private async ensure(d: Desired): Promise<void> {
    const actual = this.services.get(d.name);
    if (d.mode === 'onstart' && this.syncedOnStart.has(d.name)) return;
    if (!actual) {
      await this.create(d);
    } else if (modeOf(actual) !== undefined && (!sameSpec(actual.spec, d.spec) || modeOf(actual) !== d.mode)) {
      await this.store.update('', d.name, '', current => {
        if (!current) throw new Error('gone');
        return { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, [AUTOMANAGED_LABEL]: d.mode } }, spec: d.spec };
      }, { dryRun: false });
    }
    if (d.mode === 'onstart') this.syncedOnStart.add(d.name);
  }

  private async create(d: Desired): Promise<void> {
    const obj: KubeObject = {
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService',
      metadata: { name: d.name, labels: { [AUTOMANAGED_LABEL]: d.mode } }, spec: d.spec,
    };
    try {
      await this.store.create('', obj, { dryRun: false });
    } catch (e) {
      if (!(isApiError(e) && e.code === 409)) throw e;
    }
  }

  private async remove(name: string): Promise<void> {
    try {
      await this.store.delete('', name, { dryRun: false });
    } catch (e) {
      if (!(isApiError(e) && e.code === 404)) throw e;
    }
  }
}

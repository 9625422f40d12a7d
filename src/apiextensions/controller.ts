// The CRD controllers upstream's apiextensions-apiserver runs, in one loop over a CRD informer:
// names and conditions (naming, establishing, API approval), publishing each served CRD into the
// catalog (and its key prefix into the watch cache), and the customresourcecleanup finalizer that
// deletes every instance of a deleted CRD before the CRD goes.
import { KeyQueue } from '../controllers/key-queue.js';
import type { Catalog } from '../api/catalog.js';
import { isApiError } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import { sortByKubeAwareVersion } from '../api/version-priority.js';
import { log } from '../observability/logger.js';
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import type { ServiceResolver } from '../admission/webhook/call.js';
import { noneConverter, webhookConverter } from './conversion.js';
import { customResourceInfos, isServed } from './custom-type.js';
import { desiredStatus, findCondition, setCondition } from './naming.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition } from './types.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CRDControllerDeps {
  catalog: Catalog;
  /** The apiextensions.k8s.io/v1 CustomResourceDefinition store. */
  crds: Store;
  /** The store of a custom resource entry. */
  storeFor(info: ResourceInfo): Store;
  etcdPrefix: string;
  /** The watch cache, told which custom resource prefixes to cache. */
  watchCache?: { addRoot(root: string): void; removeRoot(root: string): void };
  resolveService: ServiceResolver;
  /** Told the Established CRDs whenever one changes, to publish their OpenAPI. */
  openapi?: { update(crds: CustomResourceDefinition[]): void };
  /** How long instance deletion waits for finalizers before trying again later (upstream: 1 minute). */
  cleanupTimeoutMs?: number;
}

const sourceName = (crdName: string) => `crd:${crdName}`;
const asCRD = (o: KubeObject) => o as unknown as CustomResourceDefinition;

export class CRDController {
  private readonly informer: Informer;
  private readonly queue = new KeyQueue(
    name => this.sync(name),
    (name, e) => log.v(2).info('CRD sync failed; retrying', { crd: name, err: e instanceof Error ? e.message : String(e) }),
    1000,
  );
  private stopped = false;
  private readonly cleaning = new Set<string>();
  /** The prefix each published CRD caches, to drop it when the CRD goes. */
  private readonly roots = new Map<string, string>();

  constructor(private readonly deps: CRDControllerDeps) {
    this.informer = new Informer(deps.crds);
    this.informer.onEvent((_type, obj) => this.enqueue(obj.metadata.name ?? ''));
  }

  /** Resolves once every stored CRD has been published (upstream's crd-informer-synced). */
  async start(): Promise<void> {
    await this.informer.start();
    for (const crd of this.informer.list()) this.publish(asCRD(crd));
    this.publishOpenAPI();
    for (const crd of this.informer.list()) this.enqueue(crd.metadata.name ?? '');
  }

  stop(): void {
    this.stopped = true;
    this.queue.stop();
    this.informer.stop();
  }

  private enqueue(name: string): void {
    this.queue.add(name);
  }

  private crd(name: string): CustomResourceDefinition | undefined {
    const o = this.informer.get('', name);
    return o ? asCRD(o) : undefined;
  }

  private async sync(name: string): Promise<void> {
    const crd = this.crd(name);
    if (!crd) {
      this.unpublish(name);
      this.publishOpenAPI();
      // Freed names may let another CRD of the group be accepted.
      for (const other of this.informer.list()) if (other.metadata.name !== name) this.enqueue(other.metadata.name ?? '');
      return;
    }
    this.publish(crd);
    this.publishOpenAPI();
    const others = this.informer.list().map(asCRD).filter(c => c.metadata.name !== name);
    const status = crd.metadata.deletionTimestamp === undefined ? desiredStatus(crd, others) : undefined;
    if (status) {
      await this.writeStatus(name, current => { current.status = status; });
      return;
    }
    if (crd.metadata.deletionTimestamp !== undefined && (crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      this.startCleanup(crd);
    }
  }

  /** Serves the CRD's versions (or stops serving them) as its conditions say. */
  private publish(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name ?? '';
    if (!isServed(crd)) {
      this.unpublish(name);
      return;
    }
    const converter = crd.spec.conversion?.strategy === 'Webhook'
      ? webhookConverter(crd.spec.conversion, this.deps.resolveService)
      : noneConverter;
    const served = sortByKubeAwareVersion(crd.spec.versions.filter(v => v.served).map(v => v.name));
    this.deps.catalog.setSource(sourceName(name), customResourceInfos(crd, { converter }, served[0] ?? ''));
    const root = `${this.deps.etcdPrefix.replace(/\/+$/, '')}/${crd.spec.group}/${crd.spec.names.plural}/`;
    const previous = this.roots.get(name);
    if (previous !== root) {
      if (previous) this.deps.watchCache?.removeRoot(previous);
      this.deps.watchCache?.addRoot(root);
      this.roots.set(name, root);
    }
  }

  private publishOpenAPI(): void {
    this.deps.openapi?.update(this.informer.list().map(asCRD).filter(c => findCondition(c, 'Established')?.status === 'True'));
  }

  private unpublish(name: string): void {
    this.deps.catalog.removeSource(sourceName(name));
    const root = this.roots.get(name);
    if (root) this.deps.watchCache?.removeRoot(root);
    this.roots.delete(name);
  }

  private async writeStatus(name: string, mutate: (crd: CustomResourceDefinition) => void): Promise<void> {
    try {
      await this.deps.crds.update('', name, 'status', current => {
        if (!current) throw new Error('gone');
        const crd = asCRD(current);
        crd.status ??= {};
        mutate(crd);
        return current;
      }, { dryRun: false });
    } catch (e) {
      // Gone or changed meanwhile: the informer brings the next event.
      if (isApiError(e) && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }

  private setTerminating(name: string, condition: Omit<CustomResourceDefinitionCondition, 'type'>): Promise<void> {
    return this.writeStatus(name, crd => {
      crd.status!.conditions = setCondition(crd.status!.conditions ?? [], { type: 'Terminating', ...condition });
    });
  }

  private startCleanup(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name ?? '';
    if (this.cleaning.has(name)) return;
    this.cleaning.add(name);
    this.cleanup(crd)
      .catch(e => {
        log.warn('custom resource cleanup failed; retrying', { crd: name, err: e instanceof Error ? e.message : String(e) });
        setTimeout(() => this.enqueue(name), 5000).unref();
      })
      .finally(() => this.cleaning.delete(name));
  }

  /** upstream's CRDFinalizer: delete every instance, wait for them to go, then drop the finalizer. */
  private async cleanup(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? '';
    await this.setTerminating(name, { status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
    let outcome: Omit<CustomResourceDefinitionCondition, 'type'>;
    if (findCondition(crd, 'Established')?.status === 'True') {
      const info = this.deps.catalog.all().find(i => i.custom?.crdName === name && i.version === crd.spec.versions.find(v => v.storage)?.name)
        ?? this.deps.catalog.all().find(i => i.custom?.crdName === name);
      outcome = info ? await this.deleteInstances(this.deps.storeFor(info)) : { status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' };
      if (outcome.status === 'True') {
        await this.setTerminating(name, outcome);
        throw new Error(outcome.message ?? 'instance deletion failed');
      }
    } else {
      outcome = { status: 'False', reason: 'NeverEstablished', message: 'resource was never established' };
    }
    await this.writeStatus(name, current => {
      current.status!.conditions = setCondition(current.status!.conditions ?? [], { type: 'Terminating', ...outcome });
      current.metadata.finalizers = (current.metadata.finalizers ?? []).filter(f => f !== CLEANUP_FINALIZER);
    });
  }

  private async deleteInstances(store: Store): Promise<Omit<CustomResourceDefinitionCondition, 'type'>> {
    try {
      await store.deleteCollection('', {}, { dryRun: false });
    } catch (e) {
      return { status: 'True', reason: 'InstanceDeletionFailed', message: `could not issue all deletes: ${e instanceof Error ? e.message : String(e)}` };
    }
    const deadline = Date.now() + (this.deps.cleanupTimeoutMs ?? 60_000);
    for (;;) {
      let remaining: number;
      try {
        remaining = (await store.list('', {})).items.length;
      } catch (e) {
        return { status: 'True', reason: 'InstanceDeletionCheck', message: `could not confirm zero CustomResources remaining: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (remaining === 0) return { status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' };
      if (Date.now() > deadline || this.stopped) {
        return { status: 'True', reason: 'InstanceDeletionCheck', message: 'could not confirm zero CustomResources remaining: timed out waiting for the condition' };
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

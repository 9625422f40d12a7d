// The generic REST store: upstream's registry/generic/registry/store.go semantics over the
// Storage interface, for any resource described by a ResourceInfo + Strategy.
import { errors, type Subject } from '../api/errors.js';
import type { ResourceInfo } from '../api/resource-info.js';
import { groupVersion } from '../api/resource-info.js';
import { strategyFor, type Strategy } from '../api/strategy.js';
import type { KubeObject, Status } from '../api/types.js';
import { isStorageError, StorageError } from '../storage/errors.js';
import type { ListResult, Preconditions, ReadOptions, Storage, WatchEvent, Watcher } from '../storage/interface.js';
import { watchBatches } from '../storage/watch-batches.js';
import { formOf, isShared, memo, rememberForm, share } from '../storage/shared.js';
import type { Admission } from './admission.js';
import type { StoreHooks, WriteTxn } from './store-hooks.js';
import { log } from '../observability/logger.js';
import { clone, deepEqual, generateName, newUid, nowTimestamp, specPart } from './meta.js';
import { buildPredicate, type ListParams } from './predicate.js';
import { applyDefaults } from '../api/defaults/index.js';
import { fromStorage, toStorage } from '../api/conversion/index.js';
import { assertValid, validateCreate, validateStatusUpdate, validateUpdate } from '../api/validation/index.js';
import { addWarning } from '../api/warnings.js';

export interface WriteOptions {
  dryRun: boolean;
  /**
   * Records the write in metadata.managedFields (registry/fieldmanager): called with the live
   * object (null on create) and the object about to be written, after defaulting.
   */
  recordWrite?: (live: KubeObject | null, next: KubeObject) => void;
}

export interface DeleteParams extends WriteOptions {
  preconditions?: Preconditions;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export interface DeleteResult {
  /** The object as it is now (pending finalizers or grace) or was just before deletion. */
  object: KubeObject;
  /** True when the object is gone from storage. */
  deleted: boolean;
}

export interface UpdateResult {
  object: KubeObject;
  created: boolean;
}

/** Computes the object to write from the current one (null when it does not exist). */
export type Mutation = (current: KubeObject | null) => Promise<KubeObject> | KubeObject;

/** An event carrying a stored object to convert to the served version (a bookmark carries only a resourceVersion). */
function isObjectEvent(ev: WatchEvent): ev is Extract<WatchEvent, { type: 'ADDED' | 'MODIFIED' | 'DELETED' }> {
  return ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED';
}

export class Store {
  readonly strategy: Strategy;
  private readonly root: string;

  constructor(
    readonly info: ResourceInfo,
    private readonly storage: Storage,
    etcdPrefix: string,
    private readonly admission: Admission,
    private readonly hooks: StoreHooks = {},
  ) {
    this.strategy = strategyFor(info);
    this.root = `${etcdPrefix.replace(/\/+$/, '')}/${info.etcdPath}`;
  }

  subject(name?: string): Subject {
    return name === undefined ? { group: this.info.group, resource: this.info.resource } : { group: this.info.group, resource: this.info.resource, name };
  }

  key(namespace: string, name: string): string {
    return this.info.namespaced ? `${this.root}/${namespace}/${name}` : `${this.root}/${name}`;
  }

  /** The list prefix: one namespace, or every object of the resource when namespace is ''. */
  prefix(namespace: string): string {
    return this.info.namespaced && namespace ? `${this.root}/${namespace}/` : `${this.root}/`;
  }

  /** Sets apiVersion and kind as served at this store's version. */
  private label(obj: KubeObject): KubeObject {
    obj.apiVersion = groupVersion(this.info);
    obj.kind = this.info.kind;
    return obj;
  }

  /** A stored object as served at this store's version. */
  private async out(stored: KubeObject): Promise<KubeObject> {
    const [served] = await this.outAll([stored]);
    return served!;
  }

  /**
   * Stored objects as served, converted together (one conversion webhook call for a custom
   * resource list). A shared stored object (a watch cache revision) is converted once per served
   * version and the shared result reused.
   */
  private async outAll(stored: KubeObject[]): Promise<KubeObject[]> {
    if (stored.length === 0) return [];
    const custom = this.info.custom;
    const formKey = custom ?? this.info;
    if (!custom) return stored.map(o => this.builtinOut(o));
    const cacheable = (o: KubeObject) => custom.conversionCacheable && isShared(o);
    const out = stored.map(o => (cacheable(o) ? formOf<KubeObject>(o, formKey) : undefined));
    const missing = stored.flatMap((o, i) => (out[i] ? [] : [i]));
    if (missing.length === 0) return out as KubeObject[];
    // A custom type's conversion may work in place: it gets private copies of shared objects.
    const converted = await custom.fromStorage(missing.map(i => (isShared(stored[i]) ? structuredClone(stored[i]!) : stored[i]!)));
    missing.forEach((i, j) => {
      const o = stored[i]!;
      if (!cacheable(o)) return (out[i] = converted[j]);
      out[i] = share(converted[j]!);
      rememberForm(o, formKey, out[i]);
    });
    return out as KubeObject[];
  }

  /** A built-in type's stored object as served (synchronous: no webhook), shared when the stored one is. */
  private builtinOut(stored: KubeObject): KubeObject {
    return isShared(stored) ? memo(stored, this.info, () => share(fromStorage(this.info, stored))) : fromStorage(this.info, stored);
  }

  /** A served object in its storage version. */
  private async in(served: KubeObject): Promise<KubeObject> {
    return this.info.custom ? this.info.custom.toStorage(served) : toStorage(this.info, served);
  }

  private mapStorageError(e: unknown, name: string): never {
    if (isStorageError(e, 'KeyNotFound')) throw errors.notFound(this.subject(name));
    if (isStorageError(e, 'KeyExists')) throw errors.alreadyExists(this.subject(name));
    if (isStorageError(e, 'Conflict')) throw errors.conflict(this.subject(name), e.message);
    if (isStorageError(e, 'InvalidArgument')) throw errors.badRequest(e.message);
    throw e;
  }

  /** opts.shared: the caller never mutates the result (see ReadOptions.shared). */
  async get(namespace: string, name: string, opts?: ReadOptions): Promise<KubeObject> {
    try {
      return await this.out(await this.storage.get(this.key(namespace, name), opts));
    } catch (e) {
      return this.mapStorageError(e, name);
    }
  }

  async list(namespace: string, params: ListParams, opts?: ReadOptions): Promise<ListResult> {
    const predicate = buildPredicate(this.info, params);
    const res = await this.storage.list(this.prefix(namespace), {
      resourceVersion: params.resourceVersion ?? '',
      resourceVersionMatch: params.resourceVersionMatch ?? '',
      limit: params.limit ?? 0,
      ...(params.continue ? { continue: params.continue } : {}),
      ...(predicate ? { predicate } : {}),
      ...(opts?.shared ? { shared: true } : {}),
    }).catch(e => this.mapStorageError(e, ''));
    res.items = await this.outAll(res.items);
    return res;
  }

  watch(namespace: string, params: ListParams & { allowWatchBookmarks?: boolean }, opts?: ReadOptions): Watcher {
    const predicate = buildPredicate(this.info, params);
    const inner = this.storage.watch(this.prefix(namespace), {
      resourceVersion: params.resourceVersion ?? '',
      recursive: true,
      bookmarks: params.allowWatchBookmarks ?? false,
      ...(params.sendInitialEvents !== undefined ? { sendInitialEvents: params.sendInitialEvents } : {}),
      ...(predicate ? { predicate } : {}),
      ...(opts?.shared ? { shared: true } : {}),
    });
    const out = (o: KubeObject) => this.out(o);
    const builtinOut = (o: KubeObject) => this.builtinOut(o);
    const custom = this.info.custom;
    async function* batches(): AsyncIterable<WatchEvent[]> {
      for await (const batch of watchBatches(inner)) {
        if (!custom) {
          yield batch.map(ev => (isObjectEvent(ev) ? { type: ev.type, object: builtinOut(ev.object) } : ev));
          continue;
        }
        const served: WatchEvent[] = [];
        for (const ev of batch) {
          if (!isObjectEvent(ev)) {
            served.push(ev);
            continue;
          }
          try {
            served.push({ type: ev.type, object: await out(ev.object) });
          } catch (e) {
            // A custom resource whose conversion fails ends the watch with the error, as upstream's watcher does.
            served.push({ type: 'ERROR', object: errors.internal(e instanceof Error ? e.message : String(e)).toStatus() });
            yield served;
            inner.stop();
            return;
          }
        }
        yield served;
      }
    }
    return {
      stop: () => inner.stop(),
      batches,
      async *[Symbol.asyncIterator]() {
        for await (const events of batches()) yield* events;
      },
    };
  }

  /** Everything a create does before the write: server-set metadata, defaults, admission, validation. */
  private async prepareCreate(namespace: string, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const obj = clone(input);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (this.info.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    meta.uid = newUid();
    meta.creationTimestamp = nowTimestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    if (this.strategy.initialStatus) {
      const status = this.strategy.initialStatus(obj);
      if (status === undefined) delete obj['status'];
      else obj['status'] = status;
    }
    this.label(obj);
    applyDefaults(this.info, obj);
    opts.recordWrite?.(null, obj);
    await this.admission.admit('create', this.info, obj, null, opts);
    assertValid(this.info, obj, validateCreate(this.info, obj));
    await this.admission.validate('create', this.info, obj, null, opts);
    for (const w of this.info.custom?.warnings(obj, null) ?? []) addWarning(w);
    return obj;
  }

  async create(namespace: string, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const obj = await this.prepareCreate(namespace, input, opts);
    const name = obj.metadata.name ?? '';
    const txn = await this.hooks.beginCreate?.(obj, opts);
    let stored: KubeObject;
    try {
      const ttlSeconds = this.hooks.ttlSeconds;
      stored = await this.storage.create(this.key(namespace, name), await this.in(obj), { dryRun: opts.dryRun, ...(ttlSeconds ? { ttlSeconds } : {}) });
    } catch (e) {
      await txn?.revert();
      return this.mapStorageError(e, name);
    }
    await txn?.commit();
    return this.out(stored);
  }

  /**
   * Read-modify-write of one object. `mutate` gives the desired object; the store keeps the
   * fields clients may not change, checks resourceVersion, validates and bumps generation.
   */
  async update(namespace: string, name: string, subresource: string, mutate: Mutation, opts: WriteOptions & { forceAllowCreate?: boolean }): Promise<UpdateResult> {
    let created = false;
    const key = this.key(namespace, name);
    const allowCreate = subresource === '' && (this.strategy.allowCreateOnUpdate || opts.forceAllowCreate === true);
    let result: KubeObject;
    // The hooks' work for the attempt that finally wrote; a lost CAS race undoes the previous one.
    let txn: WriteTxn | undefined;
    try {
      result = await this.storage.guaranteedUpdate(key, async current => {
        await txn?.revert();
        txn = undefined;
        if (current === null) {
          const desired = await mutate(null);
          desired.metadata.name = name;
          created = true;
          const obj = await this.prepareCreate(namespace, desired, opts);
          txn = await this.hooks.beginCreate?.(obj, opts);
          return this.in(obj);
        }
        created = false;
        const cur = await this.out(current);
        const desired = clone(await mutate(clone(cur)));
        const next = await this.prepareUpdate(namespace, name, subresource, desired, cur, opts);
        if (next === cur) return current;
        txn = await this.hooks.beginUpdate?.(next, cur, opts);
        return this.in(next);
      }, { allowCreate, dryRun: opts.dryRun, ...(this.hooks.ttlSeconds ? { ttlSeconds: this.hooks.ttlSeconds } : {}) });
    } catch (e) {
      await txn?.revert();
      if (isStorageError(e, 'KeyNotFound')) throw errors.notFound(this.subject(name));
      return this.mapStorageError(e, name);
    }
    await txn?.commit();
    result = await this.out(result);
    if (!opts.dryRun && this.shouldDeleteAfterUpdate(result)) {
      const gone = await this.deleteNow(namespace, name, { resourceVersion: result.metadata.resourceVersion }, opts);
      return { object: gone, created };
    }
    return { object: result, created };
  }

  /**
   * Fields the server owns (upstream's rest.BeforeUpdate): a client cannot change them through an
   * update. A main-resource update keeps a client's new deletionTimestamp or grace period, as
   * upstream does, so that update validation refuses it as immutable; subresources reset them.
   */
  private keepServerMeta(next: KubeObject, current: KubeObject, namespace: string, name: string, resetDeletion = true): void {
    const nm = next.metadata;
    const cm = current.metadata;
    nm.name = name;
    if (this.info.namespaced) nm.namespace = nm.namespace ?? namespace;
    if (nm.uid === undefined || nm.uid === '') nm.uid = cm.uid;
    if (nm.creationTimestamp === undefined || nm.creationTimestamp === null) nm.creationTimestamp = cm.creationTimestamp;
    if (cm.deletionTimestamp !== undefined) nm.deletionTimestamp = cm.deletionTimestamp;
    else if (resetDeletion) delete nm.deletionTimestamp;
    if (cm.deletionGracePeriodSeconds !== undefined && (resetDeletion || nm.deletionGracePeriodSeconds === undefined)) nm.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
    else if (resetDeletion) delete nm.deletionGracePeriodSeconds;
  }

  private async prepareUpdate(namespace: string, name: string, subresource: string, desired: KubeObject, current: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const dm = desired.metadata;
    if (dm.name !== undefined && dm.name !== name) {
      throw errors.badRequest(`the name of the object (${dm.name}) does not match the name on the URL (${name})`);
    }
    const cm = current.metadata;
    // "0" parses to revision 0, which upstream treats as no precondition (an unconditional update).
    if (dm.resourceVersion !== undefined && dm.resourceVersion !== '' && dm.resourceVersion !== '0' && dm.resourceVersion !== cm.resourceVersion) {
      throw errors.conflict(this.subject(name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    let next: KubeObject;
    if (subresource === 'status') {
      // What a status write keeps from the client is the resource's status strategy's choice.
      if (this.strategy.prepareStatusUpdate) {
        next = this.strategy.prepareStatusUpdate(desired, current);
      } else {
        next = clone(current);
        next['status'] = desired['status'];
      }
      this.keepServerMeta(next, current, namespace, name);
      if (cm.generation === undefined) delete next.metadata.generation;
      else next.metadata.generation = cm.generation;
    } else if (subresource === 'approval') {
      // certificatesigningrequests/approval changes status.conditions, and metadata like any update (csrApprovalStrategy).
      next = desired;
      next['spec'] = clone(current['spec']);
      const conditions = ((desired['status'] ?? {}) as { conditions?: unknown }).conditions;
      next['status'] = { ...((current['status'] ?? {}) as Record<string, unknown>), conditions };
      this.keepServerMeta(next, current, namespace, name);
    } else if (subresource === 'ephemeralcontainers') {
      // pods/ephemeralcontainers changes spec.ephemeralContainers only.
      next = clone(current);
      type Named = { name?: string };
      const wanted = (((desired['spec'] ?? {}) as { ephemeralContainers?: Named[] }).ephemeralContainers ?? []);
      const existing = (((current['spec'] ?? {}) as { ephemeralContainers?: Named[] }).ephemeralContainers ?? []);
      // Ephemeral containers can be added, never changed or removed (upstream's update validation).
      for (const old of existing) {
        const kept = wanted.find(c => c.name === old.name);
        if (!kept || !deepEqual(kept, old)) {
          throw errors.invalid(this.info.group, this.info.kind, name, [{ reason: 'FieldValueForbidden', field: 'spec.ephemeralContainers', message: `Forbidden: existing ephemeral containers "${old.name ?? ''}" may not be changed` }]);
        }
      }
      next['spec'] = { ...((current['spec'] ?? {}) as Record<string, unknown>), ephemeralContainers: wanted };
    } else if (subresource === 'binding') {
      // pods/binding sets spec.nodeName (and may add annotations): upstream's assignPod
      // writes it without the pod update validation that otherwise freezes the spec.
      next = clone(current);
      next['spec'] = { ...((current['spec'] ?? {}) as Record<string, unknown>), nodeName: ((desired['spec'] ?? {}) as { nodeName?: unknown }).nodeName };
      if (desired.metadata.annotations) next.metadata.annotations = desired.metadata.annotations;
    } else if (subresource === 'finalize') {
      // namespaces/finalize changes spec.finalizers only.
      next = clone(current);
      const spec = { ...((current['spec'] ?? {}) as Record<string, unknown>) };
      const finalizers = ((desired['spec'] ?? {}) as { finalizers?: unknown }).finalizers;
      if (finalizers === undefined) delete spec['finalizers'];
      else spec['finalizers'] = finalizers;
      next['spec'] = spec;
    } else {
      next = desired;
      const hasStatus = this.info.subresources.some(s => s.name === 'status');
      if (hasStatus) {
        if (current['status'] === undefined) delete next['status'];
        else next['status'] = clone(current['status']);
      }
      const nm = next.metadata;
      this.keepServerMeta(next, current, namespace, name, false);
      this.strategy.prepareForUpdate?.(next, current);
      if (this.strategy.tracksGeneration) {
        const gen = cm.generation ?? 1;
        const content = this.strategy.generationContent ?? specPart;
        nm.generation = deepEqual(content(next), content(current)) ? gen : gen + 1;
      } else {
        delete nm.generation;
      }
    }
    delete next.metadata.resourceVersion;
    this.label(next);
    if (cm.deletionTimestamp !== undefined && newFinalizers(next, current)) {
      throw errors.forbidden(`no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(newFinalizers(next, current))}`, this.subject(name));
    }
    applyDefaults(this.info, next, current);
    opts.recordWrite?.(current, next);
    const admissionOpts = subresource ? { ...opts, subresource } : opts;
    await this.admission.admit('update', this.info, next, current, admissionOpts);
    if (subresource === 'status') assertValid(this.info, next, validateStatusUpdate(this.info, next, current));
    else if (subresource !== 'binding' && subresource !== 'ephemeralcontainers') assertValid(this.info, next, validateUpdate(this.info, next, current));
    await this.admission.validate('update', this.info, next, current, admissionOpts);
    if (subresource === '') for (const w of this.info.custom?.warnings(next, current) ?? []) addWarning(w);
    const cur = clone(current);
    delete cur.metadata.resourceVersion;
    return deepEqual(next, cur) ? current : next;
  }

  private hasFinalizers(obj: KubeObject): boolean {
    return (obj.metadata.finalizers ?? []).length > 0 || (this.strategy.specFinalizers?.(obj) ?? []).length > 0;
  }

  private shouldDeleteAfterUpdate(obj: KubeObject): boolean {
    const m = obj.metadata;
    return m.deletionTimestamp !== undefined && !this.hasFinalizers(obj) && (m.deletionGracePeriodSeconds ?? 0) === 0;
  }

  async delete(namespace: string, name: string, params: DeleteParams): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    let current: KubeObject;
    try {
      current = await this.out(await this.storage.get(key));
    } catch (e) {
      return this.mapStorageError(e, name);
    }
    checkPreconditions(this.subject(name), current, params.preconditions);
    await this.admission.delete(this.info, current, params);

    if (this.strategy.markForDeletion && current.metadata.deletionTimestamp === undefined) {
      // Bound to the object read above, as upstream's UID precondition.
      const preconditions = { uid: current.metadata.uid ?? '', ...params.preconditions };
      return this.markDeleting(namespace, name, current, 0, [], { ...params, preconditions }, this.strategy.markForDeletion);
    }
    const added: string[] = [];
    if (params.propagationPolicy === 'Orphan') added.push('orphan');
    if (params.propagationPolicy === 'Foreground') added.push('foregroundDeletion');
    const grace = this.strategy.gracePeriodSeconds?.(current, params.gracePeriodSeconds) ?? 0;
    if (!this.hasFinalizers(current) && added.length === 0 && grace === 0) {
      const obj = await this.deleteNow(namespace, name, params.preconditions ?? {}, params);
      return { object: obj, deleted: true };
    }
    // Graceful or finalized deletion: mark the object and keep it.
    return this.markDeleting(namespace, name, current, grace, added, params);
  }

  private async markDeleting(namespace: string, name: string, seen: KubeObject, grace: number, addFinalizers: string[], params: DeleteParams, mark?: (obj: KubeObject) => string[]): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    const now = new Date();
    try {
      const obj = await this.storage.guaranteedUpdate(key, current => {
        if (!current) throw new StorageError('KeyNotFound', key, 'not found');
        const m = current.metadata;
        if (mark) addFinalizers = [...addFinalizers, ...mark(current)];
        if (addFinalizers.length > 0) m.finalizers = [...new Set([...(m.finalizers ?? []), ...addFinalizers])];
        if (m.deletionTimestamp === undefined) {
          m.deletionTimestamp = nowTimestamp(new Date(now.getTime() + grace * 1000));
          m.deletionGracePeriodSeconds = grace;
        } else if (grace < (m.deletionGracePeriodSeconds ?? 0)) {
          // A shorter grace period may replace a longer one, never the reverse.
          m.deletionTimestamp = nowTimestamp(new Date(now.getTime() + grace * 1000));
          m.deletionGracePeriodSeconds = grace;
        }
        if (this.info.resource === 'namespaces' && this.info.group === '') {
          current['status'] = { ...((current['status'] as object | undefined) ?? {}), phase: 'Terminating' };
        }
        return current;
      }, { dryRun: params.dryRun, ...(params.preconditions ? { preconditions: params.preconditions } : {}) });
      const served = await this.out(obj);
      if (!params.dryRun && grace === 0 && !this.hasFinalizers(served)) {
        return { object: await this.deleteNow(namespace, name, {}, params), deleted: true };
      }
      return { object: served, deleted: false };
    } catch (e) {
      if (isStorageError(e, 'KeyNotFound')) return { object: seen, deleted: true };
      return this.mapStorageError(e, name);
    }
  }

  private async deleteNow(namespace: string, name: string, preconditions: Preconditions, opts: WriteOptions): Promise<KubeObject> {
    let obj: KubeObject;
    try {
      obj = await this.out(await this.storage.delete(this.key(namespace, name), { preconditions, dryRun: opts.dryRun }));
    } catch (e) {
      return this.mapStorageError(e, name);
    }
    if (!opts.dryRun && this.hooks.afterDelete) {
      // The object is gone either way; a failure here leaves work for the repair loops.
      await this.hooks.afterDelete(obj).catch(e => log.warn('after-delete step failed', { resource: this.info.resource, name, err: String(e) }));
    }
    return obj;
  }

  /** Deletes every object the list parameters select, one by one, as upstream does. */
  async deleteCollection(namespace: string, params: ListParams, del: DeleteParams): Promise<KubeObject[]> {
    const { items } = await this.list(namespace, { ...params, limit: 0, continue: '' });
    const out: KubeObject[] = [];
    const workers = 4;
    let next = 0;
    const run = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          const r = await this.delete(item.metadata.namespace ?? '', item.metadata.name ?? '', { dryRun: del.dryRun, ...(del.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: del.gracePeriodSeconds } : {}), ...(del.propagationPolicy ? { propagationPolicy: del.propagationPolicy } : {}) });
          out.push(r.object);
        } catch (e) {
          // Gone in the meantime: that is what was asked for.
          if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, items.length) }, run));
    return out;
  }

  /** The Success Status upstream returns for deletes of resources that do not return the object. */
  deletedStatus(obj: KubeObject): Status {
    const details: NonNullable<Status['details']> = { name: obj.metadata.name ?? '', kind: this.info.resource };
    if (this.info.group) details.group = this.info.group;
    if (obj.metadata.uid) details.uid = obj.metadata.uid;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
  }
}

function newFinalizers(next: KubeObject, current: KubeObject): string[] | false {
  const old = new Set(current.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter(f => !old.has(f));
  return added.length > 0 ? added : false;
}

function checkPreconditions(subject: Subject, obj: KubeObject, p: Preconditions | undefined): void {
  if (!p) return;
  if (p.uid && p.uid !== obj.metadata.uid) {
    throw errors.conflict(subject, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (p.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw errors.conflict(subject, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`);
  }
}

// Reconciles the bootstrap RBAC policy at every start (upstream's rbac/bootstrap-roles post-start
// hook and registry/rbac/reconciliation): missing objects are created; existing ones get missing
// labels, annotations, rules, aggregation selectors and subjects added, never removed; objects
// annotated rbac.authorization.kubernetes.io/autoupdate=false are left alone.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { deepEqual } from '../registry/meta.js';
import type { Store } from '../registry/store.js';
import { autoUpdateAnnotation, clusterRoleBindings, clusterRoles, controllerRoles, namespacedRoleBindings, namespacedRoles } from './bootstrap-policy.js';
import type { RbacStores } from './rbac-index.js';
import { rulesOf } from './rbac-index.js';
import { covers, type Subject } from './rbac-rules.js';

type Reconcile = (existing: KubeObject, expected: KubeObject) => KubeObject | null;

/** Expected keys fill in; existing values win. */
function mergeMaps(expected: Record<string, string> | undefined, existing: Record<string, string> | undefined): Record<string, string> {
  return { ...(expected ?? {}), ...(existing ?? {}) };
}

function mergeMeta(result: KubeObject, expected: KubeObject): void {
  result.metadata.labels = mergeMaps(expected.metadata.labels, result.metadata.labels);
  result.metadata.annotations = mergeMaps(expected.metadata.annotations, result.metadata.annotations);
}

interface AggregationRule { clusterRoleSelectors?: unknown[] }

/** The reconciled role, or null when nothing changes. */
export function reconcileRole(existing: KubeObject, expected: KubeObject): KubeObject | null {
  const result = structuredClone(existing);
  mergeMeta(result, expected);
  const { missing } = covers(rulesOf(existing), rulesOf(expected));
  if (missing.length > 0) result['rules'] = [...rulesOf(existing), ...missing];
  const want = expected['aggregationRule'] as AggregationRule | undefined;
  const have = existing['aggregationRule'] as AggregationRule | undefined;
  if (!want && have) {
    delete result['aggregationRule'];
  } else if (want) {
    const haveSel = have?.clusterRoleSelectors ?? [];
    const missingSel = (want.clusterRoleSelectors ?? []).filter(s => !haveSel.some(h => deepEqual(h, s)));
    if (missingSel.length > 0) result['aggregationRule'] = { clusterRoleSelectors: [...haveSel, ...missingSel] };
  }
  return deepEqual(result, existing) ? null : result;
}

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** The reconciled binding, or null when nothing changes. A different roleRef is handled by the caller (recreate). */
export function reconcileBinding(existing: KubeObject, expected: KubeObject): KubeObject | null {
  const result = structuredClone(existing);
  mergeMeta(result, expected);
  const have = (existing['subjects'] ?? []) as Subject[];
  const missing = ((expected['subjects'] ?? []) as Subject[]).filter(s => !have.some(h => sameSubject(h, s)));
  if (missing.length > 0) result['subjects'] = [...have, ...missing];
  return deepEqual(result, existing) ? null : result;
}

async function getOrNull(store: Store, namespace: string, name: string): Promise<KubeObject | null> {
  try {
    return await store.get(namespace, name);
  } catch (e) {
    if (isApiError(e) && e.code === 404) return null;
    throw e;
  }
}

/** A synced informer's view of the objects, to skip an etcd read per bootstrap object. */
export interface ObjectCache {
  get(namespace: string, name: string): KubeObject | undefined;
}

async function ensure(store: Store, expected: KubeObject, reconcile: Reconcile, isBinding: boolean, cache?: ObjectCache): Promise<void> {
  const ns = expected.metadata.namespace ?? '';
  const name = expected.metadata.name ?? '';
  const existing = cache ? cache.get(ns, name) ?? null : await getOrNull(store, ns, name);
  if (!existing) {
    try {
      await store.create(ns, structuredClone(expected), { dryRun: false });
    } catch (e) {
      if (!(isApiError(e) && e.code === 409)) throw e;
    }
    return;
  }
  if (existing.metadata.annotations?.[autoUpdateAnnotation] === 'false') return;
  if (isBinding && !deepEqual(existing['roleRef'], expected['roleRef'])) {
    // roleRef is immutable: upstream deletes and recreates the binding.
    await store.delete(ns, name, { dryRun: false });
    await store.create(ns, structuredClone(expected), { dryRun: false });
    return;
  }
  if (reconcile(existing, expected) === null) return;
  await store.update(ns, name, '', cur => {
    if (!cur) return structuredClone(expected);
    return reconcile(cur, expected) ?? cur;
  }, { dryRun: false });
}

/** Runs ensure over objects, a few at a time: etcd writes are fsync-bound, so concurrency pays. */
async function ensureAll(store: Store, objs: readonly KubeObject[], reconcile: Reconcile, isBinding: boolean, cache?: ObjectCache): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objs.length) await ensure(store, objs[next++]!, reconcile, isBinding, cache);
  };
  await Promise.all(Array.from({ length: Math.min(16, objs.length) }, worker));
}

export interface RbacCaches {
  roles: ObjectCache;
  clusterRoles: ObjectCache;
  roleBindings: ObjectCache;
  clusterRoleBindings: ObjectCache;
}

/**
 * One full pass; throws on the first failure (the caller retries). With caches, what exists is
 * read from them (a stale miss only costs a 409 on create; updates re-read under CAS).
 */
export async function reconcileBootstrapPolicy(stores: RbacStores, caches?: RbacCaches): Promise<void> {
  await ensureAll(stores.clusterRoles, [...clusterRoles, ...controllerRoles], reconcileRole, false, caches?.clusterRoles);
  await ensureAll(stores.clusterRoleBindings, clusterRoleBindings, reconcileBinding, true, caches?.clusterRoleBindings);
  await ensureAll(stores.roles, namespacedRoles, reconcileRole, false, caches?.roles);
  await ensureAll(stores.roleBindings, namespacedRoleBindings, reconcileBinding, true, caches?.roleBindings);
}

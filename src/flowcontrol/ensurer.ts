// The config producer (upstream's pkg/registry/flowcontrol/ensurer, run by the
// priority-and-fairness-config-producer post-start hook): keeps the mandatory and suggested
// objects in storage. A missing one is created; one whose apf.kubernetes.io/autoupdate-spec is
// "true" gets the bootstrap spec back; an annotated object the server no longer knows is deleted.
import { isApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { deepEqual } from '../registry/meta.js';
import type { Store } from '../registry/store.js';
import { mandatoryFlowSchemas, mandatoryPriorityLevels, suggestedFlowSchemas, suggestedPriorityLevels } from './bootstrap.js';
import { defaultFlowSchema, defaultPriorityLevelConfiguration } from './defaults.js';
import { AUTO_UPDATE_ANNOTATION } from './types.js';

export interface EnsurerStores {
  flowSchemas: Store;
  priorityLevels: Store;
}

interface Wanted { obj: KubeObject; mandatory: boolean }

/**
 * Whether the server manages this object's spec. Without the annotation: always for a mandatory
 * object, and for a suggested one only if nobody has changed it since it was created.
 */
function autoUpdates(live: KubeObject, mandatory: boolean): boolean {
  const value = live.metadata.annotations?.[AUTO_UPDATE_ANNOTATION];
  if (value !== undefined) return value === 'true';
  return mandatory || live.metadata.generation === 1;
}

async function ensureOne(store: Store, want: Wanted): Promise<void> {
  const name = want.obj.metadata.name ?? '';
  let live: KubeObject | undefined;
  try {
    live = await store.get('', name);
  } catch (e) {
    if (!isApiError(e) || e.code !== 404) throw e;
  }
  if (!live) {
    try {
      await store.create('', structuredClone(want.obj), { dryRun: false });
    } catch (e) {
      if (!isApiError(e) || e.code !== 409) throw e;
    }
    return;
  }
  if (!autoUpdates(live, want.mandatory)) return;
  const annotated = live.metadata.annotations?.[AUTO_UPDATE_ANNOTATION] === 'true';
  if (annotated && deepEqual(live['spec'], want.obj['spec'])) return;
  await store.update('', name, '', current => {
    if (!current) throw new Error(`${name} disappeared`);
    return { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [AUTO_UPDATE_ANNOTATION]: 'true' } }, spec: structuredClone(want.obj['spec']) };
  }, { dryRun: false });
}

async function removeUnwanted(store: Store, wanted: Set<string>): Promise<void> {
  for (const obj of (await store.list('', {})).items) {
    const name = obj.metadata.name ?? '';
    if (wanted.has(name) || obj.metadata.annotations?.[AUTO_UPDATE_ANNOTATION] !== 'true') continue;
    try {
      await store.delete('', name, { dryRun: false, preconditions: { resourceVersion: obj.metadata.resourceVersion ?? '' } });
    } catch (e) {
      // Changed or gone meanwhile: the next pass decides again.
      if (!isApiError(e) || (e.code !== 404 && e.code !== 409)) throw e;
    }
  }
}

function wantedSet<T extends KubeObject>(mandatory: T[], suggested: T[], applyDefaults: (o: T) => void): Wanted[] {
  const all = [...mandatory.map(obj => ({ obj, mandatory: true })), ...suggested.map(obj => ({ obj, mandatory: false }))];
  // Compared with stored (defaulted) objects, so default the bootstrap copies the same way.
  for (const w of all) applyDefaults(w.obj as T);
  return all;
}

/** One pass over both resources: priority levels first, so new schemas find their levels. */
export async function ensureBootstrapConfiguration(stores: EnsurerStores): Promise<void> {
  const levels = wantedSet(mandatoryPriorityLevels(), suggestedPriorityLevels(), o => defaultPriorityLevelConfiguration(o));
  const schemas = wantedSet(mandatoryFlowSchemas(), suggestedFlowSchemas(), o => defaultFlowSchema(o));
  for (const w of levels) await ensureOne(stores.priorityLevels, w);
  for (const w of schemas) await ensureOne(stores.flowSchemas, w);
  await removeUnwanted(stores.flowSchemas, new Set(schemas.map(w => w.obj.metadata.name ?? '')));
  await removeUnwanted(stores.priorityLevels, new Set(levels.map(w => w.obj.metadata.name ?? '')));
}

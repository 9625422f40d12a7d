// Field ownership bookkeeping for one write, as structured-merge-diff's merge.Updater does it:
// updates take ownership of what they change, applies merge a configuration, detect conflicts
// with other managers and prune what the applier stopped applying.
import type { JsonValue } from '../../api/types.js';
import { deepEqual } from '../meta.js';
import type { Managers, ManagerEntry } from './managed-fields.js';
import type { Path } from './path.js';
import { FieldSet } from './set.js';
import type { TypeNode } from './schema.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from './typed.js';

export interface Conflict {
  /** The manager identifier (managerId) of the owner. */
  managerId: string;
  path: Path;
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} apply conflict(s)`);
    this.name = 'ConflictsError';
  }
}

export interface UpdaterContext {
  type: TypeNode;
  /** Fields the strategy resets (status on the main resource): never owned, never conflicting. */
  ignored: FieldSet;
}

function withSet(e: ManagerEntry, set: FieldSet): ManagerEntry {
  return { ...e, set };
}

function filtered(c: Comparison, ignored: FieldSet): Comparison {
  if (ignored.empty()) return c;
  return { added: c.added.recursiveDifference(ignored), modified: c.modified.recursiveDifference(ignored), removed: c.removed.recursiveDifference(ignored) };
}

/** Every manager but `workflow` loses what changed; without force, taking an owned field is a conflict. */
function updateOthers(ctx: UpdaterContext, live: JsonValue, next: JsonValue, managers: Managers, workflow: string, force: boolean): Comparison {
  const c = filtered(compare(live, next, ctx.type), ctx.ignored);
  const changed = c.modified.union(c.added);
  const conflicts: Conflict[] = [];
  const conflictSets = new Map<string, FieldSet>();
  for (const [id, e] of managers) {
    if (id === workflow) continue;
    const cs = e.set.intersection(changed);
    if (!cs.empty()) {
      conflictSets.set(id, cs);
      for (const path of cs.paths()) conflicts.push({ managerId: id, path });
    }
  }
  if (!force && conflicts.length > 0) throw new ConflictsError(conflicts);
  for (const [id, e] of managers) {
    if (id === workflow) continue;
    let set = e.set;
    const cs = conflictSets.get(id);
    if (cs) set = set.difference(cs);
    if (!c.removed.empty()) set = set.difference(c.removed);
    if (set !== e.set) managers.set(id, withSet(e, set));
  }
  for (const [id, e] of managers) if (e.set.empty()) managers.delete(id);
  return c;
}

/** A non-apply write: `entry` (under id) owns what it changed. Mutates `managers`. */
export function recordUpdate(ctx: UpdaterContext, live: JsonValue, next: JsonValue, managers: Managers, id: string, entry: Omit<ManagerEntry, 'set'>): void {
  const c = updateOthers(ctx, live, next, managers, id, true);
  const prev = managers.get(id)?.set ?? new FieldSet();
  const set = prev.difference(c.removed).union(c.modified).union(c.added).recursiveDifference(ctx.ignored);
  if (set.empty()) managers.delete(id);
  else managers.set(id, { ...entry, set });
}

/**
 * An apply: merges `config` into `live`, makes the applier own exactly the config's fields,
 * prunes fields it applied before and no longer does (unless someone else owns them), and
 * checks conflicts. Returns the new object, or null when nothing changed. Mutates `managers`.
 */
export function recordApply(ctx: UpdaterContext, live: JsonValue, config: JsonValue, managers: Managers, id: string, entry: Omit<ManagerEntry, 'set'>, force: boolean): JsonValue | null {
  let next = merge(live, config, ctx.type);
  const last = managers.get(id)?.set;
  const set = toFieldSet(config, ctx.type).recursiveDifference(ctx.ignored);
  managers.set(id, { ...entry, set });
  if (last && !last.empty()) next = prune(ctx.type, next, managers, last);
  updateOthers(ctx, live, next, managers, id, force);
  return deepEqual(live, next) ? null : next;
}

function prune(t: TypeNode, merged: JsonValue, managers: Managers, last: FieldSet): JsonValue {
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, t);
  let pruned = removeItems(merged, t, named(last));
  // Add back what anyone (the applier's new config included) still owns.
  let managed = new FieldSet();
  for (const e of managers.values()) managed = managed.union(e.set);
  let mergedSet = named(toFieldSet(merged, t));
  let prunedSet = named(toFieldSet(pruned, t));
  pruned = removeItems(merged, t, mergedSet.difference(prunedSet.union(named(managed))));
  // Only remove what the applier itself owned before.
  prunedSet = named(toFieldSet(pruned, t));
  mergedSet = named(toFieldSet(merged, t));
  return removeItems(merged, t, mergedSet.difference(prunedSet).intersection(named(last)));
}

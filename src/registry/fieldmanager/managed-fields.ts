// metadata.managedFields <-> per-manager field sets. A manager is identified as upstream's
// BuildManagerIdentifier does: name, operation, subresource, and the apiVersion for updaters
// only (an applier keeps one entry whatever version it applies at).
import { isObject, type JsonObject, type JsonValue } from '../../api/types.js';
import { fromFieldsV1, toFieldsV1 } from './fields-v1.js';
import { FieldSet } from './set.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
  /** RFC 3339, second precision; absent when unknown. */
  time?: string;
  set: FieldSet;
}

/** Keyed by managerId(). */
export type Managers = Map<string, ManagerEntry>;

export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource]);
}

/** Decodes managedFields as upstream's DecodeManagedFields; throws on a malformed entry. */
export function decodeManagedFields(raw: unknown): Managers {
  const out: Managers = new Map();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw new Error('managedFields must be a list');
  raw.forEach((e: unknown, i) => {
    if (!isObject(e)) throw new Error(`managed fields entry ${i} is not an object`);
    const operation = e['operation'];
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    const apiVersion = typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '';
    if (apiVersion === '') throw new Error('apiVersion must not be empty');
    const fieldsType = e['fieldsType'];
    if (fieldsType === undefined || fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    const entry: ManagerEntry = {
      manager: typeof e['manager'] === 'string' ? e['manager'] : '',
      operation,
      apiVersion,
      subresource: typeof e['subresource'] === 'string' ? e['subresource'] : '',
      set: fromFieldsV1(e['fieldsV1'] ?? {}),
    };
    if (typeof e['time'] === 'string') entry.time = e['time'];
    out.set(managerId(entry), entry);
  });
  return out;
}

function seconds(t: string | undefined): number {
  if (t === undefined) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes entries in upstream's order: operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): JsonObject[] {
  const entries = [...managers.values()].sort((p, q) =>
    cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource, q.subresource));
  return entries.map(e => {
    const o: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time !== undefined) o['time'] = e.time;
    o['fieldsType'] = 'FieldsV1';
    o['fieldsV1'] = toFieldsV1(e.set) as JsonValue;
    if (e.subresource) o['subresource'] = e.subresource;
    return o;
  });
}

/** upstream's DefaultMaxUpdateManagers. */
export const maxUpdateManagers = 10;
const ancientChanges = 'ancient-changes';

/**
 * Merges the oldest update entries into one "ancient-changes" entry per apiVersion until at
 * most maxUpdateManagers update entries remain (upstream's capManagersManager).
 */
export function capUpdateManagers(managers: Managers, max = maxUpdateManagers): void {
  const updaters = [...managers.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const [id, e] = updaters[i]!;
    const bucket = managerId({ manager: ancientChanges, operation: 'Update', apiVersion: e.apiVersion, subresource: '' });
    const first = firstByVersion.get(e.apiVersion);
    if (first === undefined) {
      firstByVersion.set(e.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      const f = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { ...f, manager: ancientChanges, subresource: '' });
    }
    const b = managers.get(bucket)!;
    const merged: ManagerEntry = { manager: ancientChanges, operation: 'Update', apiVersion: e.apiVersion, subresource: '', set: e.set.union(b.set) };
    if (e.time !== undefined) merged.time = e.time;
    managers.set(bucket, merged);
    managers.delete(id);
    length--;
  }
}

// Server-side apply and managedFields tracking for one resource, as upstream's default field
// manager stack does: strip server-owned metadata from sets, key managers by name/operation/
// version/subresource, stamp times when a manager's fields change, cap update managers, and
// report apply conflicts as a 409 naming each manager and field.
import { ApiError, cause, errors } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resource-info.js';
import { groupVersion } from '../../api/resource-info.js';
import { isObject, type JsonValue, type KubeObject, type StatusCause } from '../../api/types.js';
import { statusResetFields } from '../../api/status-strategy.js';
import { clone, nowTimestamp } from '../meta.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, managerId, type ManagerEntry, type Managers } from './managed-fields.js';
import { allowedConflictsFromLastApplied, syncLastApplied } from './last-applied.js';
import { pathString } from './path.js';
import { FieldSet } from './set.js';
import { typeForResource, type TypeNode } from './schema.js';
import { ConflictsError, recordApply, recordUpdate, type UpdaterContext } from './updater.js';

/** upstream's FieldManagerMaxLength. */
export const fieldManagerMaxLength = 128;

/** Fields never recorded in managedFields (upstream's stripMetaManager). */
const stripSet = FieldSet.of(
  [{ field: 'apiVersion' }], [{ field: 'kind' }], [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']
    .map(f => [{ field: 'metadata' }, { field: f }]),
);

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

function invalidOptions(kind: OptionsKind, causes: StatusCause[]): ApiError {
  return errors.invalid('meta.k8s.io', kind, '', causes);
}

/**
 * The manager a write is recorded under: ?fieldManager, else the User-Agent up to its first
 * '/' (upstream's managerOrUserAgent). Validates length and printable characters.
 */
export function managerOf(query: URLSearchParams, userAgent: string, kind: OptionsKind): string {
  const given = query.get('fieldManager') ?? '';
  const causes: StatusCause[] = [];
  if (given.length > fieldManagerMaxLength) causes.push(cause.tooLong('fieldManager', fieldManagerMaxLength));
  let pos = 0;
  for (const ch of given) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const cp = ch.codePointAt(0)!;
      causes.push(cause.invalid('fieldManager', given, `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})`));
    }
    pos += Buffer.byteLength(ch);
  }
  if (causes.length > 0) throw invalidOptions(kind, causes);
  return given !== '' ? given : userAgent.split('/')[0]!;
}

/** PATCH options as upstream's ValidatePatchOptions checks them. */
export function validatePatchOptions(query: URLSearchParams, apply: boolean): void {
  if (apply && (query.get('fieldManager') ?? '') === '') {
    throw invalidOptions('PatchOptions', [cause.required('fieldManager', 'Required value: is required for apply patch')]);
  }
  if (!apply && query.has('force')) {
    throw invalidOptions('PatchOptions', [cause.forbidden('force', 'may not be specified for non-apply patch')]);
  }
}

/** ?force for apply: "true" takes ownership of conflicting fields. */
export function forceOf(query: URLSearchParams): boolean {
  const v = query.get('force');
  if (v === null || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw errors.badRequest(`invalid value for force: ${JSON.stringify(v)}`);
}

function ignoredFor(info: ResourceInfo, subresource: string): FieldSet {
  if (subresource === 'status') {
    // Custom resources reset only spec (their statusStrategy's GetResetFields).
    const paths = info.custom ? [['spec']] : statusResetFields(`${info.resource}.${info.group}`);
    return FieldSet.of(...paths.map(p => p.map(field => ({ field }))));
  }
  if (subresource === '' && info.subresources.some(s => s.name === 'status')) return FieldSet.of([{ field: 'status' }]);
  return new FieldSet();
}

function contextFor(info: ResourceInfo, subresource: string): UpdaterContext {
  return { type: typeForResource(info), ignored: ignoredFor(info, subresource) };
}

/** The object without managedFields: what the field sets describe. */
function bare(obj: KubeObject): JsonValue {
  const c = clone(obj);
  delete c.metadata.managedFields;
  return c as unknown as JsonValue;
}

/** What upstream's freshly created empty object holds (Go's zero value of the kind). */
function zeroObject(t: TypeNode): JsonValue {
  return t.kind === 'map' ? t.zero() : {};
}

function stripMeta(managers: Managers, id: string): void {
  const e = managers.get(id);
  if (!e) return;
  const set = e.set.difference(stripSet);
  if (set.empty()) managers.delete(id);
  else managers.set(id, { ...e, set });
}

function writeManagers(obj: KubeObject, managers: Managers): void {
  if (managers.size === 0) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = encodeManagedFields(managers);
}

function isReset(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  return raw.length === 1 && isObject(raw[0]) && Object.keys(raw[0]).length === 0;
}

/** upstream's decodeLiveOrNew: the request's managedFields when it sets valid ones, else the live object's. */
function managersOf(live: KubeObject | null, next: KubeObject, subresource: string): Managers {
  const fromLive = (): Managers => {
    try {
      return decodeManagedFields(live?.metadata.managedFields);
    } catch {
      return new Map();
    }
  };
  if (subresource !== '') return fromLive();
  const raw = next.metadata.managedFields;
  if (isReset(raw)) return new Map();
  try {
    const m = decodeManagedFields(raw);
    return m.size > 0 ? m : fromLive();
  } catch {
    return fromLive();
  }
}

/**
 * Records a create, update or non-apply patch by `manager` in next.metadata.managedFields.
 * `live` is null for a create. This is the store's write hook.
 */
export function recordWrite(info: ResourceInfo, subresource: string, manager: string, live: KubeObject | null, next: KubeObject): void {
  const ctx = contextFor(info, subresource);
  const managers = managersOf(live, next, subresource);
  const self = managerId({ manager: 'current-operation', operation: 'Update', apiVersion: groupVersion(info), subresource });
  const entry: Omit<ManagerEntry, 'set'> = { manager: manager || 'unknown', operation: 'Update', apiVersion: groupVersion(info), subresource };
  const id = managerId(entry);
  try {
    recordUpdate(ctx, live ? bare(live) : zeroObject(ctx.type), bare(next), managers, self, entry);
  } catch {
    // upstream's UpdateNoErrors: a failure keeps the live object's managedFields.
    if (live?.metadata.managedFields !== undefined) next.metadata.managedFields = clone(live.metadata.managedFields);
    else delete next.metadata.managedFields;
    return;
  }
  stripMeta(managers, self);
  const taken = managers.get(self);
  if (taken) {
    managers.delete(self);
    const prev = managers.get(id);
    managers.set(id, { ...entry, set: prev ? taken.set.union(prev.set) : taken.set, time: nowTimestamp() });
  }
  capUpdateManagers(managers);
  writeManagers(next, managers);
}

export interface ApplyRequest {
  info: ResourceInfo;
  subresource: string;
  /** The stored object, or null when apply creates it. */
  live: KubeObject | null;
  /** The applied configuration as sent (parsed YAML/JSON). */
  config: unknown;
  manager: string;
  force: boolean;
}

/** Server-side apply: the object to write, with managedFields updated. Throws 400/409 as upstream. */
export function applyConfiguration(req: ApplyRequest): KubeObject {
  const { info, subresource } = req;
  const config = req.config;
  if (!isObject(config)) throw errors.badRequest('the apply configuration must be an object');
  const gv = groupVersion(info);
  // upstream's versionCheckManager, outermost in the field manager chain: the configuration's
  // group, version and kind (missing ones empty) must be the endpoint's, printed as Go's GVK.
  const apiVersion = typeof config['apiVersion'] === 'string' ? config['apiVersion'] : '';
  const kind = typeof config['kind'] === 'string' ? config['kind'] : '';
  if (apiVersion !== gv || kind !== info.kind) {
    const parts = apiVersion.split('/');
    const [group, version] = parts.length === 1 ? ['', apiVersion] : parts.length === 2 ? parts : ['', ''];
    throw errors.badRequest(`invalid object type: ${group}/${version}, Kind=${kind}`);
  }
  const meta = config['metadata'];
  if (isObject(meta) && meta['managedFields'] !== undefined && meta['managedFields'] !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const ctx = contextFor(info, subresource);
  const entry: Omit<ManagerEntry, 'set'> = { manager: req.manager, operation: 'Apply', apiVersion: gv, subresource };
  const id = managerId(entry);
  const live = req.live ? bare(req.live) : zeroObject(ctx.type);
  const attempt = (force: boolean): { next: JsonValue | null; managers: Managers } => {
    let managers: Managers;
    try {
      managers = decodeManagedFields(req.live?.metadata.managedFields);
    } catch (e) {
      throw errors.internal(`failed to decode managed fields: ${(e as Error).message}`);
    }
    const prevTime = managers.get(id)?.time;
    const e = prevTime === undefined ? entry : { ...entry, time: prevTime };
    return { next: recordApply(ctx, live, config as JsonValue, managers, id, e, force), managers };
  };
  let result: { next: JsonValue | null; managers: Managers };
  try {
    result = attempt(req.force);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    const allowed = req.manager === 'kubectl' && req.live ? allowedConflictsFromLastApplied(req.live, live, ctx.type, gv) : null;
    const remaining = allowed ? e.conflicts.filter(c => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length > 0) throw conflictError(new ConflictsError(remaining), decodeManagedFields(req.live?.metadata.managedFields));
    result = attempt(true);
  }
  const { next, managers } = result;
  stripMeta(managers, id);
  const out = (next ?? live) as unknown as KubeObject;
  if (!isObject(out.metadata)) out.metadata = {};
  if (next !== null && managers.has(id)) managers.set(id, { ...managers.get(id)!, time: nowTimestamp() });
  writeManagers(out, managers);
  syncLastApplied(out, config, req.manager);
  return out;
}

function describeManager(e: ManagerEntry | undefined, id: string): string {
  if (!e) return JSON.stringify(id);
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** upstream's NewConflictError: 409 with one FieldManagerConflict cause per field. */
function conflictError(err: ConflictsError, managers: Managers): ApiError {
  const conflicts = err.conflicts.map(c => ({ manager: describeManager(managers.get(c.managerId), c.managerId), field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${conflicts[0]!.manager}: ${conflicts[0]!.field}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const f of byManager.get(m)!) lines.push(`- ${f}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map(c => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field })),
  });
}

// The meta.k8s.io views of objects: Table (what kubectl get asks for) and
// PartialObjectMetadata[List] (metadata informers, the garbage collector). Shapes follow
// upstream's endpoints/handlers/response.go and printers/tablegenerator.go.
import { errors } from '../api/errors.js';
import type { PrintTarget, TablePrinter } from '../api/printers/index.js';
import { tablePrinter } from '../api/printers/index.js';
import type { JsonObject, JsonValue, KubeObject, ListMeta, ObjectMeta } from '../api/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';
export type MetaVersion = 'v1' | 'v1beta1';

export interface TableTarget extends PrintTarget {
  /** Overrides the built-in printer. */
  printer?: TablePrinter;
  /** A custom resource brings its own columns (ResourceInfo.custom). */
  custom?: { tablePrinter(): TablePrinter };
}

export interface TableOptions {
  includeObject: IncludeObject;
  listMeta?: ListMeta;
  now?: Date;
  /** Upstream leaves columnDefinitions null on every watch event after the first. */
  noHeaders?: boolean;
  metaVersion?: MetaVersion;
}

/** The `includeObject` query parameter (TableOptions); unset means Metadata. */
export function parseIncludeObject(v: string | null | undefined): IncludeObject {
  if (v === undefined || v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw errors.badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(v)}: must be 'Metadata', 'Object', 'None', or empty`);
}

/** ObjectMeta fields in upstream's serialization order; creationTimestamp is always present. */
const META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
] as const;

/** Go's omitempty: zero numbers, empty strings, maps and slices are left out. */
function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function partialMeta(meta: ObjectMeta): JsonObject {
  const out: JsonObject = {};
  for (const f of META_FIELDS) {
    const v = meta[f];
    if (f === 'creationTimestamp') out[f] = (v ?? null) as JsonValue;
    // A pointer upstream: zero is a value, not "unset".
    else if (f === 'deletionGracePeriodSeconds' ? v !== undefined && v !== null : !isEmptyValue(v)) out[f] = v as JsonValue;
  }
  return out;
}

/** as=PartialObjectMetadata: the object's metadata alone. */
export function toPartialObjectMetadata(o: KubeObject, metaVersion: MetaVersion = 'v1'): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${metaVersion}`, metadata: partialMeta(o.metadata) };
}

function listMetaJson(m: ListMeta | undefined): JsonObject {
  const out: JsonObject = {};
  if (m?.resourceVersion) out.resourceVersion = m.resourceVersion;
  if (m?.continue) out.continue = m.continue;
  if (m?.remainingItemCount !== undefined && m.remainingItemCount !== null) out.remainingItemCount = m.remainingItemCount;
  return out;
}

/** as=PartialObjectMetadataList. */
export function toPartialObjectMetadataList(objects: KubeObject[], listMeta: ListMeta, metaVersion: MetaVersion = 'v1'): JsonObject {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${metaVersion}`,
    metadata: listMetaJson(listMeta),
    items: objects.map(o => toPartialObjectMetadata(o, metaVersion)),
  };
}

function printerOf(target: TableTarget): TablePrinter {
  return target.printer ?? target.custom?.tablePrinter() ?? tablePrinter(target);
}

/** The Table's columnDefinitions (every column: the server always prints wide). */
export function tableColumns(target: TableTarget): JsonObject[] {
  return printerOf(target).columns.map(c => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority }));
}

function rowObject(o: KubeObject, includeObject: IncludeObject, metaVersion: MetaVersion): JsonValue {
  switch (includeObject) {
    case 'None':
      return null;
    case 'Object':
      return o as unknown as JsonObject;
    case 'Metadata':
      return toPartialObjectMetadata(o, metaVersion);
  }
}

function row(p: TablePrinter, o: KubeObject, includeObject: IncludeObject, now: Date, metaVersion: MetaVersion): JsonObject {
  const r: JsonObject = { cells: p.cells(o, { now }) };
  const conditions = p.conditions(o);
  if (conditions?.length) {
    r.conditions = conditions.map(c => {
      const out: JsonObject = { type: c.type, status: c.status };
      if (c.reason) out.reason = c.reason;
      if (c.message) out.message = c.message;
      return out;
    });
  }
  r.object = rowObject(o, includeObject, metaVersion);
  return r;
}

/** One Table row, for handlers that stream a list item by item. */
export function tableRow(target: TableTarget, o: KubeObject, includeObject: IncludeObject, now: Date = new Date()): JsonObject {
  return row(printerOf(target), o, includeObject, now, 'v1');
}

/**
 * A meta.k8s.io Table of `objects`. Its metadata is `listMeta` for a list; without one (a get,
 * or a watch event) it carries the single object's resourceVersion, as upstream does.
 */
export function toTable(target: TableTarget, objects: KubeObject[], opts: TableOptions): JsonObject {
  const p = printerOf(target);
  const now = opts.now ?? new Date();
  const metaVersion = opts.metaVersion ?? 'v1';
  const items = p.order ? [...objects].sort(p.order) : objects;
  const single = objects.length === 1 ? objects[0]!.metadata.resourceVersion : undefined;
  const metadata = opts.listMeta ? listMetaJson(opts.listMeta) : listMetaJson({ resourceVersion: single });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${metaVersion}`,
    metadata,
    columnDefinitions: opts.noHeaders ? null : tableColumns(target),
    rows: items.map(o => row(p, o, opts.includeObject, now, metaVersion)),
  };
}

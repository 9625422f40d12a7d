// Table output for custom resources: upstream's customresource tableconvertor (a Name column
// plus the version's additionalPrinterColumns, each cell found with jsonpath and typed by its
// column) and the columns the CRD handler serves when a version declares none.
import { canonicalTime } from '../api/decode/go-time.js';
import type { Cell, ColumnDefinition, PrintContext, TablePrinter } from '../api/printers/index.js';
import { since } from '../api/printers/duration.js';
import type { Obj } from '../api/printers/read.js';
import { obj, str } from '../api/printers/read.js';
import { JSONPath, printResult } from './jsonpath.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinitionVersion } from './types.js';

/** ObjectMeta's swagger descriptions, which upstream's headers carry. */
const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Served when a version has no additionalPrinterColumns (the CRD itself is not defaulted). */
const AGE_COLUMN: CustomResourceColumnDefinition = {
  name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp',
};

/** A cell of a custom resource's row: upstream leaves a cell nil when it finds no usable value. */
export type CustomResourceCell = Cell | null;

interface Column {
  type: string;
  path: JSONPath;
}

/** cellForJSONValue: the found value as the column's type, or nil when it is not of that type. */
function typedCell(type: string, value: unknown, now: Date): CustomResourceCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
    default:
      return null;
  }
}

/** metav1.Time's query-parameter parsing, then the age kubectl shows ("5m", "<unknown>"). */
function dateCell(text: string, now: Date): string {
  if (text === '' || text === 'null') return '<unknown>';
  let canonical: string;
  try {
    canonical = canonicalTime(text, false);
  } catch {
    return '<invalid>';
  }
  // The canonical form drops sub-second digits, which upstream keeps when it computes the age.
  const ms = Date.parse(text);
  return since(Number.isNaN(ms) ? canonical : new Date(ms).toISOString(), now);
}

function cell(col: Column, o: Obj, now: Date): CustomResourceCell {
  let results: unknown[][];
  try {
    results = col.path.findResults(o);
  } catch {
    return null;
  }
  const found = results[0];
  if (!found || found.length === 0) return null;
  // Only the first value counts: a path that selects several still fills one cell.
  const value = found[0];
  return col.type === 'string' ? printResult(value) : typedCell(col.type, value, now);
}

export interface CustomResourceTable {
  printer: TablePrinter;
  /** Set when a jsonPath does not parse; the printer then has the columns before that one. */
  error?: string;
}

/**
 * Upstream's tableconvertor.New: the Name column, then one per printer column. A column whose
 * jsonPath fails to parse ends the list there (upstream serves the columns it got so far).
 */
export function customResourceTable(crdColumns: readonly CustomResourceColumnDefinition[]): CustomResourceTable {
  const columns: ColumnDefinition[] = [{ name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 }];
  const paths: Column[] = [];
  let error: string | undefined;
  for (const c of crdColumns) {
    let path: JSONPath;
    try {
      path = JSONPath.parse(`{${c.jsonPath}}`, { allowMissingKeys: true });
    } catch {
      error = `unrecognized column definition ${JSON.stringify(c.jsonPath)}`;
      break;
    }
    paths.push({ type: c.type, path });
    columns.push({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    });
  }
  const cells = (o: Obj, ctx: PrintContext): CustomResourceCell[] => [
    str(obj(o.metadata).name),
    ...paths.map(p => cell(p, o, ctx.now)),
  ];
  const printer: TablePrinter = {
    columns,
    // The shared Cell type has no null; the Table writer passes cells through as JSON.
    cells: cells as (o: Obj, ctx: PrintContext) => Cell[],
    conditions: () => undefined,
  };
  return error === undefined ? { printer } : { printer, error };
}

/** The table of a custom resource version, with the Age column when it declares no columns. */
export function customResourceTablePrinter(version: CustomResourceDefinitionVersion): TablePrinter {
  const declared = version.additionalPrinterColumns ?? [];
  return customResourceTable(declared.length > 0 ? declared : [AGE_COLUMN]).printer;
}

/** The table of a version's scale subresource (autoscaling/v1 Scale objects). */
export function customResourceScaleTablePrinter(version: CustomResourceDefinitionVersion): TablePrinter {
  const scale = version.subresources?.scale;
  const cols: CustomResourceColumnDefinition[] = [];
  if (scale?.specReplicasPath) {
    cols.push({ name: 'Desired', type: 'integer', description: 'Number of desired replicas', jsonPath: '.spec.replicas' });
  }
  if (scale?.statusReplicasPath) {
    cols.push({ name: 'Available', type: 'integer', description: 'Number of actual replicas', jsonPath: '.status.replicas' });
  }
  cols.push(AGE_COLUMN);
  return customResourceTable(cols).printer;
}

// Table printing for built-in resources: the column list of a group/version/resource and the
// cells of one object in that column order.
import { admissionPrinters } from './admission.js';
import { appsPrinters } from './apps.js';
import { autoscalingPrinters } from './autoscaling.js';
import { batchPrinters } from './batch.js';
import { clusterPrinters } from './cluster.js';
import type { ColumnDefinition } from './columns.js';
import { columnsFor } from './columns.js';
import { corePrinters } from './core.js';
import { parseTimestamp, since } from './duration.js';
import { coreEventPrinter, eventsV1Printer } from './events.js';
import { networkingPrinters } from './networking.js';
import { podPrinter } from './pod.js';
import { rbacPrinters } from './rbac.js';
import type { Obj } from './read.js';
import { obj, str } from './read.js';
import { storagePrinters } from './storage.js';
import type { Cell, Cells, PrintContext, PrinterTable, ResourcePrinter, RowCondition } from './types.js';

export type { Cell, ColumnDefinition, PrintContext, ResourcePrinter, RowCondition };

const PRINTERS: PrinterTable = {
  pods: podPrinter,
  events: coreEventPrinter,
  'events.events.k8s.io': eventsV1Printer,
  ...corePrinters,
  ...appsPrinters,
  ...batchPrinters,
  ...autoscalingPrinters,
  ...rbacPrinters,
  ...networkingPrinters,
  ...storagePrinters,
  ...admissionPrinters,
  ...clusterPrinters,
};

/** Upstream's GroupResource string: "pods", "deployments.apps". */
function groupResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** RFC 3339 in UTC to the second; Go's zero time when unset. */
function createdAt(ts: unknown): string {
  const ms = parseTimestamp(ts);
  return ms === undefined ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface TablePrinter {
  readonly columns: readonly ColumnDefinition[];
  /** Cells in column order. */
  cells(o: Obj, ctx: PrintContext): Cell[];
  conditions(o: Obj): RowCondition[] | undefined;
  /** Set where upstream's list printer sorts rows. */
  readonly order?: (a: Obj, b: Obj) => number;
}

export interface PrintTarget {
  group: string;
  version: string;
  resource: string;
}

/**
 * Every cell a printer knows for `o`, by column name: the resource's own cells plus Name, Age and
 * Created At, which any object can fill from its metadata.
 */
export function printCells(group: string, resource: string, o: Obj, ctx: PrintContext): Cells {
  const meta = obj(o.metadata);
  const generic: Cells = {
    Name: str(meta.name),
    Age: since(meta.creationTimestamp, ctx.now),
    'Created At': createdAt(meta.creationTimestamp),
  };
  const printer = PRINTERS[groupResource(group, resource)];
  return printer ? { ...generic, ...printer.cells(o, ctx) } : generic;
}

const compiled = new Map<string, TablePrinter>();

/** The printer for a served built-in resource (its generated columns, or the default ones). */
export function tablePrinter(t: PrintTarget): TablePrinter {
  const key = `${t.group ? `${t.group}/` : ''}${t.version}/${t.resource}`;
  let p = compiled.get(key);
  if (!p) {
    const columns = columnsFor(key);
    const printer = PRINTERS[groupResource(t.group, t.resource)];
    const cells = (o: Obj, ctx: PrintContext): Cell[] => {
      const all = printCells(t.group, t.resource, o, ctx);
      return columns.map(c => all[c.name] ?? '');
    };
    const conditions = (o: Obj) => printer?.conditions?.(o);
    p = printer?.order ? { columns, cells, conditions, order: printer.order } : { columns, cells, conditions };
    compiled.set(key, p);
  }
  return p;
}

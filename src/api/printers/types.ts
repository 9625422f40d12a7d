// What a resource's table printer provides. Cells are keyed by column name so the column list
// (src/generated/tables.json) decides order and which columns exist.
import type { Obj } from './read.js';

export type Cell = string | number | boolean;
export type Cells = Record<string, Cell>;

export interface PrintContext {
  now: Date;
}

/** meta.k8s.io TableRowCondition (upstream marks finished pods "Completed"). */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ResourcePrinter {
  cells(o: Obj, ctx: PrintContext): Cells;
  conditions?(o: Obj): RowCondition[] | undefined;
  /** Row order for a whole list, where upstream's list printer sorts (flow schemas). */
  order?(a: Obj, b: Obj): number;
}

/** Printers by upstream's GroupResource string: "pods", "deployments.apps". */
export type PrinterTable = Record<string, ResourcePrinter>;

// Table column definitions per group/version/resource, from src/generated/tables.json (the
// columns upstream's server returns), with upstream's default columns for everything else.
import { readFileSync } from 'node:fs';
import { isObject } from '../types.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Our own short descriptions; the generated file carries none (kubectl ignores them). */
const DESCRIPTIONS: Record<string, string> = {
  Name: 'Name of the object, unique within its namespace.',
  Age: 'Time since the object was created.',
  'Created At': 'When the object was created.',
};

/** Upstream's default table: what a resource without a printer shows. */
export const DEFAULT_COLUMNS: readonly ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: DESCRIPTIONS.Name!, priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: DESCRIPTIONS['Created At']!, priority: 0 },
];

let tables: Map<string, ColumnDefinition[]> | undefined;

function column(v: unknown): ColumnDefinition {
  const c = isObject(v) ? v : {};
  const name = typeof c.name === 'string' ? c.name : '';
  return {
    name,
    type: typeof c.type === 'string' ? c.type : 'string',
    format: typeof c.format === 'string' ? c.format : '',
    description: typeof c.description === 'string' ? c.description : DESCRIPTIONS[name] ?? '',
    priority: typeof c.priority === 'number' ? c.priority : 0,
  };
}

function load(): Map<string, ColumnDefinition[]> {
  const file = new URL('../../generated/tables.json', import.meta.url);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const out = new Map<string, ColumnDefinition[]>();
  if (!isObject(parsed)) throw new Error(`${file.pathname}: expected an object`);
  for (const [key, entry] of Object.entries(parsed)) {
    const cols = isObject(entry) && Array.isArray(entry.columns) ? entry.columns.map(column) : [];
    if (cols.length) out.set(key, cols);
  }
  return out;
}

/** Every "<groupVersion>/<resource>" key the generated file has columns for. */
export function tableKeys(): string[] {
  tables ??= load();
  return [...tables.keys()];
}

/** Columns for "<groupVersion>/<resource>", e.g. "v1/pods" or "apps/v1/deployments". */
export function columnsFor(key: string): readonly ColumnDefinition[] {
  tables ??= load();
  return tables.get(key) ?? DEFAULT_COLUMNS;
}

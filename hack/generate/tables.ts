// Table columns ('kubectl get') of every served listable resource, keyed '<groupVersion>/<resource>'.
import type { ResourceInfo } from '../../src/api/resource-info.js';
import { columnChanges, promotions } from './served.js';
import type { TableInfo, Upstream } from './upstream.js';

const gv = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** The reference table of a served resource, or of the beta version it was promoted from. */
function referenceTable(upstream: Upstream, r: ResourceInfo): TableInfo | undefined {
  const own = upstream.tables[`${gv(r.group, r.version)}/${r.resource}`];
  if (own) return own;
  const p = promotions.find(x => x.group === r.group && x.to === r.version && x.resources.includes(r.resource));
  if (!p) return undefined;
  const columns = p.tables?.[r.resource];
  if (columns) return { columns, exampleRow: null };
  return upstream.tables[`${gv(r.group, p.from)}/${r.resource}`];
}

function withColumnChanges(r: ResourceInfo, t: TableInfo): TableInfo {
  const columns = t.columns.map(c => ({ ...c }));
  const exampleRow = t.exampleRow ? [...t.exampleRow] : null;
  for (const change of columnChanges) {
    if (change.resource !== `${r.group}/${r.resource}`) continue;
    const at = change.after === undefined ? columns.length : columns.findIndex(c => c.name === change.after) + 1;
    if (at === 0) throw new Error(`tables: ${change.resource} has no column ${change.after}`);
    columns.splice(at, 0, { ...change.column });
    exampleRow?.splice(at, 0, change.example);
  }
  return { columns, exampleRow };
}

export function buildTables(upstream: Upstream, catalog: ResourceInfo[]): Record<string, TableInfo> {
  const out: Record<string, TableInfo> = {};
  for (const r of catalog) {
    if (!r.verbs.includes('list')) continue;
    const t = referenceTable(upstream, r);
    if (!t) throw new Error(`tables: no columns for ${gv(r.group, r.version)}/${r.resource}`);
    out[`${gv(r.group, r.version)}/${r.resource}`] = withColumnChanges(r, t);
  }
  return out;
}

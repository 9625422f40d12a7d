// The results table of `make bench`.
import type { Rate } from './pool.js';

export interface Row {
  name: string;
  concurrency: number;
  ours: Rate;
  raw: Rate;
  /** The same work on the server's embedded sqlite backend. */
  sqlite?: Rate;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function formatTable(rows: Row[]): string {
  const withSqlite = rows.some(r => r.sqlite);
  const header = ['test', 'in flight', 'ops (ours/raw)', 'ours ops/s', 'raw etcd ops/s', 'ours/raw', 'ours p50 / p99 ms', 'raw p50 / p99 ms',
    ...(withSqlite ? ['sqlite ops/s', 'sqlite/ours', 'sqlite p50 / p99 ms'] : [])];
  const sqliteCells = (r: Row, s: Rate | undefined) => (withSqlite
    ? s ? [fmt(s.perSecond), fmt(s.perSecond / r.ours.perSecond, 2), `${fmt(s.p50Ms, 1)} / ${fmt(s.p99Ms, 1)}`] : ['', '', '']
    : []);
  const body = rows.map(r => [
    r.name,
    String(r.concurrency),
    `${r.ours.ops} / ${r.raw.ops}`,
    fmt(r.ours.perSecond),
    fmt(r.raw.perSecond),
    fmt(r.ours.perSecond / r.raw.perSecond, 2),
    `${fmt(r.ours.p50Ms, 1)} / ${fmt(r.ours.p99Ms, 1)}`,
    `${fmt(r.raw.p50Ms, 1)} / ${fmt(r.raw.p99Ms, 1)}`,
    ...sqliteCells(r, r.sqlite),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(b => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

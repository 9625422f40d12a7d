// How the server's seats are shared among priority levels (upstream's apf_controller.go and
// conc_alloc.go): each level's nominal limit is its share of the total; lendablePercent of it may
// be lent and borrowingLimitPercent of it borrowed. Every adjustment period the limits are
// re-divided by demand: each level gets a common multiple of its (smoothed) demand, clamped to
// what it may lend and borrow, the multiple chosen so the limits add up to the total.
import type { PriorityLevelConfiguration } from './types.js';

export interface LevelLimits {
  nominalCL: number;
  /** nominalCL less what may be lent. */
  minCL: number;
  /** nominalCL plus what may be borrowed. */
  maxCL: number;
}

export function levelShares(pl: PriorityLevelConfiguration): { shares: number; lendablePercent: number; borrowingLimitPercent?: number } {
  const lim = pl.spec.limited;
  if (lim) return { shares: lim.nominalConcurrencyShares ?? 30, lendablePercent: lim.lendablePercent ?? 0, ...(lim.borrowingLimitPercent !== undefined ? { borrowingLimitPercent: lim.borrowingLimitPercent } : {}) };
  return { shares: pl.spec.exempt?.nominalConcurrencyShares ?? 0, lendablePercent: pl.spec.exempt?.lendablePercent ?? 0 };
}

/** Nominal, minimum and maximum limits of every level, from the server's total seats. */
export function nominalLimits(levels: PriorityLevelConfiguration[], serverCL: number): Map<string, LevelLimits> {
  const shareSum = levels.reduce((s, pl) => s + levelShares(pl).shares, 0);
  const out = new Map<string, LevelLimits>();
  for (const pl of levels) {
    const { shares, lendablePercent, borrowingLimitPercent } = levelShares(pl);
    // Ceil, as upstream: the limits may add up to a little more than the total.
    const nominalCL = shareSum > 0 ? Math.ceil(serverCL * shares / shareSum) : 0;
    const lendable = Math.round(nominalCL * lendablePercent / 100);
    const borrowable = borrowingLimitPercent === undefined ? serverCL : Math.round(nominalCL * borrowingLimitPercent / 100);
    out.set(pl.metadata.name ?? '', { nominalCL, minCL: nominalCL - lendable, maxCL: nominalCL + borrowable });
  }
  return out;
}

export interface AllocItem { lower: number; upper: number; target: number }

/**
 * Values between each item's bounds, proportional to its target where the bounds allow, adding
 * up to `total` (or to the bounds' sum when that cannot be met).
 */
export function allocate(total: number, items: AllocItem[]): number[] {
  const at = (p: number) => items.map(it => Math.min(it.upper, Math.max(it.lower, Math.max(it.target, 0.001) * p)));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (sum(items.map(i => i.lower)) >= total) return items.map(i => i.lower);
  if (sum(items.map(i => i.upper)) <= total) return items.map(i => i.upper);
  // The sum grows monotonically with the proportion: bisect for it.
  let lo = 0;
  let hi = 1;
  while (sum(at(hi)) < total) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (sum(at(mid)) < total) lo = mid; else hi = mid;
  }
  return at(hi);
}

/** A level's seat demand smoothed as upstream: the envelope avg+stddev, decaying with a 5-minute half-life. */
export function smoothDemand(previous: number, avg: number, stdDev: number): number {
  const coefficient = 0.977;
  const envelope = avg + stdDev;
  return Math.max(envelope, coefficient * previous + (1 - coefficient) * envelope);
}

// Runs one async operation with a fixed number in flight, for a count or a duration, and
// reports the rate and latency percentiles.

export interface Rate {
  ops: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

type Op = (i: number) => Promise<void>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(concurrency: number, more: (started: number) => boolean, op: Op): Promise<Rate> {
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (more(started)) {
      const i = started++;
      const s = performance.now();
      await op(i);
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** op(0) .. op(count-1), `concurrency` at a time. */
export function runCount(concurrency: number, count: number, op: Op): Promise<Rate> {
  return run(concurrency, started => started < count, op);
}

/** op(0), op(1), ... `concurrency` at a time; none starts after `ms` have passed. */
export function runFor(concurrency: number, ms: number, op: Op): Promise<Rate> {
  const end = performance.now() + ms;
  return run(concurrency, () => performance.now() < end, op);
}

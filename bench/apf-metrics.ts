// What the server says about the APF bench's flows: its CPU time and, per FlowSchema, the
// apiserver_flowcontrol request wait and execution histograms, read from /metrics before and
// after a phase so the difference covers that phase alone.
import type { ApiClient } from './api-client.js';

export interface Histogram { count: number; sum: number; /** upper bound -> cumulative count */ buckets: Map<number, number> }
export interface ServerSample { atMs: number; cpuSeconds: number; wait: Map<string, Histogram>; execution: Map<string, Histogram> }

const WAIT = 'apiserver_flowcontrol_request_wait_duration_seconds';
const EXECUTION = 'apiserver_flowcontrol_request_execution_seconds';

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Histogram series of `name`, summed per flow_schema. */
function histograms(text: string, name: string): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  const line = new RegExp(`^${name}_(bucket|sum|count)\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(line)) {
    const labels = labelsOf(m[2]!);
    const fs = labels['flow_schema'] ?? '';
    const h = out.get(fs) ?? { count: 0, sum: 0, buckets: new Map<number, number>() };
    out.set(fs, h);
    const v = Number(m[3]);
    if (m[1] === 'sum') h.sum += v;
    else if (m[1] === 'count') h.count += v;
    else {
      const le = labels['le'] === '+Inf' ? Infinity : Number(labels['le']);
      h.buckets.set(le, (h.buckets.get(le) ?? 0) + v);
    }
  }
  return out;
}

export async function sampleServer(api: ApiClient): Promise<ServerSample> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const cpu = /^process_cpu_seconds_total (\S+)$/m.exec(text);
  if (!cpu) throw new Error('/metrics has no process_cpu_seconds_total');
  return { atMs: performance.now(), cpuSeconds: Number(cpu[1]), wait: histograms(text, WAIT), execution: histograms(text, EXECUTION) };
}

const empty: Histogram = { count: 0, sum: 0, buckets: new Map() };

function minus(a: Histogram | undefined, b: Histogram | undefined): Histogram {
  const x = a ?? empty;
  const y = b ?? empty;
  const buckets = new Map<number, number>();
  for (const [le, n] of x.buckets) buckets.set(le, n - (y.buckets.get(le) ?? 0));
  return { count: x.count - (y.count ?? 0), sum: x.sum - y.sum, buckets };
}

/** The smallest bucket bound holding at least fraction `q` of the observations. */
function quantileBound(h: Histogram, q: number): number {
  const bounds = [...h.buckets.keys()].sort((a, b) => a - b);
  for (const le of bounds) if ((h.buckets.get(le) ?? 0) >= q * h.count) return le;
  return Infinity;
}

export interface FlowPhase { requests: number; meanWaitMs: number; p99WaitBoundMs: number; waitedUnder5msPct: number; meanExecutionMs: number }
export interface PhaseReport { cpuCores: number; flows: Map<string, FlowPhase> }

/** What happened between two samples: server CPU in cores, and per FlowSchema waits and executions. */
export function phase(before: ServerSample, after: ServerSample): PhaseReport {
  const flows = new Map<string, FlowPhase>();
  for (const fs of after.wait.keys()) {
    const wait = minus(after.wait.get(fs), before.wait.get(fs));
    const exec = minus(after.execution.get(fs), before.execution.get(fs));
    if (wait.count <= 0) continue;
    flows.set(fs, {
      requests: wait.count,
      meanWaitMs: 1000 * wait.sum / wait.count,
      p99WaitBoundMs: 1000 * quantileBound(wait, 0.99),
      waitedUnder5msPct: 100 * (wait.buckets.get(0.005) ?? 0) / wait.count,
      meanExecutionMs: exec.count > 0 ? 1000 * exec.sum / exec.count : 0,
    });
  }
  return { cpuCores: (after.cpuSeconds - before.cpuSeconds) / ((after.atMs - before.atMs) / 1000), flows };
}

export function formatPhase(label: string, p: PhaseReport, flowSchemas: string[]): string[] {
  const lines = [`  server (${label}): ${p.cpuCores.toFixed(2)} cores busy`];
  for (const fs of flowSchemas) {
    const f = p.flows.get(fs);
    if (!f) continue;
    lines.push(`    ${fs}: ${f.requests} requests, wait mean ${f.meanWaitMs.toFixed(1)} ms (p99 <= ${f.p99WaitBoundMs.toFixed(0)} ms, ${f.waitedUnder5msPct.toFixed(0)}% under 5 ms), execution mean ${f.meanExecutionMs.toFixed(1)} ms`);
  }
  return lines;
}

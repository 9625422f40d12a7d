// The server's memory as its /metrics reports it (prom-client's process and Node.js collectors):
// resident set, V8 heap and the memory V8 holds outside its heap (Buffers, TLS records).
import type { ApiClient } from './api-client.js';

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Long-running requests in flight (watches, mostly): apiserver_longrunning_requests summed. */
  longRunning: number;
  /** process_cpu_seconds_total: what a GC setting costs shows here. */
  cpuSeconds: number;
  /** Each V8 heap space's used and total (reserved) bytes. */
  spaces: Record<string, { used: number; total: number }>;
}

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
  if (!m) throw new Error(`/metrics has no ${name}`);
  return Number(m[1]);
}

function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

function perSpace(text: string): MemorySample['spaces'] {
  const spaces: MemorySample['spaces'] = {};
  for (const m of text.matchAll(/^nodejs_heap_space_size_(used|total)_bytes\{space="([^"]+)"\} ([0-9.e+-]+)$/gm)) {
    const s = (spaces[m[2]!] ??= { used: 0, total: 0 });
    s[m[1] as 'used' | 'total'] = Number(m[3]);
  }
  return spaces;
}

export async function memorySample(api: ApiClient): Promise<MemorySample> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  return {
    spaces: perSpace(text),
    cpuSeconds: gauge(text, 'process_cpu_seconds_total'),
    rssBytes: gauge(text, 'process_resident_memory_bytes'),
    heapUsedBytes: gauge(text, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: gauge(text, 'nodejs_heap_size_total_bytes'),
    externalBytes: gauge(text, 'nodejs_external_memory_bytes'),
    longRunning: sumOf(text, 'apiserver_longrunning_requests'),
  };
}

export const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

export function formatSample(s: MemorySample): string {
  return `RSS ${mib(s.rssBytes)}, heap used ${mib(s.heapUsedBytes)} of ${mib(s.heapTotalBytes)}, external ${mib(s.externalBytes)}`;
}

/** Used / total MiB of each heap space with more than 1 MiB reserved. */
export function formatSpaces(s: MemorySample): string {
  const m = (b: number) => (b / 1024 / 1024).toFixed(0);
  return Object.entries(s.spaces).filter(([, v]) => v.total > 1024 * 1024).map(([k, v]) => `${k} ${m(v.used)}/${m(v.total)}`).join(', ');
}

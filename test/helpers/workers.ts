// Connections pinned to each --worker-processes worker: the primary hands new connections to the
// workers in turn, and /metrics' process_start_time_seconds tells which process answered.
import { ApiClient } from '../../bench/api-client.js';
import type { TestServer } from './server.js';

/** One keep-alive connection, so every request on it lands on the same worker. */
export interface Pinned {
  api: ApiClient;
  /** The worker's process start time as /metrics reports it: unique per process. */
  worker: string;
}

/** The worker behind a connection. */
export async function workerOf(api: ApiClient): Promise<string> {
  const text = (await api.expect(200, 'GET', '/metrics')).toString('utf8');
  const m = /^process_start_time_seconds (\S+)$/m.exec(text);
  if (!m) throw new Error('/metrics has no process_start_time_seconds');
  return m[1]!;
}

/** Opens connections until a ready one reaches each of `count` workers. */
export async function pinnedToEach(s: TestServer, count: number, timeoutMs = 60_000): Promise<Pinned[]> {
  const found = new Map<string, Pinned>();
  const deadline = Date.now() + timeoutMs;
  while (found.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${found.size} of ${count} workers answered:\n${s.logs().slice(-3000)}`);
    const api = new ApiClient(s.kubeconfig, 1);
    try {
      const ready = await api.request('GET', '/readyz');
      const worker = ready.status === 200 ? await workerOf(api) : undefined;
      if (worker !== undefined && !found.has(worker)) {
        found.set(worker, { api, worker });
        continue;
      }
    } catch {
      // a worker still starting or just restarted
    }
    api.close();
    await new Promise(r => setTimeout(r, 100));
  }
  return [...found.values()];
}

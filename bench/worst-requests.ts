// The worst single request of each kind (issue 18), each sent while /readyz is polled every 5 ms:
// the longest /readyz answer during the request bounds how long the request held the event loop.
// Run alone with `node dist/bench/worst-requests.js`; bench/run.ts prints it after its table too.
import type { TestServer } from '../test/helpers/server.js';
import { worstRequests } from '../test/helpers/worst-requests.js';

export interface WorstRow {
  name: string;
  status: number;
  expected: number;
  requestMs: number;
  /** The slowest /readyz answer while the request ran. */
  readyzMaxMs: number;
  readyzFailures: number;
}

/** Polls /readyz until stopped; resolves with the slowest answer and the count of non-200s. */
function pollReadyz(server: TestServer): { stop: () => Promise<{ maxMs: number; failures: number }> } {
  let running = true;
  let maxMs = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const r = await server.http('GET', '/readyz').catch(() => ({ status: 0 }));
      maxMs = Math.max(maxMs, performance.now() - t0);
      if (r.status !== 200) failures++;
      await new Promise(res => setTimeout(res, 5));
    }
  })();
  return { stop: async () => { running = false; await loop; return { maxMs, failures }; } };
}

export async function worstRequestBench(server: TestServer): Promise<WorstRow[]> {
  const ns = 'default';
  const name = 'worst-target';
  await server.http('POST', `/api/v1/namespaces/${ns}/configmaps`, {
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  const rows: WorstRow[] = [];
  for (const w of worstRequests(ns, name)) {
    const poll = pollReadyz(server);
    await new Promise(res => setTimeout(res, 20));
    const t0 = performance.now();
    const r = await server.http(w.method, w.path, { ...(w.body !== undefined ? { body: w.body } : {}), ...(w.headers ? { headers: w.headers } : {}) });
    const requestMs = performance.now() - t0;
    const { maxMs, failures } = await poll.stop();
    rows.push({ name: w.name, status: r.status, expected: w.status, requestMs, readyzMaxMs: maxMs, readyzFailures: failures });
  }
  return rows;
}

export function formatWorst(rows: WorstRow[]): string {
  const lines = ['worst single requests (request time includes sending the body; /readyz polled every 5 ms):'];
  lines.push(`${'request'.padEnd(44)} ${'status'.padStart(6)} ${'ms'.padStart(8)} ${'readyz max ms'.padStart(14)} ok`);
  for (const r of rows) {
    const ok = r.status === r.expected && r.readyzFailures === 0 && r.readyzMaxMs < 100;
    lines.push(`${r.name.padEnd(44)} ${String(r.status).padStart(6)} ${r.requestMs.toFixed(1).padStart(8)} ${r.readyzMaxMs.toFixed(1).padStart(14)} ${ok ? 'yes' : `NO (want ${r.expected}, readyz < 100 ms)`}`);
  }
  return lines.join('\n');
}

// Run directly: start etcd and the server, print the table, exit non-zero on a miss.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { startTestServer } = await import('../test/helpers/server.js');
  const server = await startTestServer();
  try {
    const rows = await worstRequestBench(server);
    console.log(formatWorst(rows));
    if (rows.some(r => r.status !== r.expected || r.readyzFailures > 0 || r.readyzMaxMs >= 100)) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

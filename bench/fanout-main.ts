// The fan-out rows of `make bench` alone (creates alone, 50 events to 200 watchers, creates with
// 200 watchers), BENCH_RUNS times (default 1) on one server over etcd. BENCH_CPU_PROF=<dir> starts
// the server with `node --cpu-prof` writing its profile there when it stops.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEtcd } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { fanOutBench, formatCache } from './cache-reads.js';

const runs = Number(process.env.BENCH_RUNS ?? '1');
const profDir = process.env.BENCH_CPU_PROF;
const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
const etcd = await startEtcd();
try {
  if (profDir) mkdirSync(profDir, { recursive: true });
  const server = await startTestServer(serverArgs, { etcd, ...(profDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`] } : {}) });
  const api = new ApiClient(server.kubeconfig, 64);
  try {
    for (let i = 0; i < runs; i++) {
      console.log(formatCache({ lists: [], ...await fanOutBench(api, server.kubeconfig, `bench-fan-${i}`) }));
    }
  } finally {
    api.close();
    await server.stop();
  }
} finally {
  await etcd.stop();
}

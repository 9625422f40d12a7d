// `node dist/bench/apf-main.js`: the API Priority and Fairness rows alone, on a fresh etcd.
// BENCH_SECONDS (per timed run; default 5) and BENCH_RUNS (default 1) size it.
import { startEtcd } from '../test/helpers/etcd.js';
import { apfBench, formatApf } from './apf.js';

const seconds = Number(process.env.BENCH_SECONDS || 5);
const runs = Number(process.env.BENCH_RUNS || 1);
const etcd = await startEtcd();
try {
  for (let i = 0; i < runs; i++) console.log(formatApf(await apfBench(etcd, seconds * 1000)));
} finally {
  await etcd.stop();
}

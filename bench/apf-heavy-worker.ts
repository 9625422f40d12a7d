// The APF bench's heavy flow, on its own thread: driving 80 connections from the thread that
// times the light flows would charge the client's own event-loop delay to the server.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiClient } from './api-client.js';
import { runFor, type Rate } from './pool.js';

export interface HeavyJob { kubeconfig: string; path: string; user: string; concurrency: number; timedMs: number }
export interface HeavyResult { rate: Rate; rejected: number }

const job = workerData as HeavyJob;
const api = new ApiClient(job.kubeconfig, job.concurrency);
let rejected = 0;
const rate = await runFor(job.concurrency, job.timedMs, async () => {
  const r = await api.request('GET', job.path, undefined, { 'Impersonate-User': job.user });
  if (r.status === 429) rejected++;
});
api.close();
parentPort!.postMessage({ rate, rejected } satisfies HeavyResult);

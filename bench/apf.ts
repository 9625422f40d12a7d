// The API Priority and Fairness part of `make bench`: a server with few seats (12) serves several
// light flows (users in global-default, two requests in flight each) alone, then beside one flow
// sending ten times their combined load. Fair queuing should keep the light flows' p99 latency
// within 2x of the unloaded run. LIGHT_AS=sa makes the light flows service accounts (workload-low),
// so they are isolated by level rather than by fair queuing. The heavy flow runs on a worker
// thread, so its client work does not delay the light flows' own timing.
import { Worker } from 'node:worker_threads';
import type { EtcdHandle } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import type { HeavyJob, HeavyResult } from './apf-heavy-worker.js';
import { formatPhase, phase, sampleServer, type PhaseReport } from './apf-metrics.js';
import { runFor, type Rate } from './pool.js';

const LIGHT_FLOWS = 4;
const PER_FLOW = 2;
const OVERLOAD = 10;
/** Longer than APF's 10 s borrowing period, which starts with the server. */
const WARM_UP_MS = 11_000;
const PATH = '/api/v1/namespaces/default/configmaps/apf-bench';

const asServiceAccounts = process.env.LIGHT_AS === 'sa';
/**
 * The light users' own FlowSchema in global-default, so the server's metrics tell their waits
 * from the heavy flow's (which global-default's schema takes). Flows are still one per user.
 */
const LIGHT_SCHEMA = 'apf-bench-light';
const lightSchema = {
  apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: LIGHT_SCHEMA },
  spec: {
    priorityLevelConfiguration: { name: 'global-default' }, matchingPrecedence: 9800, distinguisherMethod: { type: 'ByUser' },
    rules: [{
      subjects: Array.from({ length: LIGHT_FLOWS }, (_, i) => ({ kind: 'User', user: { name: `light-${i}` } })),
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }],
    }],
  },
};
const lightFlowSchema = asServiceAccounts ? 'service-accounts' : LIGHT_SCHEMA;

/** Light flow i: a user in global-default beside the heavy one, or (LIGHT_AS=sa) a service account in workload-low. */
function lightFlow(i: number): Record<string, string> {
  if (asServiceAccounts) return { 'Impersonate-User': `system:serviceaccount:default:light-${i}`, 'Impersonate-Group': 'system:serviceaccounts' };
  return { 'Impersonate-User': `light-${i}` };
}

export interface ApfBenchResult { unloaded: Rate; loaded: Rate; heavy: Rate; rejectedHeavy: number; unloadedServer: PhaseReport; loadedServer: PhaseReport }

export async function apfBench(etcd: EtcdHandle, timedMs: number): Promise<ApfBenchResult> {
  const server = await startTestServer(['--max-requests-inflight=8', '--max-mutating-requests-inflight=4'], { etcd });
  const api = new ApiClient(server.kubeconfig, LIGHT_FLOWS * PER_FLOW);
  try {
    // A rerun on the same etcd finds the object already there.
    const created = await api.request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'apf-bench' }, data: { k: 'v' } }));
    if (created.status !== 201 && created.status !== 409) throw new Error(`creating ${PATH}: ${created.status}`);
    const schema = await api.request('POST', '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas', JSON.stringify(lightSchema));
    if (schema.status !== 201 && schema.status !== 409) throw new Error(`creating FlowSchema ${LIGHT_SCHEMA}: ${schema.status}`);
    const as = (headers: Record<string, string>) => async () => {
      const r = await api.request('GET', PATH, undefined, headers);
      if (r.status !== 200) throw new Error(`GET as ${headers['Impersonate-User']}: ${r.status}`);
    };
    const light = (ms = timedMs) => Promise.all(Array.from({ length: LIGHT_FLOWS }, (_, i) => runFor(PER_FLOW, ms, as(lightFlow(i)))));
    const merge = (rates: Rate[]): Rate => ({
      ops: rates.reduce((s, r) => s + r.ops, 0), seconds: Math.max(...rates.map(r => r.seconds)),
      perSecond: rates.reduce((s, r) => s + r.perSecond, 0), p50Ms: Math.max(...rates.map(r => r.p50Ms)), p99Ms: Math.max(...rates.map(r => r.p99Ms)),
    });
    // Past the first borrowing adjustment, so the baseline is measured on settled seat limits.
    await light(Math.max(timedMs, WARM_UP_MS));
    const s0 = await sampleServer(api);
    const unloaded = merge(await light());
    const s1 = await sampleServer(api);
    const job: HeavyJob = { kubeconfig: server.kubeconfig, path: PATH, user: 'heavy', concurrency: OVERLOAD * LIGHT_FLOWS * PER_FLOW, timedMs };
    const [heavy, loaded] = await Promise.all([runHeavy(job), light().then(merge)]);
    const s2 = await sampleServer(api);
    return { unloaded, loaded, heavy: heavy.rate, rejectedHeavy: heavy.rejected, unloadedServer: phase(s0, s1), loadedServer: phase(s1, s2) };
  } finally {
    api.close();
    await server.stop();
  }
}

function runHeavy(job: HeavyJob): Promise<HeavyResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./apf-heavy-worker.js', import.meta.url), { workerData: job });
    w.once('message', (r: HeavyResult) => resolve(r));
    w.once('error', reject);
    w.once('exit', code => { if (code !== 0) reject(new Error(`the heavy flow's worker exited ${code}`)); });
  });
}

export function formatApf(r: ApfBenchResult): string {
  const ratio = r.loaded.p99Ms / Math.max(r.unloaded.p99Ms, 0.001);
  return [
    `API Priority and Fairness: ${LIGHT_FLOWS} light flows x ${PER_FLOW} in flight, one heavy flow at ${OVERLOAD}x their load, 12 seats`,
    `  light, alone:        ${r.unloaded.perSecond.toFixed(0)}/s  p50 ${r.unloaded.p50Ms.toFixed(1)} ms  p99 ${r.unloaded.p99Ms.toFixed(1)} ms`,
    `  light, under load:   ${r.loaded.perSecond.toFixed(0)}/s  p50 ${r.loaded.p50Ms.toFixed(1)} ms  p99 ${r.loaded.p99Ms.toFixed(1)} ms  (p99 ${ratio.toFixed(2)}x of alone: ${ratio <= 2 ? 'within' : 'OVER'} 2x)`,
    `  heavy:               ${r.heavy.perSecond.toFixed(0)}/s  p99 ${r.heavy.p99Ms.toFixed(1)} ms  429s ${r.rejectedHeavy}`,
    ...formatPhase('light alone', r.unloadedServer, [lightFlowSchema]),
    ...formatPhase('under load', r.loadedServer, [lightFlowSchema, 'global-default']),
  ].join('\n');
}

// The API Priority and Fairness part of `make bench`: a server with few seats (12) serves several
// light flows (users in global-default, two requests in flight each) alone, then beside one flow
// sending ten times their combined load. Fair queuing should keep the light flows' p99 latency
// within 2x of the unloaded run.
import type { EtcdHandle } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { runFor, type Rate } from './pool.js';

const LIGHT_FLOWS = 4;
const PER_FLOW = 2;
const OVERLOAD = 10;
const PATH = '/api/v1/namespaces/default/configmaps/apf-bench';

export interface ApfBenchResult { unloaded: Rate; loaded: Rate; heavy: Rate; rejectedHeavy: number }

export async function apfBench(etcd: EtcdHandle, timedMs: number): Promise<ApfBenchResult> {
  const server = await startTestServer(['--max-requests-inflight=8', '--max-mutating-requests-inflight=4'], { etcd });
  const api = new ApiClient(server.kubeconfig, 2 * OVERLOAD * LIGHT_FLOWS * PER_FLOW);
  try {
    await api.expect(201, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'apf-bench' }, data: { k: 'v' } }));
    const as = (user: string) => async () => {
      const r = await api.request('GET', PATH, undefined, { 'Impersonate-User': user });
      if (r.status !== 200) throw new Error(`GET as ${user}: ${r.status}`);
    };
    const light = () => Promise.all(Array.from({ length: LIGHT_FLOWS }, (_, i) => runFor(PER_FLOW, timedMs, as(`light-${i}`))));
    const merge = (rates: Rate[]): Rate => ({
      ops: rates.reduce((s, r) => s + r.ops, 0), seconds: Math.max(...rates.map(r => r.seconds)),
      perSecond: rates.reduce((s, r) => s + r.perSecond, 0), p50Ms: Math.max(...rates.map(r => r.p50Ms)), p99Ms: Math.max(...rates.map(r => r.p99Ms)),
    });
    await light();
    const unloaded = merge(await light());
    let rejectedHeavy = 0;
    const heavyOp = async () => {
      const r = await api.request('GET', PATH, undefined, { 'Impersonate-User': 'heavy' });
      if (r.status === 429) rejectedHeavy++;
    };
    const [heavy, loaded] = await Promise.all([runFor(OVERLOAD * LIGHT_FLOWS * PER_FLOW, timedMs, heavyOp), light().then(merge)]);
    return { unloaded, loaded, heavy, rejectedHeavy };
  } finally {
    api.close();
    await server.stop();
  }
}

export function formatApf(r: ApfBenchResult): string {
  const ratio = r.loaded.p99Ms / Math.max(r.unloaded.p99Ms, 0.001);
  return [
    `API Priority and Fairness: ${LIGHT_FLOWS} light flows x ${PER_FLOW} in flight, one heavy flow at ${OVERLOAD}x their load, 12 seats`,
    `  light, alone:        ${r.unloaded.perSecond.toFixed(0)}/s  p50 ${r.unloaded.p50Ms.toFixed(1)} ms  p99 ${r.unloaded.p99Ms.toFixed(1)} ms`,
    `  light, under load:   ${r.loaded.perSecond.toFixed(0)}/s  p50 ${r.loaded.p50Ms.toFixed(1)} ms  p99 ${r.loaded.p99Ms.toFixed(1)} ms  (p99 ${ratio.toFixed(2)}x of alone: ${ratio <= 2 ? 'within' : 'OVER'} 2x)`,
    `  heavy:               ${r.heavy.perSecond.toFixed(0)}/s  p99 ${r.heavy.p99Ms.toFixed(1)} ms  429s ${r.rejectedHeavy}`,
  ].join('\n');
}

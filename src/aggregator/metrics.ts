// kube-aggregator's metrics, with upstream's names and labels (kube-aggregator
// pkg/controllers/status/metrics, pkg/controllers/openapi/aggregator and discovery aggregation).
import { Counter, Gauge } from 'prom-client';
import { registers } from '../observability/metrics.js';
import { type APIService, availableCondition } from './types.js';

const unavailableGauge = new Gauge({
  name: 'aggregator_unavailable_apiservice',
  help: 'Gauge of APIServices which are marked as unavailable broken down by APIService name.',
  labelNames: ['name'] as const,
  registers,
});

const unavailableTotal = new Counter({
  name: 'aggregator_unavailable_apiservice_total',
  help: 'Counter of APIServices which are marked as unavailable broken down by APIService name and reason.',
  labelNames: ['name', 'reason'] as const,
  registers,
});

const openapiV2Regenerations = new Counter({
  name: 'aggregator_openapi_v2_regeneration_count',
  help: 'Counter of OpenAPI v2 spec regeneration count broken down by causing APIService name and reason.',
  labelNames: ['apiservice', 'reason'] as const,
  registers,
});

const openapiV2RegenerationDuration = new Gauge({
  name: 'aggregator_openapi_v2_regeneration_duration',
  help: 'Gauge of OpenAPI v2 spec regeneration duration in seconds.',
  labelNames: ['reason'] as const,
  registers,
});

const discoveryAggregations = new Counter({
  name: 'aggregator_discovery_aggregation_count_total',
  help: 'Counter of number of times discovery was aggregated',
  registers,
});

export const aggregatorMetrics = {
  /** After every availability sync: the gauge follows the state, the counter counts transitions to unavailable. */
  availability(before: APIService | undefined, after: APIService): void {
    const name = after.metadata.name ?? '';
    const now = availableCondition(after);
    unavailableGauge.set({ name }, now?.status === 'True' ? 0 : 1);
    const was = before ? availableCondition(before) : undefined;
    if (now && now.status === 'False' && was?.status !== 'False') unavailableTotal.inc({ name, reason: now.reason ?? '' });
  },
  removed(name: string): void {
    unavailableGauge.remove({ name });
  },
  openapiV2Regenerated(apiservice: string, reason: 'add' | 'update' | 'delete' | 'startup', seconds: number): void {
    openapiV2Regenerations.inc({ apiservice, reason });
    openapiV2RegenerationDuration.set({ reason }, seconds);
  },
  discoveryAggregated(): void {
    discoveryAggregations.inc();
  },
};

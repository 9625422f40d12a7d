// The apiserver_flowcontrol_* metrics, with upstream's names, labels and buckets
// (k8s.io/apiserver pkg/util/flowcontrol/metrics/metrics.go, 1.32).
import { Counter, Gauge, Histogram } from 'prom-client';
import { registers } from '../observability/metrics.js';
import type { QueueSetObserver, RejectReason } from './queueset.js';

const pfLabels = ['priority_level', 'flow_schema'] as const;
const plLabel = ['priority_level'] as const;
const durationBuckets = [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];

const gauge = (name: string, help: string, labelNames: readonly string[] = plLabel) => new Gauge({ name: `apiserver_flowcontrol_${name}`, help, labelNames, registers });

export const apfMetrics = {
  rejected: new Counter({ name: 'apiserver_flowcontrol_rejected_requests_total', help: 'Number of requests rejected by API Priority and Fairness subsystem', labelNames: [...pfLabels, 'reason'] as const, registers }),
  dispatched: new Counter({ name: 'apiserver_flowcontrol_dispatched_requests_total', help: 'Number of requests executed by API Priority and Fairness subsystem', labelNames: pfLabels, registers }),
  inQueue: gauge('current_inqueue_requests', 'Number of requests currently pending in queues of the API Priority and Fairness subsystem', pfLabels),
  executing: gauge('current_executing_requests', 'Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem', pfLabels),
  executingSeats: gauge('current_executing_seats', 'Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem', pfLabels),
  concurrencyInUse: gauge('request_concurrency_in_use', 'Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem', pfLabels),
  waitDuration: new Histogram({ name: 'apiserver_flowcontrol_request_wait_duration_seconds', help: 'Length of time a request spent waiting in its queue', labelNames: [...pfLabels, 'execute'] as const, buckets: durationBuckets, registers }),
  executionSeconds: new Histogram({ name: 'apiserver_flowcontrol_request_execution_seconds', help: 'Duration of initial stage (for a WATCH) or any (for a non-WATCH) stage of request execution in the API Priority and Fairness subsystem', labelNames: [...pfLabels, 'type'] as const, buckets: durationBuckets, registers }),
  estimatedSeats: new Histogram({ name: 'apiserver_flowcontrol_work_estimated_seats', help: 'Number of estimated seats (maximum of initial and final seats) associated with requests in API Priority and Fairness', labelNames: pfLabels, buckets: [1, 2, 4, 10], registers }),
  nominalLimit: gauge('nominal_limit_seats', 'Nominal number of execution seats configured for each priority level'),
  lowerLimit: gauge('lower_limit_seats', 'Configured lower bound on number of execution seats available to each priority level'),
  upperLimit: gauge('upper_limit_seats', 'Configured upper bound on number of execution seats available to each priority level'),
  currentLimit: gauge('current_limit_seats', 'current derived number of execution seats available to each priority level'),
  concurrencyLimit: gauge('request_concurrency_limit', 'Nominal number of execution seats configured for each priority level'),
  demandHighWatermark: gauge('demand_seats_high_watermark', 'High watermark, over last adjustment period, of demand_seats'),
  demandAverage: gauge('demand_seats_average', 'Time-weighted average, over last adjustment period, of demand_seats'),
  demandStdev: gauge('demand_seats_stdev', 'Time-weighted standard deviation, over last adjustment period, of demand_seats'),
  demandSmoothed: gauge('demand_seats_smoothed', 'Smoothed seat demands'),
  targetSeats: gauge('target_seats', 'Seat allocation targets'),
  fairFrac: gauge('seat_fair_frac', 'Fair fraction of server\'s concurrency to allocate to each priority level that can use it', []),
};

const rejectReason: Record<RejectReason, string> = { 'queue-full': 'queue-full', 'concurrency-limit': 'concurrency-limit', 'time-out': 'time-out', cancelled: 'cancelled' };

/** The QueueSet observer of one priority level, feeding the per-flow metrics. */
export function levelObserver(level: string): QueueSetObserver {
  const l = (flow_schema: string) => ({ priority_level: level, flow_schema });
  return {
    rejected: (fs, reason) => apfMetrics.rejected.inc({ ...l(fs), reason: rejectReason[reason] }),
    dispatched: (fs, waited) => {
      apfMetrics.dispatched.inc(l(fs));
      apfMetrics.waitDuration.observe({ ...l(fs), execute: 'true' }, waited);
    },
    executing: (fs, requests, seats) => {
      apfMetrics.executing.inc(l(fs), requests);
      apfMetrics.executingSeats.inc(l(fs), seats);
      apfMetrics.concurrencyInUse.inc(l(fs), seats);
    },
    waiting: (fs, delta) => apfMetrics.inQueue.inc(l(fs), delta),
  };
}

// The pods table row: readiness, the Status reason kubectl shows (init containers, waiting and
// terminated reasons, Terminating, NodeLost), restarts with the last restart's age.
import { humanDuration, parseTimestamp } from './duration.js';
import type { Obj } from './read.js';
import { arr, bool, int, obj, objs, optObj, str } from './read.js';
import type { Cells, PrintContext, ResourcePrinter, RowCondition } from './types.js';

/** Upstream's reason for pods of unreachable nodes (pkg/util/node). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

function isRestartableInit(c: Obj | undefined): boolean {
  return c !== undefined && c.restartPolicy === 'Always';
}

function conditionIs(conditions: Obj[], type: string): boolean {
  for (const c of conditions) if (c.type === type) return c.status === 'True';
  return false;
}

function hasReadyCondition(conditions: Obj[]): boolean {
  return conditions.some(c => c.type === 'Ready' && c.status === 'True');
}

function terminatedDescription(t: Obj, prefix: string): string {
  if (str(t.reason)) return `${prefix}${str(t.reason)}`;
  const signal = int(t.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${int(t.exitCode)}`;
}

/** Finish time of the container's previous run, if it has one. */
function lastTermination(status: Obj): number | undefined {
  return parseTimestamp(obj(obj(status.lastState).terminated).finishedAt);
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  return a === undefined || a < b ? b : a;
}

interface PodStatusSummary {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: number | undefined;
}

function summarize(pod: Obj): PodStatusSummary {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const conditions = objs(status.conditions);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (conditions.some(c => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map<string, Obj>();
  let total = arr(spec.containers).length;
  for (const c of objs(spec.initContainers)) {
    initSpecs.set(str(c.name), c);
    if (isRestartableInit(c)) total++;
  }

  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = obj(c.state);
    const terminated = optObj(state.terminated);
    const waiting = optObj(state.waiting);
    const restartable = isRestartableInit(initSpecs.get(str(c.name)));
    restarts += int(c.restartCount);
    lastRestart = later(lastRestart, lastTermination(c));
    if (restartable) {
      sidecarRestarts += int(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, lastTermination(c));
    }
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (restartable && bool(c.started)) {
      if (bool(c.ready)) ready++;
      continue;
    }
    if (terminated) reason = terminatedDescription(terminated, 'Init:');
    else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${arr(spec.initContainers).length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionIs(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state = obj(c.state);
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, lastTermination(c));
      const waiting = obj(state.waiting);
      const terminated = optObj(state.terminated);
      if (str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated) reason = terminatedDescription(terminated, '');
      else if (bool(c.ready) && optObj(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose containers are partly done and partly still running is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(conditions) ? 'Running' : 'NotReady';
  }

  const deleting = typeof obj(pod.metadata).deletionTimestamp === 'string';
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

function readinessGates(spec: Obj, status: Obj): string {
  const gates = objs(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = objs(status.conditions);
  let trueCount = 0;
  for (const g of gates) {
    const c = conditions.find(x => x.type === g.conditionType);
    if (c?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

/** The pod's primary IP as upstream's internal object holds it (v1 podIP wins over podIPs). */
export function podIP(status: Obj): string {
  return str(status.podIP) || str(obj(arr(status.podIPs)[0]).ip);
}

function podCells(pod: Obj, ctx: PrintContext): Cells {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const s = summarize(pod);
  let restarts = String(s.restarts);
  if (s.restarts !== 0 && s.lastRestart !== undefined) {
    restarts = `${s.restarts} (${humanDuration(ctx.now.getTime() - s.lastRestart)} ago)`;
  }
  return {
    Ready: `${s.ready}/${s.total}`,
    Status: s.reason,
    Restarts: restarts,
    IP: podIP(status) || '<none>',
    Node: str(spec.nodeName) || '<none>',
    'Nominated Node': str(status.nominatedNodeName) || '<none>',
    'Readiness Gates': readinessGates(spec, status),
  };
}

function podConditions(pod: Obj): RowCondition[] | undefined {
  switch (obj(pod.status).phase) {
    case 'Succeeded':
      return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    case 'Failed':
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    default:
      return undefined;
  }
}

export const podPrinter: ResourcePrinter = { cells: podCells, conditions: podConditions };

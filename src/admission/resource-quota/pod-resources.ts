// What a pod asks for, as upstream's resource helpers compute it (PodRequests / PodLimits):
// the sum over containers and restartable (sidecar) init containers, or the largest init
// container step if that is more, plus spec.overhead; and the pod's QoS class.
import type { KubeObject } from '../../api/types.js';
import { addQuantity, isZero, maxInto, parseList, type ResourceList } from './resources.js';

export interface Container {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  activeDeadlineSeconds?: number | null;
  priorityClassName?: string;
  affinity?: {
    podAffinity?: AffinityTerms;
    podAntiAffinity?: AffinityTerms;
  };
}

interface AffinityTerm { namespaces?: string[]; namespaceSelector?: unknown }
interface AffinityTerms {
  requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm?: AffinityTerm }[];
}

export const podSpec = (pod: KubeObject): PodSpec => (pod['spec'] ?? {}) as PodSpec;

/** addResourceList: adds every quantity of extra into list, in place. */
function addInto(list: ResourceList, extra: ResourceList): void {
  for (const [k, q] of Object.entries(extra)) list[k] = list[k] ? addQuantity(list[k], q) : q;
}

function aggregate(spec: PodSpec, pick: (c: Container) => ResourceList): ResourceList {
  const total: ResourceList = {};
  for (const c of spec.containers ?? []) addInto(total, pick(c));
  // Sidecars run beside everything after them, so each init step also carries the sidecars
  // started before it.
  const sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of spec.initContainers ?? []) {
    let step: ResourceList;
    if (c.restartPolicy === 'Always') {
      addInto(total, pick(c));
      addInto(sidecars, pick(c));
      step = sidecars;
    } else {
      step = {};
      addInto(step, pick(c));
      addInto(step, sidecars);
    }
    maxInto(initMax, step);
  }
  maxInto(total, initMax);
  return total;
}

export function podRequests(pod: KubeObject): ResourceList {
  const spec = podSpec(pod);
  const requests = aggregate(spec, c => parseList(c.resources?.requests));
  addInto(requests, parseList(spec.overhead));
  return requests;
}

export function podLimits(pod: KubeObject): ResourceList {
  const spec = podSpec(pod);
  const limits = aggregate(spec, c => parseList(c.resources?.limits));
  // Overhead counts only toward resources that already have a limit.
  for (const [k, q] of Object.entries(parseList(spec.overhead))) if (limits[k]) limits[k] = addQuantity(limits[k], q);
  return limits;
}

const QOS_RESOURCES = ['cpu', 'memory'];

/** QoS BestEffort: status.qosClass when set, else no container asks for or caps cpu or memory. */
export function isBestEffort(pod: KubeObject): boolean {
  const qos = ((pod['status'] ?? {}) as { qosClass?: string }).qosClass;
  if (qos) return qos === 'BestEffort';
  const spec = podSpec(pod);
  const sets = (c: Container) => [parseList(c.resources?.requests), parseList(c.resources?.limits)];
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
    .flatMap(sets)
    .every(list => QOS_RESOURCES.every(r => !list[r] || isZero(list[r])));
}

export function isTerminating(pod: KubeObject): boolean {
  const ads = podSpec(pod).activeDeadlineSeconds;
  return typeof ads === 'number' && ads >= 0;
}

const crossNamespace = (t: AffinityTerm | undefined) => t !== undefined && ((t.namespaces ?? []).length > 0 || (t.namespaceSelector !== undefined && t.namespaceSelector !== null));

/** Whether any pod (anti-)affinity term reaches other namespaces. */
export function usesCrossNamespacePodAffinity(pod: KubeObject): boolean {
  const affinity = podSpec(pod).affinity;
  return [affinity?.podAffinity, affinity?.podAntiAffinity].some(terms =>
    (terms?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(crossNamespace) ||
    (terms?.preferredDuringSchedulingIgnoredDuringExecution ?? []).some(w => crossNamespace(w.podAffinityTerm)));
}

// Upstream's RuntimeClass plugin: a new pod naming a RuntimeClass must find it, and takes its
// pod overhead (a different overhead in the pod is refused) and its scheduling constraints (node
// selector entries merged, a conflicting one refused; tolerations added).
import { isDeepStrictEqual } from 'node:util';
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from './plugin.js';

export type RuntimeClassGetter = (name: string) => Promise<KubeObject | null>;

interface PodSpec { runtimeClassName?: string; overhead?: Record<string, string>; nodeSelector?: Record<string, string>; tolerations?: unknown[] }
interface RuntimeClass { overhead?: { podFixed?: Record<string, string> }; scheduling?: { nodeSelector?: Record<string, string>; tolerations?: unknown[] } }

export function runtimeClass(get: RuntimeClassGetter): AdmissionPlugin {
  return {
    name: 'RuntimeClass',
    async admit(op, info, pod, _old, opts) {
      if (op !== 'create' || info.group !== '' || info.resource !== 'pods' || opts.subresource) return;
      const spec = (pod['spec'] ??= {}) as PodSpec;
      if (!spec.runtimeClassName) return;
      const forbid = (message: string) => errors.forbidden(`pods ${JSON.stringify(pod.metadata.name ?? '')} is forbidden: ${message}`, { group: '', resource: 'pods', name: pod.metadata.name ?? '' });
      const rc = (await get(spec.runtimeClassName)) as (KubeObject & RuntimeClass) | null;
      if (!rc) throw forbid(`pod rejected: RuntimeClass ${JSON.stringify(spec.runtimeClassName)} not found`);
      const podFixed = rc.overhead?.podFixed;
      if (podFixed) {
        if (spec.overhead && Object.keys(spec.overhead).length > 0 && !isDeepStrictEqual(spec.overhead, podFixed)) {
          throw forbid("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        }
        spec.overhead = { ...podFixed };
      }
      const scheduling = rc.scheduling;
      if (!scheduling) return;
      const selector = { ...(spec.nodeSelector ?? {}) };
      for (const [k, v] of Object.entries(scheduling.nodeSelector ?? {})) {
        if (selector[k] !== undefined && selector[k] !== v) {
          throw forbid(`conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${selector[k]}`);
        }
        selector[k] = v;
      }
      if (Object.keys(selector).length > 0) spec.nodeSelector = selector;
      const tolerations = [...(spec.tolerations ?? [])];
      for (const t of scheduling.tolerations ?? []) if (!tolerations.some(x => isDeepStrictEqual(x, t))) tolerations.push(t);
      if (tolerations.length > 0) spec.tolerations = tolerations;
    },
  };
}

// Upstream's Priority plugin: a new pod gets spec.priority and spec.preemptionPolicy from its
// PriorityClass (or the global default class; priority 0 and PreemptLowerPriority without one),
// an unknown class is refused, an update keeps what creation set; and only one PriorityClass may
// be the global default.
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from './plugin.js';

export type PriorityClassLister = () => Promise<KubeObject[]>;

interface PodSpec { priorityClassName?: string; priority?: number; preemptionPolicy?: string }

export function priority(list: PriorityClassLister): AdmissionPlugin {
  const forbidden = (resource: string, name: string, message: string) =>
    errors.forbidden(`${resource} ${JSON.stringify(name)} is forbidden: ${message}`, { group: resource === 'pods' ? '' : 'scheduling.k8s.io', resource: resource.split('.')[0]!, name });
  return {
    name: 'Priority',
    async admit(op, info, obj, old, opts) {
      if (info.group === 'scheduling.k8s.io' && info.resource === 'priorityclasses' && op !== 'delete') {
        if (obj['globalDefault'] !== true) return;
        const other = (await list()).find(pc => pc['globalDefault'] === true && pc.metadata.name !== obj.metadata.name);
        if (other) throw forbidden('priorityclasses.scheduling.k8s.io', obj.metadata.name ?? '', `PriorityClass ${other.metadata.name ?? ''} is already marked as default. Only one default can exist`);
        return;
      }
      if (info.group !== '' || info.resource !== 'pods' || opts.subresource || op === 'delete') return;
      const spec = (obj['spec'] ??= {}) as PodSpec;
      if (op === 'update') {
        const previous = ((old?.['spec'] ?? {}) as PodSpec);
        if (spec.priority === undefined && previous.priority !== undefined) spec.priority = previous.priority;
        if (spec.preemptionPolicy === undefined && previous.preemptionPolicy !== undefined) spec.preemptionPolicy = previous.preemptionPolicy;
        return;
      }
      const classes = await list();
      let value = 0;
      let policy: string | undefined = 'PreemptLowerPriority';
      if (!spec.priorityClassName) {
        // The global default with the highest value, as upstream picks among several.
        const def = classes.filter(pc => pc['globalDefault'] === true).sort((a, b) => Number(b['value'] ?? 0) - Number(a['value'] ?? 0))[0];
        if (def) {
          spec.priorityClassName = def.metadata.name ?? '';
          value = Number(def['value'] ?? 0);
          policy = def['preemptionPolicy'] as string | undefined;
        }
      } else {
        const pc = classes.find(c => c.metadata.name === spec.priorityClassName);
        if (!pc) throw forbidden('pods', obj.metadata.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
        value = Number(pc['value'] ?? 0);
        policy = pc['preemptionPolicy'] as string | undefined;
      }
      if (spec.priority !== undefined && spec.priority !== value) {
        throw forbidden('pods', obj.metadata.name ?? '', `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
      }
      spec.priority = value;
      if (policy !== undefined) {
        if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
          throw forbidden('pods', obj.metadata.name ?? '', `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
        }
        spec.preemptionPolicy = policy;
      }
    },
  };
}

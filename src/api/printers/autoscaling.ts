// HorizontalPodAutoscaler rows, for autoscaling/v1 and v2 objects alike (upstream prints both
// from its internal type, which is v2-shaped).
import { formatQuantity } from './quantity.js';
import type { Obj } from './read.js';
import { int, obj, objs, optInt, optObj, str } from './read.js';
import type { PrinterTable } from './types.js';

/** A metric spec/status pair the way upstream's internal object holds it. */
interface Metrics {
  specs: Obj[];
  statuses: Obj[];
}

const cpuUtilization = (percent: number, key: 'target' | 'current'): Obj =>
  ({ type: 'Resource', resource: { name: 'cpu', [key]: { averageUtilization: percent } } });

/** v1 has a CPU percentage only; v2 lists metrics. Without any, upstream defaults to 80% CPU. */
function metricsOf(o: Obj): Metrics {
  const spec = obj(o.spec);
  const status = obj(o.status);
  if (Array.isArray(spec.metrics)) {
    const specs = objs(spec.metrics);
    return { specs: specs.length ? specs : [cpuUtilization(80, 'target')], statuses: objs(status.currentMetrics) };
  }
  const current = optInt(status.currentCPUUtilizationPercentage);
  return {
    specs: [cpuUtilization(optInt(spec.targetCPUUtilizationPercentage) ?? 80, 'target')],
    statuses: current === undefined ? [] : [cpuUtilization(current, 'current')],
  };
}

/** A *resource.Quantity's String(); nil prints as "<nil>". */
function q(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : formatQuantity(v);
}

const percent = (v: unknown) => `${int(v)}%`;

function describe(spec: Obj, status: Obj | undefined): string {
  const source = (o: Obj | undefined, key: string) => (o ? optObj(o[key]) : undefined);
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target = obj(obj(spec[key]).target);
      const current = source(status, key);
      if (target.averageValue != null) {
        const cur = current && obj(current.current).averageValue != null ? q(obj(current.current).averageValue) : '<unknown>';
        return `${cur}/${q(target.averageValue)} (avg)`;
      }
      return `${current ? q(obj(current.current).value) : '<unknown>'}/${q(target.value)}`;
    }
    case 'Pods': {
      const current = source(status, 'pods');
      return `${current ? q(obj(current.current).averageValue) : '<unknown>'}/${q(obj(obj(spec.pods).target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const s = obj(spec[key]);
      const target = obj(s.target);
      const current = source(status, key);
      if (target.averageValue != null) {
        return `${str(s.name)}: ${current ? q(obj(current.current).averageValue) : '<unknown>'}/${q(target.averageValue)}`;
      }
      const cur = current && obj(current.current).averageUtilization != null ? percent(obj(current.current).averageUtilization) : '<unknown>';
      const tgt = target.averageUtilization != null ? percent(target.averageUtilization) : '<auto>';
      return `${str(s.name)}: ${cur}/${tgt}`;
    }
    default:
      return '<unknown type>';
  }
}

/** Up to two metrics as "current/target", then " + N more..." (formatHPAMetrics). */
function targets(m: Metrics): string {
  if (m.specs.length === 0) return '<none>';
  const list = m.specs.map((spec, i) => describe(spec, m.statuses[i]));
  const max = 2;
  const ret = list.slice(0, max).join(', ');
  return list.length > max ? `${ret} + ${list.length - max} more...` : ret;
}

export const autoscalingPrinters: PrinterTable = {
  'horizontalpodautoscalers.autoscaling': {
    cells: o => {
      const spec = obj(o.spec);
      const ref = obj(spec.scaleTargetRef);
      return {
        Reference: `${str(ref.kind)}/${str(ref.name)}`,
        Targets: targets(metricsOf(o)),
        // minReplicas defaults to 1.
        MinPods: String(optInt(spec.minReplicas) ?? 1),
        MaxPods: int(spec.maxReplicas),
        Replicas: int(obj(o.status).currentReplicas),
      };
    },
  },
};

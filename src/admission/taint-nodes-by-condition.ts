// Upstream's TaintNodesByCondition plugin: a Node is created with the not-ready NoSchedule taint,
// which the node lifecycle controller removes once the node reports Ready, so nothing is
// scheduled onto a node before it is known to work.
import type { AdmissionPlugin } from './plugin.js';

interface Taint { key?: string; effect?: string }

export const taintNodesByCondition: AdmissionPlugin = {
  name: 'TaintNodesByCondition',
  async admit(op, info, node, _old, opts) {
    if (op !== 'create' || info.group !== '' || info.resource !== 'nodes' || opts.subresource) return;
    const spec = (node['spec'] ??= {}) as { taints?: Taint[] };
    const taints = spec.taints ?? [];
    if (taints.some(t => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) return;
    spec.taints = [...taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  },
};

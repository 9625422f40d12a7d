// Upstream's DefaultTolerationSeconds plugin: a pod that does not tolerate the not-ready and
// unreachable NoExecute taints gets tolerations for them, so a node failure evicts it after
// --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds, not at once.
import type { AdmissionPlugin } from './plugin.js';

interface Toleration { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }

export function defaultTolerationSeconds(notReadySeconds: number, unreachableSeconds: number): AdmissionPlugin {
  const tolerates = (list: Toleration[], key: string) =>
    list.some(t => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  return {
    name: 'DefaultTolerationSeconds',
    async admit(op, info, pod, _old, opts) {
      if (op === 'delete' || info.group !== '' || info.resource !== 'pods' || opts.subresource) return;
      const spec = (pod['spec'] ??= {}) as { tolerations?: Toleration[] };
      const list = spec.tolerations ?? [];
      const added: Toleration[] = [];
      if (!tolerates(list, 'node.kubernetes.io/not-ready')) added.push({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReadySeconds });
      if (!tolerates(list, 'node.kubernetes.io/unreachable')) added.push({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableSeconds });
      if (added.length > 0) spec.tolerations = [...list, ...added];
    },
  };
}

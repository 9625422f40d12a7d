// Upstream's DefaultStorageClass and DefaultIngressClass plugins: a new PVC without
// spec.storageClassName, or Ingress without spec.ingressClassName (and without the legacy
// kubernetes.io/ingress.class annotation), gets the class annotated as the default; with several
// defaults the newest wins, as upstream (1.26+) picks.
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from './plugin.js';

export type ClassLister = () => Promise<KubeObject[]>;

/** The newest class whose annotation says it is the default (name breaks ties). */
export function defaultClass(classes: KubeObject[], annotations: string[]): KubeObject | undefined {
  const defaults = classes.filter(c => annotations.some(a => c.metadata.annotations?.[a] === 'true'));
  defaults.sort((a, b) => Date.parse(b.metadata.creationTimestamp ?? '') - Date.parse(a.metadata.creationTimestamp ?? '')
    || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return defaults[0];
}

export function defaultStorageClass(list: ClassLister): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit(op, info, pvc, _old, opts) {
      if (op !== 'create' || info.group !== '' || info.resource !== 'persistentvolumeclaims' || opts.subresource) return;
      const spec = (pvc['spec'] ??= {}) as { storageClassName?: string | null };
      // An explicit "" asks for no class at all.
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      const found = defaultClass(await list(), ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class']);
      if (found) spec.storageClassName = found.metadata.name ?? '';
    },
  };
}

export function defaultIngressClass(list: ClassLister): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    async admit(op, info, ingress, _old, opts) {
      if (op !== 'create' || info.group !== 'networking.k8s.io' || info.resource !== 'ingresses' || opts.subresource) return;
      const spec = (ingress['spec'] ??= {}) as { ingressClassName?: string | null };
      if (spec.ingressClassName || ingress.metadata.annotations?.['kubernetes.io/ingress.class'] !== undefined) return;
      const found = defaultClass(await list(), ['ingressclass.kubernetes.io/is-default-class']);
      if (found) spec.ingressClassName = found.metadata.name ?? '';
    },
  };
}

// Upstream's StorageObjectInUseProtection plugin: new PVCs and PVs carry the protection
// finalizer, so deleting one that a pod still uses waits until kube-controller-manager's
// protection controllers find it unused.
import type { AdmissionPlugin } from './plugin.js';

const FINALIZERS: Record<string, string> = {
  persistentvolumeclaims: 'kubernetes.io/pvc-protection',
  persistentvolumes: 'kubernetes.io/pv-protection',
};

export const storageObjectInUseProtection: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  async admit(op, info, obj, _old, opts) {
    const finalizer = info.group === '' ? FINALIZERS[info.resource] : undefined;
    if (op !== 'create' || !finalizer || opts.subresource) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
  },
};

// Upstream's PVC quota evaluator: persistentvolumeclaims, requests.storage and count/
// persistentvolumeclaims, and the same per storage class as
// <class>.storageclass.storage.k8s.io/persistentvolumeclaims and .../requests.storage.
import type { KubeObject } from '../../api/types.js';
import { compareQuantity, type Quantity } from '../../api/decode/quantity.js';
import { objectCountName, unscopedEvaluator, type QuotaEvaluator } from './evaluator.js';
import { count, parseList, roundUpToWhole, type ResourceList } from './resources.js';

const PVC_COUNT = objectCountName('', 'persistentvolumeclaims');
const PVC_RESOURCES = ['persistentvolumeclaims', 'requests.storage'];
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

interface PvcSpec { storageClassName?: string | null; resources?: { requests?: Record<string, string> } }

/** The beta annotation still wins over spec.storageClassName, as upstream. */
function storageClassOf(pvc: KubeObject): string {
  const annotated = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (annotated !== undefined) return annotated;
  return ((pvc['spec'] ?? {}) as PvcSpec).storageClassName ?? '';
}

/** The requested size in whole bytes; an allocation beyond it (a resize in progress) counts instead. */
function storageUsage(pvc: KubeObject): Quantity | undefined {
  const requested = parseList(((pvc['spec'] ?? {}) as PvcSpec).resources?.requests)['storage'];
  if (!requested) return undefined;
  const rounded = roundUpToWhole(requested);
  const allocated = parseList(((pvc['status'] ?? {}) as { allocatedResources?: unknown }).allocatedResources)['storage'];
  return allocated && compareQuantity(allocated, rounded) > 0 ? roundUpToWhole(allocated) : rounded;
}

export function pvcUsage(pvc: KubeObject): ResourceList {
  const usage: ResourceList = { persistentvolumeclaims: count(1), [PVC_COUNT]: count(1) };
  const storageClass = storageClassOf(pvc);
  if (storageClass) usage[`${storageClass}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = count(1);
  const storage = storageUsage(pvc);
  if (storage) {
    usage['requests.storage'] = storage;
    if (storageClass) usage[`${storageClass}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
  }
  return usage;
}

export function persistentVolumeClaimEvaluator(): QuotaEvaluator {
  const matchingResources = (input: string[]) => input.filter(r =>
    r === PVC_COUNT || PVC_RESOURCES.includes(r) || PVC_RESOURCES.some(p => r.endsWith(STORAGE_CLASS_SUFFIX + p)));
  return unscopedEvaluator({
    group: '',
    resource: 'persistentvolumeclaims',
    // A status write can change the allocated size; anything else there charges nothing.
    handles: a => (a.subresource === '' || a.subresource === 'status') && (a.operation === 'create' || a.operation === 'update'),
    matchingResources,
    usage: pvcUsage,
  });
}

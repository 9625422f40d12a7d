// Writes through a built-in resource's /status subresource: what each upstream status strategy's
// PrepareForUpdate takes from the stored object (pkg/registry/*/*/strategy.go). Most keep the
// client's metadata changes and reset only spec; a few reset metadata too.
import { nowTimestamp } from '../registry/meta.js';
import type { KubeObject, ObjectMeta } from './types.js';

type Fields = Record<string, unknown>;
type MetaKey = 'labels' | 'annotations' | 'finalizers' | 'ownerReferences';

/** What a status write takes from the stored object besides spec. */
interface StatusReset {
  /** metadata fields kept as stored. */
  meta?: readonly MetaKey[];
  /** Every metadata field but managedFields kept as stored (flowcontrol's status strategies). */
  allMeta?: boolean;
  /** Type-specific changes after the resets. */
  extra?: (next: KubeObject, current: KubeObject) => void;
}

// apimachinery's metav1.ResetObjectMetaForStatus (deletionTimestamp and generation the store keeps anyway).
const RESET_OBJECT_META_FOR_STATUS: readonly MetaKey[] = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

/** pkg/registry/core/pod: old kubelets corrupt ownerReferences; qosClass is set once at create. */
function podStatusExtra(next: KubeObject, current: KubeObject): void {
  const status = (next['status'] ?? {}) as Fields;
  const oldQOS = ((current['status'] ?? {}) as Fields)['qosClass'];
  if ((status['qosClass'] === undefined || status['qosClass'] === '') && oldQOS !== undefined) {
    next['status'] = { ...status, qosClass: oldQOS };
  }
}

/** pkg/registry/certificates: approval conditions change only through /approval. */
function csrStatusExtra(next: KubeObject, current: KubeObject): void {
  const status = { ...((next['status'] ?? {}) as Fields) };
  const conditions = ((current['status'] ?? {}) as Fields)['conditions'];
  if (conditions === undefined) delete status['conditions'];
  else status['conditions'] = structuredClone(conditions);
  next['status'] = status;
}

/**
 * pkg/registry/core/persistentvolume (PersistentVolumeLastPhaseTransitionTime, GA in 1.31): a
 * phase change the client did not time is stamped now; an unchanged phase keeps its time.
 */
function pvStatusExtra(next: KubeObject, current: KubeObject): void {
  const status = { ...((next['status'] ?? {}) as Fields) };
  const old = (current['status'] ?? {}) as Fields;
  const time = status['lastPhaseTransitionTime'];
  if (status['phase'] === old['phase']) {
    if (time === undefined && old['lastPhaseTransitionTime'] !== undefined) status['lastPhaseTransitionTime'] = old['lastPhaseTransitionTime'];
  } else if (time === undefined || time === old['lastPhaseTransitionTime']) {
    status['lastPhaseTransitionTime'] = nowTimestamp();
  }
  next['status'] = status;
}

const RESETS: Record<string, StatusReset> = {
  'persistentvolumes.': { extra: pvStatusExtra },
  'deployments.apps': { meta: ['labels'] },
  'pods.': { meta: ['ownerReferences'], extra: podStatusExtra },
  'certificatesigningrequests.certificates.k8s.io': { extra: csrStatusExtra },
  'apiservices.apiregistration.k8s.io': { meta: ['labels', 'annotations', 'finalizers', 'ownerReferences'] },
  'volumeattachments.storage.k8s.io': { meta: RESET_OBJECT_META_FOR_STATUS },
  'validatingadmissionpolicies.admissionregistration.k8s.io': { meta: RESET_OBJECT_META_FOR_STATUS },
  'flowschemas.flowcontrol.apiserver.k8s.io': { allMeta: true },
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': { allMeta: true },
  // The CRD status strategy calls ResetObjectMetaForStatus with the new object twice: a no-op upstream.
};

function keepAs<K extends keyof ObjectMeta>(next: ObjectMeta, current: ObjectMeta, key: K): void {
  if (current[key] === undefined) delete next[key];
  else next[key] = structuredClone(current[key]);
}

/**
 * The object a status write stores for the built-in resource `key` (`<resource>.<group>`):
 * the desired object with spec (and what the resource's status strategy resets) as stored.
 * The store then keeps identity, timestamps and generation as for any update.
 */
export function builtinStatusUpdate(key: string): (desired: KubeObject, current: KubeObject) => KubeObject {
  const reset = RESETS[key] ?? {};
  return (desired, current) => {
    const next = structuredClone(desired);
    if (current['spec'] === undefined) delete next['spec'];
    else next['spec'] = structuredClone(current['spec']);
    if (reset.allMeta) {
      const managedFields = next.metadata.managedFields;
      next.metadata = structuredClone(current.metadata);
      if (managedFields === undefined) delete next.metadata.managedFields;
      else next.metadata.managedFields = managedFields;
    }
    for (const k of reset.meta ?? []) keepAs(next.metadata, current.metadata, k);
    reset.extra?.(next, current);
    return next;
  };
}

/** GetResetFields of the status strategies that reset more than spec: fields a status write never owns. */
const RESET_FIELDS: Record<string, string[][]> = {
  'deployments.apps': [['spec'], ['metadata', 'labels']],
  'pods.': [['spec'], ['metadata', 'deletionTimestamp'], ['metadata', 'ownerReferences']],
  'certificatesigningrequests.certificates.k8s.io': [['spec'], ['status', 'conditions']],
  'apiservices.apiregistration.k8s.io': [['spec'], ['metadata']],
  'volumeattachments.storage.k8s.io': [['metadata'], ['spec']],
  'validatingadmissionpolicies.admissionregistration.k8s.io': [['spec'], ['metadata']],
  'flowschemas.flowcontrol.apiserver.k8s.io': [['metadata'], ['spec']],
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': [['metadata'], ['spec']],
};

/** The field paths a write through `<resource>.<group>`/status leaves to others (spec for most). */
export function statusResetFields(key: string): string[][] {
  return RESET_FIELDS[key] ?? [['spec']];
}

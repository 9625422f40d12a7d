// Conversion between the version a resource is served at and the one upstream stores it at, so
// that what we write to etcd is what an upstream kube-apiserver (--storage-media-type=
// application/json) writes and reads. Three served versions differ from their storage version:
// events.k8s.io/v1 Events (stored as core v1 Events), autoscaling/v1 HorizontalPodAutoscalers
// (stored as v2) and apiextensions.k8s.io/v1 CustomResourceDefinitions (stored as v1beta1).
//
// Results are new objects with a new metadata; nested values the conversion does not touch may
// be shared with the input, which is never modified.
import type { ResourceInfo } from '../resource-info.js';
import { groupVersion } from '../resource-info.js';
import type { KubeObject } from '../types.js';
import { crdV1beta1ToV1, crdV1ToV1beta1 } from './crd.js';
import { coreToEventsV1, eventsV1ToCore } from './events.js';
import { hpaV1ToV2, hpaV2Normalized, hpaV2ToV1 } from './hpa.js';

type Convert = (obj: KubeObject) => KubeObject;

const key = (kind: string, from: string, to: string) => `${kind} ${from} -> ${to}`;

/** Both directions of each pair, so a value stored at an older version reads too. */
const conversions = new Map<string, Convert>([
  [key('Event', 'events.k8s.io/v1', 'v1'), eventsV1ToCore],
  [key('Event', 'v1', 'events.k8s.io/v1'), coreToEventsV1],
  // Upstream stored HPAs as autoscaling/v1 before 1.27; such values are still in etcd until rewritten.
  [key('HorizontalPodAutoscaler', 'autoscaling/v1', 'autoscaling/v2'), hpaV1ToV2],
  [key('HorizontalPodAutoscaler', 'autoscaling/v2', 'autoscaling/v1'), hpaV2ToV1],
  [key('CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'), crdV1ToV1beta1],
  [key('CustomResourceDefinition', 'apiextensions.k8s.io/v1beta1', 'apiextensions.k8s.io/v1'), crdV1beta1ToV1],
]);

function storageGroupVersion(info: ResourceInfo): string {
  return groupVersion({ group: info.storageGroup ?? info.group, version: info.storageVersion });
}

/** The same version: a copy with apiVersion/kind set (autoscaling/v2 HPAs lose the round-trip annotations, as upstream's do). */
function sameVersion(kind: string, gv: string, obj: KubeObject): KubeObject {
  const copy = kind === 'HorizontalPodAutoscaler' && gv === 'autoscaling/v2' ? hpaV2Normalized(obj) : { ...obj, metadata: { ...obj.metadata } };
  return { ...copy, apiVersion: gv, kind };
}

function convert(kind: string, from: string, to: string, obj: KubeObject): KubeObject {
  if (from === to) return sameVersion(kind, to, obj);
  const fn = conversions.get(key(kind, from, to));
  if (!fn) throw new Error(`no conversion of ${kind} from ${from} to ${to}`);
  return fn(obj);
}

/** An object served at `from` as served at `to`, another served version of the same resource. Pure. */
export function convertServed(from: ResourceInfo, to: ResourceInfo, obj: KubeObject): KubeObject {
  return convert(to.kind, groupVersion(from), groupVersion(to), obj);
}

/** True when info's served version differs from its storage version (no work otherwise). */
export function needsConversion(info: ResourceInfo): boolean {
  return (info.storageGroup ?? info.group) !== info.group || info.storageVersion !== info.version;
}

/** The object as it is stored (storage group/version's apiVersion and kind set). Pure: returns a new object. */
export function toStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
  return convert(info.kind, groupVersion(info), storageGroupVersion(info), obj);
}

/**
 * The stored object as served at info's group/version (apiVersion/kind set). Pure. The value's
 * own apiVersion says what it was stored as (an older upstream may have written another version
 * than today's storage version); without one it is taken to be the storage version. A version
 * no conversion is known from is relabeled as it is, which fits the shape-compatible version
 * bumps such older values come from.
 */
export function fromStorage(info: ResourceInfo, stored: KubeObject): KubeObject {
  const storage = storageGroupVersion(info);
  const served = groupVersion(info);
  const recorded = typeof stored.apiVersion === 'string' && stored.apiVersion !== '' ? stored.apiVersion : storage;
  if (recorded !== storage && recorded !== served && !conversions.has(key(info.kind, recorded, served))) return sameVersion(info.kind, served, stored);
  return convert(info.kind, recorded, served, stored);
}

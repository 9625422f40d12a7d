// Volume checks: no hostPath at baseline; at restricted only the core ephemeral and claim-backed
// volume types (policy/check_hostPathVolumes.go, check_restrictedVolumes.go).
import { v1 } from '../api.js';
import { ALLOWED, forbidden, joinQuote, pluralize, sortedSet, type Check, type PodSpec, type Volume } from './types.js';

const HOST_PATH_ID = 'hostPathVolumes';

const set = (v: Volume, key: string) => v[key] !== undefined && v[key] !== null;

function hostPathVolumes(_meta: unknown, spec: PodSpec) {
  const bad = (spec.volumes ?? []).filter(v => set(v, 'hostPath')).map(v => v.name ?? '');
  return bad.length > 0 ? forbidden('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : ALLOWED;
}

const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

// Checked in upstream's order: the first source set names the volume's type.
const RESTRICTED_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
];

function restrictedVolumes(_meta: unknown, spec: PodSpec) {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of spec.volumes ?? []) {
    if (ALLOWED_SOURCES.some(k => set(v, k))) continue;
    bad.push(v.name ?? '');
    // 1.32's image volumes, like any source upstream did not list, are "unknown".
    types.push(RESTRICTED_SOURCES.find(k => set(v, k)) ?? 'unknown');
  }
  if (bad.length === 0) return ALLOWED;
  const distinct = sortedSet(types);
  return forbidden('restricted volume types',
    `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`);
}

export const volumeChecks: Check[] = [
  { id: HOST_PATH_ID, level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: hostPathVolumes }] },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minimumVersion: v1(0), checkPod: restrictedVolumes, overrides: [HOST_PATH_ID] }] },
];

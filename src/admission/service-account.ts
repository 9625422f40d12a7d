// Upstream's ServiceAccount admission plugin, for pod creation: the pod runs as "default" unless it
// names a service account, which must exist; unless automounting is switched off (pod first, then
// service account) every container gets the projected kube-api-access-<random> volume (a bound
// token, the cluster CA from kube-root-ca.crt, the namespace) at
// /var/run/secrets/kubernetes.io/serviceaccount; the service account's imagePullSecrets are
// copied when the pod has none. Mirror pods may not reference service accounts or secrets.
import { randomInt } from 'node:crypto';
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionPlugin } from './plugin.js';
import { MIRROR_POD_ANNOTATION, podReferences, projectedSources } from './pod-references.js';

export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';

/** Reads a service account; null when it does not exist. */
export type ServiceAccountGetter = (namespace: string, name: string) => Promise<KubeObject | null>;

type Fields = Record<string, unknown>;
interface Container { volumeMounts?: { mountPath?: string }[] }

/** The volume upstream's TokenVolumeSource builds, with its defaults written out. */
export function tokenVolume(name: string): Fields {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** upstream's SimpleNameGenerator suffix: five characters without vowels or look-alikes. */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function mountToken(spec: Fields): void {
  const volumes = ((spec['volumes'] ??= []) as Fields[]);
  const existing = volumes.find(v => typeof v['name'] === 'string' && v['name'].startsWith(VOLUME_PREFIX));
  const volumeName = (existing?.['name'] as string | undefined) ?? `${VOLUME_PREFIX}${randomSuffix()}`;
  let needed = false;
  for (const list of ['initContainers', 'containers']) {
    for (const c of (spec[list] ?? []) as Container[]) {
      const mounts = (c.volumeMounts ??= []) as Fields[];
      // A mount at the token path already (a user's own) keeps the token out of that container.
      if (mounts.some(m => m['mountPath'] === TOKEN_MOUNT_PATH)) continue;
      mounts.push({ name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH });
      needed = true;
    }
  }
  if (!existing && needed) volumes.push(tokenVolume(volumeName));
  if (volumes.length === 0) delete spec['volumes'];
}

function usesTokenProjection(spec: Fields): boolean {
  return projectedSources(spec).some(s => s['serviceAccountToken'] !== undefined);
}

export function serviceAccountAdmission(getServiceAccount: ServiceAccountGetter): AdmissionPlugin {
  const forbidden = (pod: KubeObject, message: string) =>
    errors.forbidden(`pods ${JSON.stringify(pod.metadata.name ?? '')} is forbidden: ${message}`, { group: '', resource: 'pods', name: pod.metadata.name ?? '' });

  /** The service account, looked up again a few times for "default", which a controller creates. */
  const lookUp = async (pod: KubeObject, namespace: string, name: string): Promise<KubeObject> => {
    const attempts = name === 'default' ? 10 : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise(r => setTimeout(r, 100 + randomInt(100)));
      const sa = await getServiceAccount(namespace, name);
      if (sa) return sa;
    }
    throw forbidden(pod, `error looking up service account ${namespace}/${name}: serviceaccount ${JSON.stringify(name)} not found`);
  };

  return {
    name: 'ServiceAccount',
    async admit(op, info, pod, _old, opts) {
      if (op !== 'create' || info.group !== '' || info.resource !== 'pods' || opts.subresource) return;
      const spec = (pod['spec'] ??= {}) as Fields;
      const namespace = pod.metadata.namespace ?? '';
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
        if (spec['serviceAccountName']) throw forbidden(pod, 'a mirror pod may not reference service accounts');
        if (podReferences(spec, 'secrets')) throw forbidden(pod, 'a mirror pod may not reference secrets');
        if (usesTokenProjection(spec)) throw forbidden(pod, 'a mirror pod may not use ServiceAccountToken volume projections');
        return;
      }
      // v1 carries the name twice (serviceAccount is the deprecated copy), as upstream's conversion does.
      spec['serviceAccountName'] ||= spec['serviceAccount'] || 'default';
      spec['serviceAccount'] = spec['serviceAccountName'];
      const sa = await lookUp(pod, namespace, spec['serviceAccountName'] as string);
      const automount = (spec['automountServiceAccountToken'] as boolean | undefined) ?? (sa['automountServiceAccountToken'] as boolean | undefined) ?? true;
      if (automount) mountToken(spec);
      const pullSecrets = (sa['imagePullSecrets'] ?? []) as { name?: string }[];
      if (((spec['imagePullSecrets'] ?? []) as unknown[]).length === 0 && pullSecrets.length > 0) {
        spec['imagePullSecrets'] = pullSecrets.map(s => ({ name: s.name }));
      }
    },
  };
}

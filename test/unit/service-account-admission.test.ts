import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceAccountAdmission, TOKEN_MOUNT_PATH, tokenVolume } from '../../src/admission/service-account.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import type { KubeObject } from '../../src/api/types.js';
import { isApiError } from '../../src/api/errors.js';

const pods = builtinCatalog().lookup('', 'v1', 'pods')!;
const accounts: Record<string, KubeObject> = {
  'default/default': { metadata: { name: 'default', namespace: 'default' } } as KubeObject,
  'default/builder': { metadata: { name: 'builder', namespace: 'default' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry' }] } as KubeObject,
};
const plugin = serviceAccountAdmission(async (ns, name) => accounts[`${ns}/${name}`] ?? null);
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec }) as KubeObject;
const admit = (p: KubeObject) => plugin.admit!('create', pods, p, null, { dryRun: false });

test('defaults to the "default" account and mounts the projected token into every container', async () => {
  const p = pod({ initContainers: [{ name: 'init', image: 'x' }], containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', volumeMounts: [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }] }] });
  await admit(p);
  const spec = p['spec'] as { serviceAccountName: string; serviceAccount: string; volumes: { name: string }[]; initContainers: { volumeMounts: unknown[] }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[] };
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.equal(spec.volumes.length, 1);
  const name = spec.volumes[0]!.name;
  assert.match(name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(spec.volumes[0], tokenVolume(name));
  assert.deepEqual(spec.initContainers[0]!.volumeMounts, [{ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
  assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
  assert.deepEqual(spec.containers[1]!.volumeMounts, [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }], 'a mount of its own at the path keeps the token out');
});

test('automount: the pod\'s choice beats the account\'s; pull secrets come from the account', async () => {
  const off = pod({ serviceAccountName: 'builder', containers: [{ name: 'a', image: 'x' }] });
  await admit(off);
  assert.equal((off['spec'] as { volumes?: unknown }).volumes, undefined);
  assert.deepEqual((off['spec'] as { imagePullSecrets: unknown }).imagePullSecrets, [{ name: 'registry' }]);
  const on = pod({ serviceAccountName: 'builder', automountServiceAccountToken: true, imagePullSecrets: [{ name: 'mine' }], containers: [{ name: 'a', image: 'x' }] });
  await admit(on);
  assert.equal((on['spec'] as { volumes: unknown[] }).volumes.length, 1);
  assert.deepEqual((on['spec'] as { imagePullSecrets: unknown }).imagePullSecrets, [{ name: 'mine' }]);
});

test('a missing service account is 403 with upstream\'s message', async () => {
  const p = pod({ serviceAccountName: 'ghost', containers: [{ name: 'a', image: 'x' }] });
  await assert.rejects(admit(p), (e: unknown) => isApiError(e) && e.code === 403
    && e.message === 'pods "p" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
});

test('mirror pods keep their spec and may not reference accounts or secrets', async () => {
  const mirror = { 'kubernetes.io/config.mirror': 'hash' };
  const plain = pod({ containers: [{ name: 'a', image: 'x' }] }, mirror);
  await admit(plain);
  assert.equal((plain['spec'] as { serviceAccountName?: string }).serviceAccountName, undefined);
  await assert.rejects(admit(pod({ serviceAccountName: 'default', containers: [] }, mirror)), /a mirror pod may not reference service accounts/);
  await assert.rejects(admit(pod({ containers: [{ name: 'a', image: 'x', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, mirror)), /a mirror pod may not reference secrets/);
});

test('only pod creation is touched', async () => {
  const p = pod({ containers: [{ name: 'a', image: 'x' }] });
  await plugin.admit!('update', pods, p, p, { dryRun: false });
  await plugin.admit!('create', pods, p, null, { dryRun: false, subresource: 'binding' });
  assert.equal((p['spec'] as { serviceAccountName?: string }).serviceAccountName, undefined);
});

// Every Pod Security check at 1.32 with upstream's reason and detail texts, their version
// history and the order reasons are listed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATEST, v1, type Level, type Version } from '../../src/admission/pod-security/api.js';
import { evaluatePod } from '../../src/admission/pod-security/policy/evaluator.js';
import type { PodMetadata, PodSpec } from '../../src/admission/pod-security/policy/types.js';

const check = (level: Level, spec: PodSpec, meta: PodMetadata = {}, version: Version = LATEST) => evaluatePod({ level, version }, meta, spec);
const detail = (level: Level, spec: PodSpec, meta: PodMetadata = {}, version: Version = LATEST) => check(level, spec, meta, version).detail;

/** A pod that passes restricted:latest. */
const restrictedSC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const good = (extra: PodSpec = {}): PodSpec => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'x', securityContext: { ...restrictedSC } }],
  ...extra,
});

test('privileged level allows everything; a clean pod passes baseline and restricted', () => {
  const bad: PodSpec = { hostNetwork: true, containers: [{ name: 'c', securityContext: { privileged: true } }] };
  assert.equal(check('privileged', bad).allowed, true);
  assert.equal(check('baseline', good()).allowed, true);
  assert.equal(check('restricted', good()).allowed, true);
});

test('restricted on a bare pod: upstream message, reasons in check-ID order', () => {
  const r = check('restricted', { containers: [{ name: 'c', image: 'x' }] });
  assert.equal(r.allowed, false);
  assert.equal(r.detail,
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  assert.equal(r.reason, 'allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile');
});

test('baseline: host namespaces', () => {
  assert.equal(detail('baseline', { hostNetwork: true, hostPID: true, hostIPC: true, containers: [] }), 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)');
  assert.equal(check('baseline', { hostNetwork: false, containers: [] }).allowed, true);
});

test('baseline: privileged containers, every container kind visited (init, regular, ephemeral)', () => {
  const sc = { privileged: true };
  assert.equal(detail('baseline', { containers: [{ name: 'a', securityContext: sc }] }), 'privileged (container "a" must not set securityContext.privileged=true)');
  assert.equal(
    detail('baseline', { initContainers: [{ name: 'i', securityContext: sc }], containers: [{ name: 'a', securityContext: sc }], ephemeralContainers: [{ name: 'e', securityContext: sc }] }),
    'privileged (containers "i", "a", "e" must not set securityContext.privileged=true)');
  assert.equal(check('baseline', { containers: [{ name: 'a', securityContext: { privileged: false } }] }).allowed, true);
});

test('baseline: capabilities beyond the default set', () => {
  assert.equal(
    detail('baseline', { containers: [{ name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN', 'CHOWN', 'NET_RAW'] } } }, { name: 'b', securityContext: { capabilities: { add: ['NET_RAW'] } } }] }),
    'non-default capabilities (containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)');
  assert.equal(check('baseline', { containers: [{ name: 'a', securityContext: { capabilities: { add: ['CHOWN', 'KILL'] } } }] }).allowed, true);
});

test('baseline: hostPath volumes', () => {
  assert.equal(detail('baseline', { volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }], containers: [] }), 'hostPath volumes (volume "h")');
  assert.equal(detail('baseline', { volumes: [{ name: 'a', hostPath: {} }, { name: 'b', hostPath: {} }], containers: [] }), 'hostPath volumes (volumes "a", "b")');
});

test('baseline: host ports, sorted as strings', () => {
  assert.equal(detail('baseline', { containers: [{ name: 'a', ports: [{ hostPort: 80 }, { hostPort: 0 }] }] }), 'hostPort (container "a" uses hostPort 80)');
  assert.equal(detail('baseline', { containers: [{ name: 'a', ports: [{ hostPort: 8080 }] }, { name: 'b', ports: [{ hostPort: 443 }, { hostPort: 8080 }] }] }),
    'hostPort (containers "a", "b" use hostPorts 443, 8080)');
});

test('baseline: AppArmor profile fields and annotations', () => {
  assert.equal(detail('baseline', { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Localhost' } } }] }),
    'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")');
  assert.equal(detail('baseline', { containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] },
    { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/b': 'localhost/x' } }),
  'forbidden AppArmor profiles (container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")');
  assert.equal(check('baseline', { containers: [] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default' } }).allowed, true);
});

test('baseline: SELinux options; container_engine_t allowed from v1.31', () => {
  assert.equal(detail('baseline', { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u' } }, containers: [{ name: 'a', securityContext: { seLinuxOptions: { role: 'r' } } }] }),
    'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)');
  const engine: PodSpec = { containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }] };
  assert.equal(detail('baseline', engine, {}, v1(30)), 'seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t")');
  assert.equal(check('baseline', engine, {}, v1(31)).allowed, true);
  assert.equal(check('baseline', { containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } } }] }).allowed, true);
});

test('baseline: procMount', () => {
  assert.equal(detail('baseline', { containers: [{ name: 'a', securityContext: { procMount: 'Unmasked' } }, { name: 'b', securityContext: { procMount: 'Default' } }] }),
    'procMount (container "a" must not set securityContext.procMount to "Unmasked")');
});

test('baseline: seccomp by annotations before v1.19, by fields after', () => {
  const meta = { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/a': 'docker/default' } };
  assert.equal(detail('baseline', { containers: [{ name: 'a' }] }, meta, v1(18)),
    'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
  assert.equal(check('baseline', { containers: [{ name: 'a' }] }, meta, v1(19)).allowed, true);
  assert.equal(detail('baseline', { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }] }),
    'seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")');
  assert.equal(check('baseline', { containers: [{ name: 'a' }] }).allowed, true);
});

test('baseline: sysctls allowed per version', () => {
  const spec = (name: string): PodSpec => ({ securityContext: { sysctls: [{ name }] }, containers: [] });
  assert.equal(detail('baseline', { securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_syncookies' }, { name: 'vm.x' }] }, containers: [] }),
    'forbidden sysctls (kernel.msgmax, vm.x)');
  assert.equal(check('baseline', spec('net.ipv4.ip_local_reserved_ports'), {}, v1(26)).allowed, false);
  assert.equal(check('baseline', spec('net.ipv4.ip_local_reserved_ports'), {}, v1(27)).allowed, true);
  assert.equal(check('baseline', spec('net.ipv4.tcp_keepalive_time'), {}, v1(28)).allowed, false);
  assert.equal(check('baseline', spec('net.ipv4.tcp_keepalive_time'), {}, v1(29)).allowed, true);
  assert.equal(check('baseline', spec('net.ipv4.tcp_rmem'), {}, v1(31)).allowed, false);
  assert.equal(check('baseline', spec('net.ipv4.tcp_wmem'), {}, v1(32)).allowed, true);
  assert.equal(check('baseline', spec('net.ipv4.tcp_wmem')).allowed, true);
});

test('baseline: Windows HostProcess', () => {
  assert.equal(detail('baseline', { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }, { name: 'b', securityContext: { windowsOptions: { hostProcess: true } } }] }),
    'hostProcess (pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true)');
});

test('restricted: volume types', () => {
  const spec = good({ volumes: [{ name: 'ok', configMap: {} }, { name: 'n', nfs: {} }, { name: 'h', hostPath: {} }, { name: 'x' }] });
  assert.equal(detail('restricted', spec), 'restricted volume types (volumes "n", "h", "x" use restricted volume types "hostPath", "nfs", "unknown")');
  // restrictedVolumes replaces baseline's hostPath check at restricted.
  assert.equal(check('restricted', good({ volumes: [{ name: 'h', hostPath: {} }] })).reason, 'restricted volume types');
  for (const ok of ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']) {
    assert.equal(check('restricted', good({ volumes: [{ name: 'v', [ok]: {} }] })).allowed, true, ok);
  }
});

test('restricted: allowPrivilegeEscalation from v1.8; Windows pods skip it from v1.25', () => {
  const spec: PodSpec = { ...good(), containers: [{ name: 'c', securityContext: { capabilities: { drop: ['ALL'] } } }] };
  assert.equal(detail('restricted', spec), 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)');
  assert.equal(check('restricted', spec, {}, v1(7)).allowed, true);
  const windows: PodSpec = { ...spec, os: { name: 'windows' } };
  assert.equal(check('restricted', windows, {}, v1(24)).allowed, false);
  assert.equal(check('restricted', windows, {}, v1(25)).allowed, true);
});

test('restricted: capabilities from v1.22, replacing baseline capabilities', () => {
  const add = (caps: string[]): PodSpec => ({ ...good(), containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: caps } } }] });
  assert.equal(check('restricted', add(['NET_BIND_SERVICE'])).allowed, true);
  assert.equal(detail('restricted', add(['CHOWN', 'SYS_ADMIN'])), 'unrestricted capabilities (container "c" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add)');
  assert.equal(detail('restricted', { ...good(), containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } } }] }),
    'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add)');
  // Before v1.22 the baseline check applies at restricted.
  assert.equal(detail('restricted', add(['SYS_ADMIN']), {}, v1(21)), 'non-default capabilities (container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add)');
  assert.equal(check('restricted', add(['CHOWN']), {}, v1(21)).allowed, true);
});

test('restricted: runAsNonRoot', () => {
  const base = good();
  assert.equal(detail('restricted', { ...base, securityContext: { ...base.securityContext, runAsNonRoot: false }, containers: [{ name: 'c', securityContext: { ...restrictedSC, runAsNonRoot: false } }] }),
    'runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)');
  assert.equal(check('restricted', { ...base, securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', securityContext: { ...restrictedSC, runAsNonRoot: true } }] }).allowed, true);
});

test('restricted: runAsUser=0 from v1.23', () => {
  const base = good();
  const spec: PodSpec = { ...base, securityContext: { ...base.securityContext, runAsUser: 0 }, containers: [{ name: 'c', securityContext: { ...restrictedSC, runAsUser: 0 } }] };
  assert.equal(detail('restricted', spec), 'runAsUser=0 (pod and container "c" must not set runAsUser=0)');
  assert.equal(check('restricted', spec, {}, v1(22)).allowed, true);
  assert.equal(check('restricted', { ...base, securityContext: { ...base.securityContext, runAsUser: 1000 } }).allowed, true);
});

test('restricted: seccomp required from v1.19; pod level covers containers', () => {
  const spec: PodSpec = { securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', securityContext: { ...restrictedSC } }, { name: 'd', securityContext: { ...restrictedSC, seccompProfile: { type: 'Localhost' } } }] };
  assert.equal(detail('restricted', spec), 'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  assert.equal(check('restricted', spec, {}, v1(18)).allowed, true);
  assert.equal(detail('restricted', { ...good(), containers: [{ name: 'c', securityContext: { ...restrictedSC, seccompProfile: { type: 'Unconfined' } } }] }),
    'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")');
  assert.equal(check('restricted', { ...spec, os: { name: 'windows' } }).allowed, true);
});

test('a version newer than the newest check evaluates like latest', () => {
  const spec: PodSpec = { containers: [{ name: 'c' }] };
  assert.equal(detail('restricted', spec, {}, v1(99)), detail('restricted', spec));
});

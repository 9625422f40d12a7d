// Checks on what a container may do as a process: privilege escalation, capabilities, /proc
// mounts and running as root (policy/check_allowPrivilegeEscalation.go,
// check_capabilities_{baseline,restricted}.go, check_procMount.go, check_runAsNonRoot.go,
// check_runAsUser.go). From policy v1.25 on, pods with spec.os.name=windows skip the restricted
// checks on Linux-only fields.
import { v1 } from '../api.js';
import { ALLOWED, allContainers, containersPhrase, forbidden, skipWindows, joinQuote, sortedSet, type Check, type CheckPodFn, type PodSpec } from './types.js';

const CAPABILITIES_BASELINE_ID = 'capabilities_baseline';

function allowPrivilegeEscalation(_meta: unknown, spec: PodSpec) {
  const bad = allContainers(spec).filter(c => c.securityContext?.allowPrivilegeEscalation !== false).map(c => c.name ?? '');
  return bad.length > 0
    ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`)
    : ALLOWED;
}

const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

function capabilitiesBaseline(_meta: unknown, spec: PodSpec) {
  const bad: string[] = [];
  const added: string[] = [];
  for (const c of allContainers(spec)) {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter(cap => !DEFAULT_CAPABILITIES.has(cap));
    if (extra.length === 0) continue;
    bad.push(c.name ?? '');
    added.push(...extra);
  }
  return bad.length > 0
    ? forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`)
    : ALLOWED;
}

function capabilitiesRestricted(_meta: unknown, spec: PodSpec) {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const added: string[] = [];
  for (const c of allContainers(spec)) {
    const caps = c.securityContext?.capabilities;
    if (!caps) {
      missingDropAll.push(c.name ?? '');
      continue;
    }
    if (!(caps.drop ?? []).includes('ALL')) missingDropAll.push(c.name ?? '');
    const extra = (caps.add ?? []).filter(cap => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      addingForbidden.push(c.name ?? '');
      added.push(...extra);
    }
  }
  const details = [
    ...(missingDropAll.length > 0 ? [`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(addingForbidden.length > 0 ? [`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`] : []),
  ];
  return details.length > 0 ? forbidden('unrestricted capabilities', details.join('; ')) : ALLOWED;
}

function procMount(_meta: unknown, spec: PodSpec) {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of allContainers(spec)) {
    const pm = c.securityContext?.procMount;
    if (pm === undefined || pm === null || pm === 'Default') continue;
    bad.push(c.name ?? '');
    types.push(pm);
  }
  return bad.length > 0
    ? forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`)
    : ALLOWED;
}

function runAsNonRoot(_meta: unknown, spec: PodSpec) {
  const setters: string[] = [];
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) setters.push('pod');
  const podNonRoot = podValue === true;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const c of allContainers(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    if (typeof v === 'boolean') {
      if (!v) explicitlyBad.push(c.name ?? '');
    } else if (!podNonRoot) {
      implicitlyBad.push(c.name ?? '');
    }
  }
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));
  if (setters.length > 0) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicitlyBad.length > 0) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
}

function runAsUser(_meta: unknown, spec: PodSpec) {
  const bad = allContainers(spec).filter(c => c.securityContext?.runAsUser === 0).map(c => c.name ?? '');
  const setters = [
    ...(spec.securityContext?.runAsUser === 0 ? ['pod'] : []),
    ...(bad.length > 0 ? [containersPhrase(bad)] : []),
  ];
  return setters.length > 0 ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : ALLOWED;
}

export const privilegeChecks: Check[] = [
  {
    id: 'allowPrivilegeEscalation', level: 'restricted', versions: [
      { minimumVersion: v1(8), checkPod: allowPrivilegeEscalation },
      { minimumVersion: v1(25), checkPod: skipWindows(allowPrivilegeEscalation) },
    ],
  },
  { id: CAPABILITIES_BASELINE_ID, level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: capabilitiesBaseline }] },
  {
    id: 'capabilities_restricted', level: 'restricted', versions: [
      { minimumVersion: v1(22), checkPod: capabilitiesRestricted, overrides: [CAPABILITIES_BASELINE_ID] },
      { minimumVersion: v1(25), checkPod: skipWindows(capabilitiesRestricted), overrides: [CAPABILITIES_BASELINE_ID] },
    ],
  },
  { id: 'procMount', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: procMount }] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minimumVersion: v1(0), checkPod: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minimumVersion: v1(23), checkPod: runAsUser }] },
];

// Baseline checks on host access: host namespaces, host ports, privileged containers and
// Windows HostProcess (policy/check_hostNamespaces.go, check_hostPorts.go, check_privileged.go,
// check_windowsHostProcess.go).
import { v1 } from '../api.js';
import { ALLOWED, allContainers, containersPhrase, forbidden, pluralize, sortedSet, type Check, type PodSpec } from './types.js';

function hostNamespaces(_meta: unknown, spec: PodSpec) {
  const used = [
    ...(spec.hostNetwork === true ? ['hostNetwork=true'] : []),
    ...(spec.hostPID === true ? ['hostPID=true'] : []),
    ...(spec.hostIPC === true ? ['hostIPC=true'] : []),
  ];
  return used.length > 0 ? forbidden('host namespaces', used.join(', ')) : ALLOWED;
}

function hostPorts(_meta: unknown, spec: PodSpec) {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of allContainers(spec)) {
    const used = (c.ports ?? []).map(p => p.hostPort ?? 0).filter(p => p !== 0);
    if (used.length === 0) continue;
    bad.push(c.name ?? '');
    ports.push(...used.map(String));
  }
  if (bad.length === 0) return ALLOWED;
  // Sorted as strings, as upstream's sets.String does.
  const distinct = sortedSet(ports);
  return forbidden('hostPort', `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`);
}

function privileged(_meta: unknown, spec: PodSpec) {
  const bad = allContainers(spec).filter(c => c.securityContext?.privileged === true).map(c => c.name ?? '');
  return bad.length > 0 ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : ALLOWED;
}

function windowsHostProcess(_meta: unknown, spec: PodSpec) {
  const bad = allContainers(spec).filter(c => c.securityContext?.windowsOptions?.hostProcess === true).map(c => c.name ?? '');
  const setters = [
    ...(spec.securityContext?.windowsOptions?.hostProcess === true ? ['pod'] : []),
    ...(bad.length > 0 ? [containersPhrase(bad)] : []),
  ];
  return setters.length > 0 ? forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
}

export const hostChecks: Check[] = [
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: hostNamespaces }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: hostPorts }] },
  { id: 'privileged', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: privileged }] },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: windowsHostProcess }] },
];

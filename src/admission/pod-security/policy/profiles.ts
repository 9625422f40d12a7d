// Checks on the kernel security profiles and knobs a pod selects: AppArmor, SELinux, seccomp
// and sysctls (policy/check_appArmorProfile.go, check_seLinuxOptions.go,
// check_seccompProfile_{baseline,restricted}.go, check_sysctls.go).
import { goQuote } from '../../../registry/selectors/go-quote.js';
import { v1 } from '../api.js';
import {
  ALLOWED, allContainers, containersPhrase, forbidden, skipWindows, joinQuote, pluralize, sortedSet,
  type Check, type CheckPodFn, type PodMetadata, type PodSpec, type ProfileRef, type SELinuxOptions,
} from './types.js';

const SECCOMP_BASELINE_ID = 'seccompProfile_baseline';
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

const profileTypeAllowed = (t: string | null | undefined) => t === 'RuntimeDefault' || t === 'Localhost';

/**
 * "pod and containers "a", "b"": who set a profile type that is not allowed, with those types.
 * `set` picks the profile out of a security context.
 */
function badProfileSetters(spec: PodSpec, set: (sc: { seccompProfile?: ProfileRef | null; appArmorProfile?: ProfileRef | null }) => ProfileRef | null | undefined) {
  const setters: string[] = [];
  const values: string[] = [];
  const pod = spec.securityContext ? set(spec.securityContext) : undefined;
  if (pod && !profileTypeAllowed(pod.type)) {
    setters.push('pod');
    values.push(pod.type ?? '');
  }
  const containers: string[] = [];
  for (const c of allContainers(spec)) {
    const p = c.securityContext ? set(c.securityContext) : undefined;
    if (p && !profileTypeAllowed(p.type)) {
      containers.push(c.name ?? '');
      values.push(p.type ?? '');
    }
  }
  if (containers.length > 0) setters.push(containersPhrase(containers));
  return { setters, values: sortedSet(values) };
}

function appArmorProfile(meta: PodMetadata, spec: PodSpec) {
  const { setters, values } = badProfileSetters(spec, sc => sc.appArmorProfile);
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .sort();
  if (annotations.length > 0) {
    values.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) return ALLOWED;
  return forbidden(pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`);
}

const SELINUX_TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES_1_0, 'container_engine_t'];

const seLinuxOptions = (allowedTypes: string[]): CheckPodFn => (_meta, spec) => {
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (o: SELinuxOptions) => {
    let ok = true;
    if (!allowedTypes.includes(o.type ?? '')) {
      ok = false;
      badTypes.push(o.type ?? '');
    }
    if ((o.user ?? '') !== '') { ok = false; setUser = true; }
    if ((o.role ?? '') !== '') { ok = false; setRole = true; }
    return ok;
  };
  const setters: string[] = [];
  const podOpts = spec.securityContext?.seLinuxOptions;
  if (podOpts && !valid(podOpts)) setters.push('pod');
  const bad = allContainers(spec).filter(c => {
    const o = c.securityContext?.seLinuxOptions;
    return o ? !valid(o) : false;
  }).map(c => c.name ?? '');
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  const types = sortedSet(badTypes);
  const data = [
    ...(types.length > 0 ? [`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`] : []),
    ...(setUser ? ['user may not be set'] : []),
    ...(setRole ? ['role may not be set'] : []),
  ];
  return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
};

const seccompAnnotationAllowed = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

/** Before v1.19 seccomp was chosen by annotations. */
function seccompBaselineAnnotations(meta: PodMetadata, spec: PodSpec) {
  const annotations = meta.annotations ?? {};
  const bad: string[] = [];
  const check = (key: string) => {
    const v = annotations[key];
    if (v !== undefined && !seccompAnnotationAllowed(v)) bad.push(`${key}=${goQuote(v)}`);
  };
  check(SECCOMP_POD_ANNOTATION);
  for (const c of allContainers(spec)) check(SECCOMP_CONTAINER_ANNOTATION_PREFIX + (c.name ?? ''));
  const distinct = sortedSet(bad);
  return distinct.length > 0
    ? forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', distinct.length)} ${distinct.join(', ')}`)
    : ALLOWED;
}

const seccompTypeMessage = (setters: string[], values: string[]) =>
  forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`);

function seccompBaseline(_meta: PodMetadata, spec: PodSpec) {
  const { setters, values } = badProfileSetters(spec, sc => sc.seccompProfile);
  return setters.length > 0 ? seccompTypeMessage(setters, values) : ALLOWED;
}

function seccompRestricted(meta: PodMetadata, spec: PodSpec) {
  const bad = seccompBaseline(meta, spec);
  if (!bad.allowed) return bad;
  const pod = spec.securityContext?.seccompProfile;
  // With a valid pod-level profile every container that sets none inherits it.
  if (pod) return ALLOWED;
  const unset = allContainers(spec).filter(c => !c.securityContext?.seccompProfile).map(c => c.name ?? '');
  return unset.length > 0
    ? forbidden('seccompProfile', `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`)
    : ALLOWED;
}

const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

const sysctls = (allowed: string[]): CheckPodFn => (_meta, spec) => {
  const bad = (spec.securityContext?.sysctls ?? []).map(s => s.name ?? '').filter(n => !allowed.includes(n));
  return bad.length > 0 ? forbidden('forbidden sysctls', bad.join(', ')) : ALLOWED;
};

export const profileChecks: Check[] = [
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minimumVersion: v1(0), checkPod: appArmorProfile }] },
  {
    id: 'seLinuxOptions', level: 'baseline', versions: [
      { minimumVersion: v1(0), checkPod: seLinuxOptions(SELINUX_TYPES_1_0) },
      { minimumVersion: v1(31), checkPod: seLinuxOptions(SELINUX_TYPES_1_31) },
    ],
  },
  {
    id: SECCOMP_BASELINE_ID, level: 'baseline', versions: [
      { minimumVersion: v1(0), checkPod: seccompBaselineAnnotations },
      { minimumVersion: v1(19), checkPod: seccompBaseline },
    ],
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted', versions: [
      { minimumVersion: v1(19), checkPod: seccompRestricted, overrides: [SECCOMP_BASELINE_ID] },
      { minimumVersion: v1(25), checkPod: skipWindows(seccompRestricted), overrides: [SECCOMP_BASELINE_ID] },
    ],
  },
  {
    id: 'sysctls', level: 'baseline', versions: [
      { minimumVersion: v1(0), checkPod: sysctls(SYSCTLS_1_0) },
      { minimumVersion: v1(27), checkPod: sysctls(SYSCTLS_1_27) },
      { minimumVersion: v1(29), checkPod: sysctls(SYSCTLS_1_29) },
      { minimumVersion: v1(32), checkPod: sysctls(SYSCTLS_1_32) },
    ],
  },
];

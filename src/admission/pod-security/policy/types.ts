// The pod shapes the Pod Security checks read, the result one check gives, and the wording
// helpers their messages share (k8s.io/pod-security-admission/policy checks.go, helpers.go).
// Objects are plain JSON: null counts as unset, as a nil pointer does upstream.
import type { Level, Version } from '../api.js';

export interface SELinuxOptions { user?: string | null; role?: string | null; type?: string | null; level?: string | null }
export interface ProfileRef { type?: string | null; localhostProfile?: string | null }

export interface SecurityContext {
  privileged?: boolean | null;
  allowPrivilegeEscalation?: boolean | null;
  capabilities?: { add?: string[] | null; drop?: string[] | null } | null;
  procMount?: string | null;
  runAsNonRoot?: boolean | null;
  runAsUser?: number | null;
  seLinuxOptions?: SELinuxOptions | null;
  seccompProfile?: ProfileRef | null;
  appArmorProfile?: ProfileRef | null;
  windowsOptions?: { hostProcess?: boolean | null } | null;
}

export interface Container {
  name?: string;
  image?: string;
  ports?: Array<{ hostPort?: number | null }> | null;
  securityContext?: SecurityContext | null;
}

export interface PodSecurityContext {
  runAsNonRoot?: boolean | null;
  runAsUser?: number | null;
  seLinuxOptions?: SELinuxOptions | null;
  seccompProfile?: ProfileRef | null;
  appArmorProfile?: ProfileRef | null;
  windowsOptions?: { hostProcess?: boolean | null } | null;
  sysctls?: Array<{ name?: string }> | null;
}

/** A volume: its name and one source field (hostPath, emptyDir, ...). */
export type Volume = { name?: string } & Record<string, unknown>;

export interface PodSpec {
  hostNetwork?: boolean | null;
  hostPID?: boolean | null;
  hostIPC?: boolean | null;
  os?: { name?: string } | null;
  runtimeClassName?: string | null;
  securityContext?: PodSecurityContext | null;
  volumes?: Volume[] | null;
  containers?: Container[] | null;
  initContainers?: Container[] | null;
  ephemeralContainers?: Container[] | null;
}

export interface PodMetadata { name?: string; annotations?: Record<string, string> | null }

export interface CheckResult { allowed: boolean; reason?: string; detail?: string }

export type CheckPodFn = (meta: PodMetadata, spec: PodSpec) => CheckResult;

export interface VersionedCheck {
  minimumVersion: Version;
  checkPod: CheckPodFn;
  /** Baseline checks this restricted check replaces at restricted level. */
  overrides?: string[];
}

export interface Check { id: string; level: Exclude<Level, 'privileged'>; versions: VersionedCheck[] }

export const ALLOWED: CheckResult = { allowed: true };

export const forbidden = (reason: string, detail: string): CheckResult => ({ allowed: false, reason, detail });

/** `"a", "b"`, as upstream's joinQuote. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Upstream's sets.String List(): distinct, sorted. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Init containers, then containers, then ephemeral containers, as upstream visits them. */
export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** From policy v1.25 on, restricted checks of Linux-only fields pass pods with spec.os.name=windows. */
export const skipWindows = (check: CheckPodFn): CheckPodFn => (meta, spec) => (spec.os?.name === 'windows' ? ALLOWED : check(meta, spec));

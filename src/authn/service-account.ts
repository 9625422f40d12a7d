// Service-account names as upstream spells them: system:serviceaccount:<ns>:<name> with the
// groups system:serviceaccounts and system:serviceaccounts:<ns>.
import type { UserInfo } from './user.js';

const PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

/** [namespace, name] of a service-account username, or undefined for any other name. */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  if (!username.startsWith(PREFIX)) return undefined;
  const parts = username.slice(PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

export function serviceAccountUser(namespace: string, name: string, uid: string, extra?: Record<string, string[]>): UserInfo {
  return {
    name: serviceAccountUsername(namespace, name),
    uid,
    groups: serviceAccountGroups(namespace),
    ...(extra && Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

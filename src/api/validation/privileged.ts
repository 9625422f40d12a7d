// --allow-privileged (upstream's pkg/capabilities, set once at start-up): without it pod
// validation refuses privileged containers. Process-wide, as upstream's is.
import { fe, obj, path, type Causes } from './field.js';

let allowPrivileged = false;

export function setAllowPrivileged(allow: boolean): void {
  allowPrivileged = allow;
}

/** A container's securityContext.privileged=true, unless the cluster allows it. */
export function validatePrivileged(container: Record<string, unknown>, field: string): Causes {
  if (allowPrivileged || obj(container['securityContext'])?.['privileged'] !== true) return [];
  return [fe.forbidden(path.child(field, 'securityContext', 'privileged'), 'disallowed by cluster policy')];
}

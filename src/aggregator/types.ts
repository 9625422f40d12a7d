// The apiregistration.k8s.io/v1 APIService as the aggregator reads and writes it, and the
// condition helpers upstream's apiregistration/v1/helper package offers.
import type { KubeObject } from '../api/types.js';

export interface ServiceReference {
  namespace?: string;
  name?: string;
  port?: number;
}

export interface APIServiceSpec {
  group?: string;
  version?: string;
  /** Absent for a Local APIService (served by this server itself). */
  service?: ServiceReference | null;
  /** Base64 of the PEM bundle, as the JSON form of []byte. */
  caBundle?: string;
  insecureSkipTLSVerify?: boolean;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

export interface APIServiceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIService extends KubeObject {
  spec: APIServiceSpec;
  status?: { conditions?: APIServiceCondition[] };
}

export const AVAILABLE = 'Available';

export function asAPIService(o: KubeObject): APIService {
  const spec = (o['spec'] ?? {}) as APIServiceSpec;
  return { ...o, spec } as APIService;
}

export function availableCondition(s: APIService): APIServiceCondition | undefined {
  return s.status?.conditions?.find(c => c.type === AVAILABLE);
}

export function isAvailable(s: APIService): boolean {
  return availableCondition(s)?.status === 'True';
}

/** Whether requests for this APIService go to another server. */
export function isRemote(s: APIService): s is APIService & { spec: { service: ServiceReference } } {
  return s.spec.service !== undefined && s.spec.service !== null;
}

/**
 * SetAPIServiceCondition: replaces the condition of the same type, keeping its transition time
 * unless the status flips. Returns the new condition list.
 */
export function withCondition(conditions: readonly APIServiceCondition[] | undefined, next: APIServiceCondition): APIServiceCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex(c => c.type === next.type);
  if (i < 0) return [...list, next];
  const old = list[i]!;
  list[i] = { ...old, reason: next.reason ?? '', message: next.message ?? '', ...(old.status !== next.status ? { status: next.status, lastTransitionTime: next.lastTransitionTime ?? '' } : {}) };
  return list;
}

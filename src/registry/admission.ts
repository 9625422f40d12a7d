// The hook through which the store runs defaulting, validation and admission plugins.
// Implementations live in admission/ (the chain) and api/ (defaults, validation).
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';

export interface AdmissionOptions {
  dryRun: boolean;
  /** The subresource written ('status', 'scale', ...); absent for the object itself. */
  subresource?: string;
}

export interface Admission {
  /** May mutate obj; throws an ApiError to reject. */
  create(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void>;
  update(info: ResourceInfo, obj: KubeObject, old: KubeObject, opts: AdmissionOptions): Promise<void>;
  delete(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void>;
}

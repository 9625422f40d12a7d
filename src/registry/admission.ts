// The hook through which the store runs defaulting, validation and admission plugins.
// Implementations live in admission/ (the chain) and api/ (defaults, validation).
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';

export interface AdmissionOptions {
  dryRun: boolean;
  /** The subresource written ('status', 'scale', ...); absent for the object itself. */
  subresource?: string;
}

export type AdmissionOperation = 'create' | 'update' | 'delete';

/**
 * Mutating admission runs before the strategy's validation and validating admission after it, as
 * upstream's handlers call admit before and validate after the store's BeforeCreate/BeforeUpdate.
 */
export interface Admission {
  /** May mutate obj; throws an ApiError to reject. old is null on create. */
  admit(op: AdmissionOperation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
  /** Throws an ApiError to reject. */
  validate(op: AdmissionOperation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
  /** Both steps for a delete, which has no strategy validation between them. */
  delete(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void>;
}

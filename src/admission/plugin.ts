// An admission plugin and the chain that runs them for the store.
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { Admission, AdmissionOperation, AdmissionOptions } from '../registry/admission.js';

export type Operation = AdmissionOperation;

export interface AdmissionPlugin {
  name: string;
  /** May change obj (mutating admission). */
  admit?(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
  /** Throws an ApiError to reject (validating admission). */
  validate?(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
}

/** Runs every plugin's admit step, then (after the store's validation) every validate step, in order, as upstream does. */
export class AdmissionChain implements Admission {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  async admit(op: AdmissionOperation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void> {
    for (const p of this.plugins) await p.admit?.(op, info, obj, old, opts);
  }

  async validate(op: AdmissionOperation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void> {
    for (const p of this.plugins) await p.validate?.(op, info, obj, old, opts);
  }

  async delete(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void> {
    await this.admit('delete', info, obj, null, opts);
    await this.validate('delete', info, obj, null, opts);
  }
}

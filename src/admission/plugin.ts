// An admission plugin and the chain that runs them for the store.
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { Admission, AdmissionOptions } from '../registry/admission.js';

export type Operation = 'create' | 'update' | 'delete';

export interface AdmissionPlugin {
  name: string;
  /** May change obj (mutating admission). */
  admit?(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
  /** Throws an ApiError to reject (validating admission). */
  validate?(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void>;
}

/** Runs every plugin's admit step, then every validate step, in order, as upstream does. */
export class AdmissionChain implements Admission {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  private async run(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): Promise<void> {
    for (const p of this.plugins) await p.admit?.(op, info, obj, old, opts);
    for (const p of this.plugins) await p.validate?.(op, info, obj, old, opts);
  }

  create(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void> {
    return this.run('create', info, obj, null, opts);
  }

  update(info: ResourceInfo, obj: KubeObject, old: KubeObject, opts: AdmissionOptions): Promise<void> {
    return this.run('update', info, obj, old, opts);
  }

  delete(info: ResourceInfo, obj: KubeObject, opts: AdmissionOptions): Promise<void> {
    return this.run('delete', info, obj, null, opts);
  }
}

// Per-resource steps the generic store runs around its writes (upstream's Store BeginCreate,
// BeginUpdate, AfterDelete and TTLFunc): Service IP/port allocation, Event TTLs.
import type { KubeObject } from '../api/types.js';

/** Side effects a write started; the store ends them one way or the other. */
export interface WriteTxn {
  /** The object was written. */
  commit(): Promise<void>;
  /** The write failed: undo. */
  revert(): Promise<void>;
}

export interface StoreHooks {
  /** After admission and validation, before the object is stored; may change it. */
  beginCreate?(obj: KubeObject, opts: { dryRun: boolean }): Promise<WriteTxn>;
  /** Likewise for an update of `old` into `obj`. */
  beginUpdate?(obj: KubeObject, old: KubeObject, opts: { dryRun: boolean }): Promise<WriteTxn>;
  /** After the object is gone from storage. */
  afterDelete?(obj: KubeObject): Promise<void>;
  /** Seconds a written object lives, renewed by every write (Events: --event-ttl); unset for no expiry. */
  ttlSeconds?: number;
}

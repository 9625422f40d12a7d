// What a resource type that is not built in (a CustomResourceDefinition's version) brings to
// the generic flow in place of the built-in tables: the one record the store, the handlers,
// the printers and the field manager ask. src/apiextensions builds it from a CRD.
import type { FieldValidation } from './decode.js';
import type { TablePrinter } from './printers/index.js';
import type { KubeObject, StatusCause } from './types.js';
import type { TypeNode } from '../registry/fieldmanager/schema.js';
import type { FieldSelector } from '../registry/selectors/fields.js';

export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CustomType {
  /** The CRD's metadata.name and uid: a recreated CRD is a new type. */
  crdName: string;
  crdUID: string;
  /** Established: listed in discovery (a CRD is served from NamesAccepted on, as upstream). */
  established: boolean;
  /** Terminating: instances are being deleted; creates are refused. */
  terminating: boolean;
  /** spec.versions[].deprecated: the Warning header sent with every request of this version. */
  deprecationWarning?: string;
  hasStatus: boolean;
  scale?: ScalePaths;
  /** Request body to object: prunes unknown fields; reports them (and unknown metadata fields) as strict-decoding problems. */
  decode(body: Record<string, unknown>, mode: FieldValidation): { obj: KubeObject; warnings: string[] };
  /** Schema defaults, in place. */
  applyDefaults(obj: KubeObject): void;
  validateCreate(obj: KubeObject): StatusCause[];
  validateUpdate(obj: KubeObject, old: KubeObject): StatusCause[];
  validateStatusUpdate(obj: KubeObject, old: KubeObject): StatusCause[];
  /** Warnings on create/update (finalizer names, as upstream's WarningsOnCreate/Update). */
  warnings(obj: KubeObject, old: KubeObject | null): string[];
  /**
   * fromStorage gives the same answer for the same stored revision, so the store may remember it
   * per revision (false for a conversion webhook, which upstream asks on every read).
   */
  conversionCacheable: boolean;
  /** Stored objects (any version) as served at this version: converted, pruned and defaulted. */
  fromStorage(objs: KubeObject[]): KubeObject[] | Promise<KubeObject[]>;
  /** A served object converted to the storage version. */
  toStorage(obj: KubeObject): KubeObject | Promise<KubeObject>;
  /** Objects (each at its own apiVersion) converted to one of the CRD's versions, without pruning or defaulting, as admission sees another version. */
  convert(objs: KubeObject[], apiVersion: string): Promise<KubeObject[]>;
  tablePrinter(): TablePrinter;
  /** The fields a field selector matches against (metadata.name, metadata.namespace, selectableFields). */
  fieldSet(obj: KubeObject): Record<string, string>;
  /** Checks a field selector's labels (400 with upstream's message for an unknown one). */
  validateFieldSelector(selector: FieldSelector): FieldSelector;
  /** The structured type server-side apply merges with. */
  applyType(): TypeNode;
}

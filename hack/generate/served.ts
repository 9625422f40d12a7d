// What kube-apiserver 1.32 serves by default, stated as the changes from the v1.28.7 reference
// data. Every fact here was checked against upstream's source (kubernetes/kubernetes,
// kubernetes/api release-1.32); the comment next to each says where.
import type { DiscoveryResource, TableColumn } from './upstream.js';

/** The version the generated documents name (src/server/version.ts reports the same). */
export const KUBE_GIT_VERSION = 'v1.32.4';

/** 1.32 serves no alpha or beta version by default (the flowcontrol betas were removed in 1.32). */
export function isPrerelease(version: string): boolean {
  return /alpha|beta/.test(version);
}

const crudVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const column = (name: string, type = 'string', format = '', priority = 0): TableColumn => ({ name, type, format, priority });

/** A group version that went GA between 1.29 and 1.32, derived from its last beta. */
export interface Promotion {
  group: string;
  /** The Go package in OpenAPI definition names: io.k8s.api.<pkg>.<version>.<Kind>. */
  pkg: string;
  from: string;
  to: string;
  /** The promoted resources (other resources of `from` are not served at `to`). */
  resources: string[];
  /** Legacy discovery entries at `to`, when the reference data has none for `from`. */
  discovery?: DiscoveryResource[];
  /** Table columns at `to` by resource, when the reference data has none for `from`. */
  tables?: Record<string, TableColumn[]>;
  /** List kinds whose `items` the GA types made required (no omitempty). */
  requiredListItems?: string[];
}

export const promotions: Promotion[] = [
  // flowcontrol.apiserver.k8s.io/v1, GA in 1.29: k8s.io/api flowcontrol/v1/types.go (v0.32) has the
  // v1beta3 shapes; only LimitedPriorityLevelConfiguration.nominalConcurrencyShares became a
  // pointer, which the OpenAPI schema does not show.
  {
    group: 'flowcontrol.apiserver.k8s.io',
    pkg: 'flowcontrol',
    from: 'v1beta3',
    to: 'v1',
    resources: ['flowschemas', 'prioritylevelconfigurations'],
  },
  // ValidatingAdmissionPolicy(Binding) in admissionregistration.k8s.io/v1, GA in 1.30:
  // k8s.io/api admissionregistration/v1/types.go (v0.32) differs from v1beta1 (v0.28) only in
  // the List types' `items` losing omitempty. Registry: categories "api-extensions", no short
  // names (pkg/registry/admissionregistration/*/storage/storage.go); policies have /status.
  // Columns: pkg/printers/internalversion/printers.go.
  {
    group: 'admissionregistration.k8s.io',
    pkg: 'admissionregistration',
    from: 'v1beta1',
    to: 'v1',
    resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
    discovery: [
      { name: 'validatingadmissionpolicies', singularName: 'validatingadmissionpolicy', namespaced: false, kind: 'ValidatingAdmissionPolicy', verbs: crudVerbs, categories: ['api-extensions'] },
      { name: 'validatingadmissionpolicies/status', singularName: '', namespaced: false, kind: 'ValidatingAdmissionPolicy', verbs: ['get', 'patch', 'update'] },
      { name: 'validatingadmissionpolicybindings', singularName: 'validatingadmissionpolicybinding', namespaced: false, kind: 'ValidatingAdmissionPolicyBinding', verbs: crudVerbs, categories: ['api-extensions'] },
    ],
    tables: {
      validatingadmissionpolicies: [column('Name', 'string', 'name'), column('Validations', 'integer'), column('ParamKind'), column('Age')],
      validatingadmissionpolicybindings: [column('Name', 'string', 'name'), column('PolicyName'), column('ParamRef'), column('Age')],
    },
    requiredListItems: ['ValidatingAdmissionPolicyList', 'ValidatingAdmissionPolicyBindingList'],
  },
];

/**
 * Storage versions that moved after 1.28, by '<group>/<resource>'. EndpointSlices were still
 * written as discovery.k8s.io/v1beta1 until kubernetes/kubernetes#124602 (1.31) fixed the
 * group's version priority.
 */
export const storageVersionChanges: Record<string, { group: string; version: string }> = {
  'discovery.k8s.io/endpointslices': { group: 'discovery.k8s.io', version: 'v1' },
};

/** A table column 1.29-1.32 added to a built-in printer (pkg/printers/internalversion). */
export interface ColumnChange {
  /** '<group>/<resource>' ('' group for core). */
  resource: string;
  column: TableColumn;
  /** Insert after this column; absent means append. */
  after?: string;
  /** The cell to add to an example row. */
  example: unknown;
}

export const columnChanges: ColumnChange[] = [
  // VolumeAttributesClass API (1.29).
  { resource: '/persistentvolumes', column: column('VolumeAttributesClass'), after: 'StorageClass', example: '<unset>' },
  { resource: '/persistentvolumeclaims', column: column('VolumeAttributesClass'), after: 'StorageClass', example: '<unset>' },
  // kubernetes/kubernetes#122231 (1.30).
  { resource: 'batch/cronjobs', column: column('Timezone'), after: 'Schedule', example: '<none>' },
  // kubernetes/kubernetes#123226 (1.30).
  { resource: 'batch/jobs', column: column('Status'), after: 'Name', example: 'Running' },
  // kubernetes/kubernetes#126529 (1.32).
  { resource: 'scheduling.k8s.io/priorityclasses', column: column('PreemptionPolicy'), example: 'PreemptLowerPriority' },
];

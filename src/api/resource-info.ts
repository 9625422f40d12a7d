// What the server knows about one served resource at one group/version. The built-in entries
// are generated (src/generated/catalog.json, by hack/generate.ts); the catalog module loads them.
// Entries a CRD adds carry `custom`, the type's behaviour in place of the built-in tables.
import type { CustomType } from './custom-type.js';

export interface SubresourceInfo {
  /** e.g. 'status', 'scale', 'log' */
  name: string;
  /** Kind served at the subresource (e.g. 'Scale' for scale); the parent's kind for status. */
  kind: string;
  /** Group/version of that kind when it differs from the parent's (e.g. autoscaling/v1 Scale). */
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower-case (the URL segment). */
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  storageVersionHash?: string;
  subresources: SubresourceInfo[];
  /** Key segment under --etcd-prefix, e.g. 'services/specs', 'minions', 'deployments'. */
  etcdPath: string;
  /** The version objects are stored at when a resource is served at several versions. */
  storageVersion: string;
  /**
   * The group of the stored kind, only when it differs from `group`: events.k8s.io Events are
   * stored as core v1 Events (one etcd key space), as upstream does.
   */
  storageGroup?: string;
  /** OpenAPI v2 definition name, e.g. 'io.k8s.api.core.v1.Pod'. */
  definition: string;
  /** Whether this version is the group's preferred version in discovery. */
  preferred: boolean;
  /** Set for custom resources (absent for built-ins). */
  custom?: CustomType;
}

export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

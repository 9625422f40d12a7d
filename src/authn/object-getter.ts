// How authenticators read the objects a credential refers to (service accounts, secrets, pods,
// nodes), without knowing about stores: null when the object does not exist.
import type { KubeObject } from '../api/types.js';

export type CoreResource = 'serviceaccounts' | 'secrets' | 'pods' | 'nodes';

export type ObjectGetter = (resource: CoreResource, namespace: string, name: string) => Promise<KubeObject | null>;

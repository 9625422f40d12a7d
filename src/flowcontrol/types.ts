// The flowcontrol.apiserver.k8s.io/v1 shapes this package reads (k8s.io/api flowcontrol/v1).
import type { KubeObject } from '../api/types.js';

export const GROUP = 'flowcontrol.apiserver.k8s.io';
/** Set to "true" on objects whose spec the server keeps equal to its bootstrap copy. */
export const AUTO_UPDATE_ANNOTATION = 'apf.kubernetes.io/autoupdate-spec';
export const HEADER_FLOW_SCHEMA_UID = 'X-Kubernetes-PF-FlowSchema-UID';
export const HEADER_PRIORITY_LEVEL_UID = 'X-Kubernetes-PF-PriorityLevel-UID';
export const EXEMPT = 'exempt';
export const CATCH_ALL = 'catch-all';

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  user?: { name: string };
  group?: { name: string };
  serviceAccount?: { namespace: string; name: string };
}

export interface ResourcePolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  clusterScope?: boolean;
  namespaces?: string[];
}

export interface NonResourcePolicyRule {
  verbs: string[];
  nonResourceURLs: string[];
}

export interface PolicyRulesWithSubjects {
  subjects: Subject[];
  resourceRules?: ResourcePolicyRule[];
  nonResourceRules?: NonResourcePolicyRule[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface FlowSchemaSpec {
  priorityLevelConfiguration: { name: string };
  matchingPrecedence: number;
  distinguisherMethod?: { type: 'ByUser' | 'ByNamespace' | string };
  rules?: PolicyRulesWithSubjects[];
}

export interface FlowSchema extends KubeObject {
  spec: FlowSchemaSpec;
  status?: { conditions?: Condition[] };
}

export interface QueuingConfiguration {
  queues: number;
  handSize: number;
  queueLengthLimit: number;
}

export interface LimitedPriorityLevelConfiguration {
  nominalConcurrencyShares?: number;
  lendablePercent?: number;
  borrowingLimitPercent?: number;
  limitResponse: { type: 'Queue' | 'Reject' | string; queuing?: QueuingConfiguration };
}

export interface PriorityLevelConfigurationSpec {
  type: 'Exempt' | 'Limited' | string;
  limited?: LimitedPriorityLevelConfiguration;
  exempt?: { nominalConcurrencyShares?: number; lendablePercent?: number };
}

export interface PriorityLevelConfiguration extends KubeObject {
  spec: PriorityLevelConfigurationSpec;
  status?: { conditions?: Condition[] };
}

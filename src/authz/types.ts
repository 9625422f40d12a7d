// The shapes every authorizer shares: request attributes, decisions, RBAC rules and the rule
// listing SelfSubjectRulesReview needs (upstream's authorizer.Attributes / RuleResolver).
import type { UserInfo } from '../authn/user.js';

export interface Attributes {
  verb: string;
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The URL path of a non-resource request. */
  path?: string;
  isResourceRequest: boolean;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface DecisionResult {
  decision: Decision;
  reason: string;
  /** An evaluation problem that did not stop a decision (SubjectAccessReview's evaluationError). */
  error?: string;
}

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RulesResult {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  /** True when the authorizer cannot enumerate everything the user may do. */
  incomplete: boolean;
  error?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: Attributes): Promise<DecisionResult> | DecisionResult;
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

export const noOpinion: DecisionResult = { decision: 'NoOpinion', reason: '' };

// The authorizer chain in --authorization-mode order: system:masters is always allowed (upstream's
// privileged-group authorizer), then the first Allow or Deny wins; no opinion from all is a deny.
import type { UserInfo } from '../authn/user.js';
import type { Attributes, Authorizer, DecisionResult, RulesResult } from './types.js';

export const privilegedGroup = 'system:masters';

export interface AuthorizationResult {
  allowed: boolean;
  reason: string;
}

/** The function the impersonation filter and the escalation check call. */
export type AuthorizeFn = (user: UserInfo, attrs: Attributes) => Promise<AuthorizationResult>;

export class Authorization {
  constructor(private readonly chain: readonly Authorizer[]) {}

  async decide(user: UserInfo, attrs: Attributes): Promise<DecisionResult> {
    if (user.groups.includes(privilegedGroup)) return { decision: 'Allow', reason: '' };
    const reasons: string[] = [];
    const errs: string[] = [];
    for (const a of this.chain) {
      const r = await a.authorize(user, attrs);
      if (r.decision !== 'NoOpinion') return r;
      if (r.reason) reasons.push(r.reason);
      if (r.error) errs.push(r.error);
    }
    return { decision: 'NoOpinion', reason: reasons.join('\n'), ...(errs.length > 0 ? { error: errs.join(', ') } : {}) };
  }

  readonly authorize: AuthorizeFn = async (user, attrs) => {
    const r = await this.decide(user, attrs);
    return { allowed: r.decision === 'Allow', reason: r.reason };
  };

  /** What SelfSubjectRulesReview reports: the union of every authorizer's rules. */
  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
    const errs: string[] = [];
    for (const a of this.chain) {
      const r = a.rulesFor(user, namespace);
      out.resourceRules.push(...r.resourceRules);
      out.nonResourceRules.push(...r.nonResourceRules);
      if (r.incomplete) out.incomplete = true;
      if (r.error) errs.push(r.error);
    }
    if (errs.length > 0) out.error = errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
    return out;
  }
}

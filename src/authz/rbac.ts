// The RBAC authorizer and rule resolver (upstream plugin/pkg/auth/authorizer/rbac and
// registry/rbac/validation's DefaultRuleResolver): cluster role bindings first, then the role
// bindings of the request's namespace; the first rule that allows wins.
import type { UserInfo } from '../authn/user.js';
import { rulesOf, type Binding, type RbacIndex } from './rbac-index.js';
import { describeSubject, ruleAllows, subjectAppliesTo, type RoleRef } from './rbac-rules.js';
import type { Attributes, Authorizer, DecisionResult, PolicyRule, RulesResult } from './types.js';

/** Calls visit for each rule (or resolution error) that applies; visit returns false to stop. */
type Visitor = (source: string, rule: PolicyRule | undefined, err: string | undefined) => boolean;

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly index: RbacIndex) {}

  /** The rules a role reference grants; throws the lister's NotFound text when the role is missing. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] {
    if (ref.kind === 'ClusterRole') {
      const r = this.index.clusterRole(ref.name);
      if (!r) throw new Error(`clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
      return rulesOf(r);
    }
    if (ref.kind === 'Role') {
      const r = this.index.role(bindingNamespace, ref.name);
      if (!r) throw new Error(`role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
      return rulesOf(r);
    }
    throw new Error(`unsupported role reference kind: ${JSON.stringify(ref.kind)}`);
  }

  private visitBinding(user: UserInfo, b: Binding, kind: 'ClusterRoleBinding' | 'RoleBinding', visit: Visitor): boolean {
    const subject = b.subjects.find(s => subjectAppliesTo(user, s, b.namespace));
    if (!subject) return true;
    const bindingName = kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
    const source = `${kind} ${JSON.stringify(bindingName)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(subject, b.namespace)}`;
    let rules: PolicyRule[];
    try {
      rules = this.roleReferenceRules(b.roleRef, b.namespace);
    } catch (e) {
      return visit(source, undefined, (e as Error).message);
    }
    for (const r of rules) if (!visit(source, r, undefined)) return false;
    return true;
  }

  visitRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    for (const b of this.index.clusterRoleBindingList()) {
      if (!this.visitBinding(user, b, 'ClusterRoleBinding', visit)) return;
    }
    if (!namespace) return;
    for (const b of this.index.roleBindingsIn(namespace)) {
      if (!this.visitBinding(user, b, 'RoleBinding', visit)) return;
    }
  }

  authorize(user: UserInfo, attrs: Attributes): DecisionResult {
    let allowedBy: string | undefined;
    const errs: string[] = [];
    this.visitRulesFor(user, attrs.namespace ?? '', (source, rule, err) => {
      if (err !== undefined) errs.push(err);
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
    // utilerrors.Aggregate: one message alone, several bracketed.
    const reason = errs.length === 0 ? '' : `RBAC: ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`;
    return { decision: 'NoOpinion', reason };
  }

  /** Every rule the user holds in the namespace (cluster-wide ones included), and resolution errors. */
  rulesWithErrors(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule) rules.push(rule);
      if (err !== undefined) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const { rules, errors } = this.rulesWithErrors(user, namespace);
    const res: RulesResult = {
      resourceRules: rules.filter(r => (r.resources ?? []).length > 0).map(r => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) })),
      nonResourceRules: rules.filter(r => (r.nonResourceURLs ?? []).length > 0).map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] })),
      incomplete: false,
    };
    if (errors.length > 0) res.error = errors.join(', ');
    return res;
  }
}

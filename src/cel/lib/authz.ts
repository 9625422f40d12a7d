// Kubernetes' authorizer library (library/authz.go), declared for admission expressions only:
// authorizer.group(g).resource(r)[.subresource/.namespace/.name].check(verb),
// authorizer.path(p).check(verb), authorizer.serviceAccount(ns, name) and the Decision accessors.
// Evaluation is synchronous but authorizing is not, so check() answers from a session's cache and,
// on a miss, aborts the evaluation with AuthzPending; AuthzSession.run resolves the pending checks
// and evaluates again (expressions are pure, so the rerun takes the same path).
import type { UserInfo } from '../../authn/user.js';
import type { Attributes } from '../../authz/types.js';
import type { AuthorizeFn } from '../../authz/union.js';
import { method, type Overload } from '../functions.js';
import { T } from '../types.js';
import { OpaqueV, evalError, type Value } from '../values.js';

export const AUTHORIZER_T = T.opaque('kubernetes.authorization.Authorizer');
export const PATH_CHECK_T = T.opaque('kubernetes.authorization.PathCheck');
export const GROUP_CHECK_T = T.opaque('kubernetes.authorization.GroupCheck');
export const RESOURCE_CHECK_T = T.opaque('kubernetes.authorization.ResourceCheck');
export const DECISION_T = T.opaque('kubernetes.authorization.Decision');

/** cel-go cost of one check(): two checks fit one expression's per-call limit. */
export const CHECK_COST = 350_000;

interface Decision {
  allowed: boolean;
  reason: string;
  error?: string;
}

/** Raised out of an evaluation that needs a decision not yet fetched. */
export class AuthzPending extends Error {
  constructor(readonly key: string, readonly user: UserInfo, readonly attrs: Attributes) {
    super('authorization decision pending');
  }
}

/** The decisions one admission request has fetched, shared by all its expressions. */
export class AuthzSession {
  private readonly decisions = new Map<string, Decision>();

  constructor(private readonly authorize: AuthorizeFn) {}

  lookup(user: UserInfo, attrs: Attributes): Decision {
    const key = JSON.stringify([user.name, user.groups, attrs]);
    const d = this.decisions.get(key);
    if (!d) throw new AuthzPending(key, user, attrs);
    return d;
  }

  /** Runs f until it no longer needs an unfetched decision. */
  async run<R>(f: () => R): Promise<R> {
    for (;;) {
      try {
        return f();
      } catch (e) {
        if (!(e instanceof AuthzPending)) throw e;
        try {
          const r = await this.authorize(e.user, e.attrs);
          this.decisions.set(e.key, { allowed: r.allowed, reason: r.reason });
        } catch (err) {
          this.decisions.set(e.key, { allowed: false, reason: '', error: err instanceof Error ? err.message : String(err) });
        }
      }
    }
  }
}

abstract class AuthzValue extends OpaqueV {
  equals(other: OpaqueV): boolean {
    return other === this;
  }
}

export class AuthorizerV extends AuthzValue {
  readonly typeName = 'kubernetes.authorization.Authorizer';
  constructor(readonly session: AuthzSession, readonly user: UserInfo) {
    super();
  }
}

class PathCheckV extends AuthzValue {
  readonly typeName = 'kubernetes.authorization.PathCheck';
  constructor(readonly authorizer: AuthorizerV, readonly path: string) {
    super();
  }
}

class GroupCheckV extends AuthzValue {
  readonly typeName = 'kubernetes.authorization.GroupCheck';
  constructor(readonly authorizer: AuthorizerV, readonly group: string) {
    super();
  }
}

interface ResourceFields {
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export class ResourceCheckV extends AuthzValue {
  readonly typeName = 'kubernetes.authorization.ResourceCheck';
  constructor(readonly authorizer: AuthorizerV, readonly fields: ResourceFields) {
    super();
  }
  with(change: Partial<ResourceFields>): ResourceCheckV {
    return new ResourceCheckV(this.authorizer, { ...this.fields, ...change });
  }
}

class DecisionV extends AuthzValue {
  readonly typeName = 'kubernetes.authorization.Decision';
  constructor(readonly decision: Decision) {
    super();
  }
}

/** What authorizer.requestResource is: a check of the request's own resource. */
export function requestResourceCheck(a: AuthorizerV, r: ResourceFields): ResourceCheckV {
  return new ResourceCheckV(a, r);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function serviceAccount(a: AuthorizerV, namespace: string, name: string): AuthorizerV {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) throw evalError('Invalid service account name');
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) throw evalError('Invalid service account namespace');
  return new AuthorizerV(a.session, {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
  });
}

function check(target: Value, verb: string): DecisionV {
  if (target instanceof PathCheckV) {
    const a = target.authorizer;
    return new DecisionV(a.session.lookup(a.user, { verb, path: target.path, isResourceRequest: false }));
  }
  const r = target as ResourceCheckV;
  const f = r.fields;
  const attrs: Attributes = {
    verb, isResourceRequest: true, group: f.group, resource: f.resource,
    ...(f.subresource ? { subresource: f.subresource } : {}), ...(f.namespace ? { namespace: f.namespace } : {}), ...(f.name ? { name: f.name } : {}),
  };
  return new DecisionV(r.authorizer.session.lookup(r.authorizer.user, attrs));
}

const str = (v: Value) => v as string;
const setter = (name: keyof ResourceFields): Overload =>
  method(name, [RESOURCE_CHECK_T, T.string], RESOURCE_CHECK_T, ([r, v]) => (r as ResourceCheckV).with({ [name]: str(v!) }));
const decision = (args: Value[]) => (args[0] as DecisionV).decision;

export const authzLibrary: Overload[] = [
  method('path', [AUTHORIZER_T, T.string], PATH_CHECK_T, ([a, p]) => {
    if (str(p!) === '') throw evalError('path must not be empty');
    return new PathCheckV(a as AuthorizerV, str(p!));
  }),
  method('group', [AUTHORIZER_T, T.string], GROUP_CHECK_T, ([a, g]) => new GroupCheckV(a as AuthorizerV, str(g!))),
  method('serviceAccount', [AUTHORIZER_T, T.string, T.string], AUTHORIZER_T, ([a, ns, n]) => serviceAccount(a as AuthorizerV, str(ns!), str(n!))),
  method('resource', [GROUP_CHECK_T, T.string], RESOURCE_CHECK_T, ([g, r]) => {
    if (str(r!) === '') throw evalError('resource must not be empty');
    const gc = g as GroupCheckV;
    return new ResourceCheckV(gc.authorizer, { group: gc.group, resource: str(r!), subresource: '', namespace: '', name: '' });
  }),
  setter('subresource'), setter('namespace'), setter('name'),
  method('check', [PATH_CHECK_T, T.string], DECISION_T, ([p, v]) => check(p!, str(v!)), { cost: () => CHECK_COST, estimate: () => CHECK_COST }),
  method('check', [RESOURCE_CHECK_T, T.string], DECISION_T, ([r, v]) => check(r!, str(v!)), { cost: () => CHECK_COST, estimate: () => CHECK_COST }),
  method('allowed', [DECISION_T], T.bool, args => decision(args).allowed),
  method('reason', [DECISION_T], T.string, args => decision(args).reason),
  method('errored', [DECISION_T], T.bool, args => decision(args).error !== undefined),
  method('error', [DECISION_T], T.string, args => decision(args).error ?? ''),
];

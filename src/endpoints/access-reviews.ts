// authorization.k8s.io/v1 review APIs: SubjectAccessReview, SelfSubjectAccessReview,
// LocalSubjectAccessReview and SelfSubjectRulesReview. Create-only and never stored: the answer
// is the request object with its status filled in by the authorizer chain.
import { cause, errors } from '../api/errors.js';
import type { KubeObject, StatusCause } from '../api/types.js';
import { anonymousUser, type UserInfo } from '../authn/user.js';
import type { Attributes, DecisionResult, RulesResult } from '../authz/types.js';
import type { HandlerContext } from './handlers/context.js';
import { readObjectBody } from './handlers/decode-body.js';
import { includeObjectOf } from './handlers/params.js';
import { negotiate } from './negotiate.js';
import { writeObject } from './respond.js';

const group = 'authorization.k8s.io';

export interface ReviewAuthorizer {
  decide(user: UserInfo, attrs: Attributes): Promise<DecisionResult>;
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

interface ResourceAttributes {
  namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string;
}
interface NonResourceAttributes { path?: string; verb?: string }
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

function specOf(obj: KubeObject): AccessReviewSpec {
  return (obj['spec'] ?? {}) as AccessReviewSpec;
}

/** Upstream's ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec. */
function attributeCauses(spec: AccessReviewSpec): StatusCause[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [cause.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [cause.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

function attributesOf(spec: AccessReviewSpec): Attributes {
  const ra = spec.resourceAttributes;
  if (ra) {
    return {
      verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '',
      namespace: ra.namespace ?? '', name: ra.name ?? '', isResourceRequest: true,
    };
  }
  const nra = spec.nonResourceAttributes ?? {};
  return { verb: nra.verb ?? '', path: nra.path ?? '', isResourceRequest: false };
}

function respond(ctx: HandlerContext, obj: KubeObject, status: Record<string, unknown>): void {
  const out: KubeObject = { ...obj, apiVersion: `${group}/v1`, kind: ctx.info.kind, metadata: { ...obj.metadata, creationTimestamp: null }, status };
  writeObject(ctx.res, negotiate(ctx.req, []), ctx.info, 201, out, { includeObject: includeObjectOf(ctx.query) });
}

async function accessStatus(authz: ReviewAuthorizer, user: UserInfo, attrs: Attributes): Promise<Record<string, unknown>> {
  const r = await authz.decide(user, attrs);
  const status: Record<string, unknown> = { allowed: r.decision === 'Allow' };
  if (r.decision === 'Deny') status['denied'] = true;
  if (r.reason) status['reason'] = r.reason;
  if (r.error) status['evaluationError'] = r.error;
  return status;
}

const requester = (ctx: HandlerContext): UserInfo => ctx.req.user ?? anonymousUser;

export type ReviewHandler = (ctx: HandlerContext) => Promise<void>;

/** Handlers keyed `<group>/<resource>`, for the resource router to dispatch before the store path. */
export function accessReviewHandlers(authz: ReviewAuthorizer): Record<string, ReviewHandler> {
  return {
    [`${group}/subjectaccessreviews`]: async ctx => {
      const obj = await readObjectBody(ctx);
      const spec = specOf(obj);
      const causes = attributeCauses(spec);
      if (!spec.user && (spec.groups ?? []).length === 0) causes.push(cause.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
      if (causes.length > 0) throw errors.invalid(group, ctx.info.kind, '', causes);
      const user: UserInfo = { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
      respond(ctx, obj, await accessStatus(authz, user, attributesOf(spec)));
    },
    [`${group}/selfsubjectaccessreviews`]: async ctx => {
      const obj = await readObjectBody(ctx);
      const spec = specOf(obj);
      const causes = attributeCauses(spec);
      if (causes.length > 0) throw errors.invalid(group, ctx.info.kind, '', causes);
      respond(ctx, obj, await accessStatus(authz, requester(ctx), attributesOf(spec)));
    },
    [`${group}/localsubjectaccessreviews`]: async ctx => {
      const obj = await readObjectBody(ctx);
      const spec = specOf(obj);
      const namespace = ctx.ri.namespace;
      const causes = attributeCauses(spec);
      if (spec.nonResourceAttributes) causes.push(cause.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
      if (!spec.user && (spec.groups ?? []).length === 0) causes.push(cause.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
      if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== (obj.metadata.namespace ?? namespace)) {
        causes.push(cause.invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
      }
      if (causes.length > 0) throw errors.invalid(group, ctx.info.kind, obj.metadata.name ?? '', causes);
      if ((obj.metadata.namespace ?? namespace) !== namespace) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
      const user: UserInfo = { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
      respond(ctx, { ...obj, metadata: { ...obj.metadata, namespace } }, await accessStatus(authz, user, attributesOf(spec)));
    },
    [`${group}/selfsubjectrulesreviews`]: async ctx => {
      const obj = await readObjectBody(ctx);
      const namespace = ((obj['spec'] ?? {}) as { namespace?: string }).namespace ?? '';
      if (!namespace) throw errors.badRequest('no namespace on request');
      const rules = authz.rulesFor(requester(ctx), namespace);
      const status: Record<string, unknown> = {
        resourceRules: rules.resourceRules.map(r => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) })),
        nonResourceRules: rules.nonResourceRules.map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] })),
        incomplete: rules.incomplete,
      };
      if (rules.error) status['evaluationError'] = rules.error;
      respond(ctx, obj, status);
    },
  };
}

// The authorization filter: asks the authorizer chain about the request's attributes and answers
// 403 with upstream's message when it does not allow; an allowed request continues as its user
// (so the RBAC escalation check below can see who is writing).
import type { NextFunction, Request, Response } from 'express';
import { ApiError, errors } from '../api/errors.js';
import { anonymousUser, type UserInfo } from '../authn/user.js';
import { runAsUser } from '../authz/request-user.js';
import type { Attributes, DecisionResult } from '../authz/types.js';
import { writeError } from '../endpoints/status-writer.js';
import { addAuditAnnotation } from './audit.js';
import type { RequestInfo } from './request-info.js';

export interface Decider {
  decide(user: UserInfo, attrs: Attributes): Promise<DecisionResult>;
}

export function attributesOf(ri: RequestInfo): Attributes {
  if (!ri.isResourceRequest) return { verb: ri.verb, path: ri.path, isResourceRequest: false };
  return {
    verb: ri.verb, group: ri.apiGroup, resource: ri.resource, subresource: ri.subresource,
    namespace: ri.namespace, name: ri.name, path: ri.path, isResourceRequest: true,
  };
}

/** Upstream's responsewriters.Forbidden: the authorizer's reason, if any, follows the message. */
export function forbiddenError(user: UserInfo, attrs: Attributes, reason: string): ApiError {
  let msg: string;
  if (!attrs.isResourceRequest) {
    msg = `User ${JSON.stringify(user.name)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path ?? '')}`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : attrs.resource ?? '';
    const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
    msg = `User ${JSON.stringify(user.name)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.group ?? '')} ${scope}`;
  }
  if (reason) msg = `${msg}: ${reason}`;
  const group = attrs.isResourceRequest ? attrs.group ?? '' : '';
  const resource = attrs.isResourceRequest ? attrs.resource ?? '' : '';
  const name = attrs.isResourceRequest ? attrs.name ?? '' : '';
  if (!group && !resource) return new ApiError(403, 'Forbidden', `forbidden: ${msg}`, {});
  const qualified = group ? `${resource}.${group}` : resource;
  return errors.forbidden(name ? `${qualified} ${JSON.stringify(name)} is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`, { group, resource, ...(name ? { name } : {}) });
}

const DECISION = 'authorization.k8s.io/decision';
const REASON = 'authorization.k8s.io/reason';

export function authorizationFilter(authz: Decider) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const ri = req.requestInfo;
    const user = req.user ?? anonymousUser;
    if (!ri) return next();
    const attrs = attributesOf(ri);
    let result: DecisionResult;
    try {
      result = await authz.decide(user, attrs);
    } catch (e) {
      addAuditAnnotation(req, REASON, 'internal error');
      return writeError(res, errors.internal(e instanceof Error ? e.message : String(e)));
    }
    // The decision and the authorizer's reason go into the audit events, as upstream records them.
    const allowed = result.decision === 'Allow';
    addAuditAnnotation(req, DECISION, allowed ? 'allow' : 'forbid');
    addAuditAnnotation(req, REASON, result.reason);
    if (!allowed) return writeError(res, forbiddenError(user, attrs, result.reason));
    runAsUser(user, next);
  };
}

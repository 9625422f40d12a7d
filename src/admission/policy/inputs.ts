// The CEL inputs of one admission request, shared by policies and webhook match conditions:
// object, oldObject, request and an authorizer for the requesting user whose decisions are
// fetched once per request.
import type { ResourceInfo } from '../../api/resource-info.js';
import type { AuthorizeFn } from '../../authz/union.js';
import { AuthorizerV, AuthzSession, requestResourceCheck } from '../../cel/lib/authz.js';
import type { Operation } from '../plugin.js';
import { admissionRequest, admissionUser } from '../request.js';
import type { RequestAttributes } from '../webhook/match.js';
import type { Inputs } from './activation.js';

export interface RequestInputs {
  inputs: Inputs;
  session: AuthzSession;
  /** The request's object name, as admission errors name it. */
  name: string;
}

/** `matched`: the entry the request was matched as, whose version `a` carries the objects at. */
export function requestInputs(op: Operation, info: ResourceInfo, a: RequestAttributes, dryRun: boolean, authorize: AuthorizeFn, matched = info): RequestInputs {
  const session = new AuthzSession(authorize);
  const authorizer = new AuthorizerV(session, admissionUser());
  const name = (a.object ?? a.oldObject)?.metadata.name ?? '';
  const inputs: Inputs = {
    object: a.object, oldObject: a.oldObject, request: admissionRequest('', op, info, a, dryRun, matched), namespaceObject: null, authorizer,
    requestResource: requestResourceCheck(authorizer, { group: info.group, resource: info.resource, subresource: a.subresource, namespace: a.namespace, name }),
  };
  return { inputs, session, name };
}

// A webhook's matchConditions (upstream's matchconditions.Matcher for webhooks): CEL over object,
// oldObject, request and authorizer, compiled once per webhook. A false condition skips the
// webhook; evaluation errors skip it under failurePolicy Ignore and refuse the request (403)
// under Fail.
import { ApiError } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resource-info.js';
import type { AuthorizeFn } from '../../authz/union.js';
import { PolicyActivation } from '../policy/activation.js';
import { compileExpression, RETURNS } from '../policy/compile.js';
import { requestInputs } from '../policy/inputs.js';
import type { CompiledExpr } from '../policy/compiled-policy.js';
import { matchConditions } from '../policy/validator.js';
import type { Operation } from '../plugin.js';
import type { RequestAttributes } from './match.js';

export interface MatchConditionsSources {
  authorize: AuthorizeFn;
}

interface WithConditions {
  name: string;
  failurePolicy?: 'Fail' | 'Ignore';
  matchConditions?: Array<{ name: string; expression: string }>;
}

const compiled = new WeakMap<object, Array<{ name: string; expr: CompiledExpr }>>();

function compiledConditions(h: WithConditions): Array<{ name: string; expr: CompiledExpr }> {
  let c = compiled.get(h);
  if (!c) {
    c = (h.matchConditions ?? []).map(m => ({
      name: m.name, expr: { source: m.expression, compiled: compileExpression(m.expression, { params: false, authorizer: true }, RETURNS.bool) },
    }));
    compiled.set(h, c);
  }
  return c;
}

/** apierrors.NewForbidden's message for the request's resource. */
export function forbidden(info: ResourceInfo, name: string, message: string): ApiError {
  const qualified = info.group ? `${info.resource}.${info.group}` : info.resource;
  return new ApiError(403, 'Forbidden', `${qualified} ${JSON.stringify(name)} is forbidden: ${message}`, {
    name, ...(info.group ? { group: info.group } : {}), kind: info.resource,
  });
}

/** Whether the webhook is to be called; throws the 403 upstream answers for errors under Fail. */
export async function webhookMatchConditions(
  h: WithConditions, op: Operation, info: ResourceInfo, a: RequestAttributes, dryRun: boolean, sources: MatchConditionsSources, matched = info,
): Promise<boolean> {
  const { inputs, session, name } = requestInputs(op, info, a, dryRun, sources.authorize, matched);
  const act = new PolicyActivation(inputs);
  const r = await matchConditions(compiledConditions(h), act, h.failurePolicy ?? 'Fail', session);
  if (r.error !== undefined) throw forbidden(info, name, r.error);
  return r.matches;
}

// One policy's decisions for one (binding, param) pair, as upstream's validator.Validate makes
// them: match conditions first (their own, smaller budget), then validations and message
// expressions sharing the request budget, then audit annotations with a fresh one. failurePolicy
// turns evaluation errors into denials (Fail) or admissions (Ignore).
import { RUNTIME_CEL_COST_BUDGET } from '../../cel/env.js';
import type { AuthzSession } from '../../cel/lib/authz.js';
import { typeOfValue } from '../../cel/values.js';
import { OutOfBudget, PolicyActivation, type Inputs, type Outcome } from './activation.js';
import type { CompiledExpr, CompiledPolicy } from './compiled-policy.js';

/** k8s.io/apiserver/pkg/apis/cel: RuntimeCELCostBudgetMatchConditions and MaxEvaluatedMessageExpressionSizeBytes. */
export const MATCH_CONDITIONS_BUDGET = 2_500_000;
const MAX_MESSAGE_BYTES = 5 * 1024;

export type FailurePolicy = 'Fail' | 'Ignore';

export interface Decision {
  action: 'admit' | 'deny';
  evaluation: 'admit' | 'deny' | 'error';
  message: string;
  /** The validation's reason (default Invalid) for denials by evaluation. */
  reason?: string;
}

export type AuditAnnotationResult =
  | { action: 'publish'; key: string; value: string }
  | { action: 'exclude'; key: string }
  | { action: 'error'; key: string; error: string };

export interface ValidateResult {
  decisions: Decision[];
  auditAnnotations: AuditAnnotationResult[];
}

const errorAction = (f: FailurePolicy): Decision['action'] => (f === 'Ignore' ? 'admit' : 'deny');

/** Evaluates a list in order against one budget; an exhausted budget fails the whole list. */
export async function evaluateList(
  exprs: ReadonlyArray<CompiledExpr | undefined>, act: PolicyActivation, budget: number, session: AuthzSession,
): Promise<{ outcomes: Array<Outcome | undefined>; remaining: number } | { outOfBudget: string }> {
  const outcomes: Array<Outcome | undefined> = [];
  let remaining = budget;
  try {
    for (const e of exprs) {
      if (!e) {
        outcomes.push(undefined);
        continue;
      }
      const r = await session.run(() => act.evaluate(e, remaining));
      outcomes.push(r.outcome);
      remaining = r.remaining;
    }
  } catch (e) {
    if (e instanceof OutOfBudget) return { outOfBudget: e.message };
    throw e;
  }
  return { outcomes, remaining };
}

/** utilerrors.NewAggregate's text. */
export const aggregate = (msgs: string[]): string => (msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`);

export type MatchResult = { matches: boolean; error?: string };

/** upstream's matchconditions.Matcher: any false skips; errors (with no false) follow failurePolicy. */
export async function matchConditions(
  conditions: ReadonlyArray<{ name: string; expr: CompiledExpr }>, act: PolicyActivation, f: FailurePolicy, session: AuthzSession,
): Promise<MatchResult> {
  const r = await evaluateList(conditions.map(c => c.expr), act, MATCH_CONDITIONS_BUDGET, session);
  if ('outOfBudget' in r) return f === 'Fail' ? { matches: false, error: r.outOfBudget } : { matches: false };
  const errs: string[] = [];
  for (const o of r.outcomes) {
    if (!o) continue;
    if (!o.ok) errs.push(o.error);
    else if (o.value === false) return { matches: false };
  }
  if (errs.length > 0) return f === 'Fail' ? { matches: false, error: aggregate(errs) } : { matches: false };
  return { matches: true };
}

function messageOf(o: Outcome | undefined): string {
  if (!o?.ok || typeof o.value !== 'string') return '';
  const m = o.value.trim();
  return Buffer.byteLength(m) > MAX_MESSAGE_BYTES || m.includes('\n') ? '' : m;
}

export async function validate(
  cp: CompiledPolicy, f: FailurePolicy, inputs: Inputs, session: AuthzSession, budget = RUNTIME_CEL_COST_BUDGET,
): Promise<ValidateResult> {
  const errorResult = (message: string): ValidateResult =>
    ({ decisions: [{ action: errorAction(f), evaluation: 'error', message }], auditAnnotations: [] });
  if (cp.matchConditions.length > 0) {
    // Match conditions see no namespaceObject, as upstream evaluates them.
    const m = await matchConditions(cp.matchConditions, new PolicyActivation({ ...inputs, namespaceObject: null }, cp.variables), f, session);
    if (m.error !== undefined) return errorResult(m.error);
    if (!m.matches) return { decisions: [], auditAnnotations: [] };
  }
  const evals = await evaluateList(cp.validations.map(v => v.expr), new PolicyActivation(inputs, cp.variables), budget, session);
  if ('outOfBudget' in evals) return errorResult(evals.outOfBudget);
  const noAuthz = { ...inputs, authorizer: undefined, requestResource: undefined };
  const messages = await evaluateList(cp.validations.map(v => v.message), new PolicyActivation(noAuthz, cp.variables), evals.remaining, session);
  const decisions = cp.validations.map((v, i): Decision => {
    const o = evals.outcomes[i]!;
    if (!o.ok) return { action: errorAction(f), evaluation: 'error', message: o.error };
    if ('outOfBudget' in messages) return { action: errorAction(f), evaluation: 'error', message: `failed messageExpression: ${messages.outOfBudget}` };
    if (o.value === true) return { action: 'admit', evaluation: 'admit', message: '' };
    const message = messageOf(messages.outcomes[i]) || (v.validation.message ?? '').trim() || `failed expression: ${v.validation.expression.trim()}`;
    return { action: 'deny', evaluation: 'deny', message, reason: v.validation.reason || 'Invalid' };
  });
  const audits = await evaluateList(cp.auditAnnotations.map(a => a.expr), new PolicyActivation(inputs, cp.variables), budget, session);
  if ('outOfBudget' in audits) return errorResult(audits.outOfBudget);
  const auditAnnotations = cp.auditAnnotations.map((a, i): AuditAnnotationResult => {
    const key = a.annotation.key;
    const o = audits.outcomes[i]!;
    if (!o.ok) return f === 'Ignore' ? { action: 'exclude', key } : { action: 'error', key, error: o.error };
    if (o.value === null) return { action: 'exclude', key };
    if (typeof o.value !== 'string') {
      return { action: 'error', key, error: `valueExpression '${a.annotation.valueExpression}' resulted in unsupported return type: ${typeOfValue(o.value)}. Return type must be either string or null.` };
    }
    const value = o.value.trim();
    return value === '' ? { action: 'exclude', key } : { action: 'publish', key, value };
  });
  return { decisions, auditAnnotations };
}

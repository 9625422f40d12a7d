// Evaluating x-kubernetes-validations on custom resources (schema/cel/validation.go): each
// non-null node runs its rules with self (and oldSelf on update, correlated by property, map key
// or list-map keys), charging one shared runtime budget; failures are reported with the rule's
// message, messageExpression or "failed rule: <rule>", at the node or the rule's fieldPath.
// On update, failures of rules without oldSelf on values equal to their old value are dropped
// (CRDValidationRatcheting), judged at the nearest node that correlates with the old object.
import { fe, path as fp } from '../../api/validation/field.js';
import { type StatusCause } from '../../api/types.js';
import { RUNTIME_CEL_COST_BUDGET, PER_CALL_LIMIT } from '../../cel/env.js';
import { type Activation } from '../../cel/eval.js';
import { OptionalV } from '../../cel/values.js';
import { Correlated } from '../schema/correlated.js';
import { type JSONSchemaProps, type ValidationRule } from '../types.js';
import { compiledRules, type CompiledRule } from './compile.js';
import { toCelValue, withTypeAndObjectMeta } from './schema-types.js';

const MAX_MESSAGE_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ruleString = (r: ValidationRule) => (r.message ? r.message.trim() : r.rule.trim());

/** The node's correlation with the old object, else its nearest correlated ancestor's. */
interface Ratchet {
  cur?: Correlated | undefined;
  parent?: Correlated | undefined;
}

const shouldRatchet = (r: Ratchet) => (r.cur ? r.cur.equal() : r.parent?.equal() ?? false);

function ratchetKey(r: Ratchet, k: string): Ratchet {
  if (!r.cur) return r;
  // The root's apiVersion and kind never ratchet: both objects were converted to the same ones.
  if (!r.parent && (k === 'apiVersion' || k === 'kind')) return {};
  return { cur: r.cur.key(k), parent: r.cur };
}

const ratchetIndex = (r: Ratchet, i: number): Ratchet => (r.cur ? { cur: r.cur.index(i), parent: r.cur } : r);

interface State {
  budget: number;
  errs: StatusCause[];
  /** Set once the budget is gone or a per-call limit was hit: nothing further runs. */
  stopped: boolean;
  warn: ((text: string) => void) | undefined;
}

function failure(at: string, value: unknown, detail: string, reason: string | undefined): StatusCause {
  switch (reason) {
    case 'FieldValueForbidden': return fe.forbidden(at, detail);
    case 'FieldValueRequired': return fe.required(at, detail);
    case 'FieldValueDuplicate': return fe.duplicate(at, value);
    default: return fe.invalid(at, value, detail);
  }
}

/** The messageExpression's text, or undefined to fall back to the rule's message. */
function evalMessage(c: CompiledRule, act: Activation, at: string, shown: unknown, st: State): string | undefined {
  const r = c.messageProgram!.evaluate(act, PER_CALL_LIMIT);
  if (r.cost > st.budget) {
    st.errs.push(fe.invalid(at, shown, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'));
    st.stopped = true;
    return undefined;
  }
  if (!r.ok && r.costExceeded) {
    st.errs.push(fe.invalid(at, shown, `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(c.rule.messageExpression)}`));
    st.stopped = true;
    return undefined;
  }
  st.budget -= r.cost;
  // Evaluation errors, non-strings and unusable text all fall back to the static message.
  if (!r.ok || typeof r.value !== 'string') return undefined;
  const text = r.value.trim();
  if (!text || text.length > MAX_MESSAGE_BYTES || /\n/.test(text)) return undefined;
  return text;
}

function runRules(schema: JSONSchemaProps, isRoot: boolean, at: string, obj: unknown, old: unknown, rt: Ratchet, st: State): void {
  const rules = compiledRules(schema, isRoot);
  if (!rules.length || obj === null || obj === undefined || st.stopped) return;
  const type = schema.type ?? '';
  if (st.budget <= 0) {
    st.errs.push(fe.invalid(at, type, OUT_OF_BUDGET));
    st.stopped = true;
    return;
  }
  const typed = isRoot ? withTypeAndObjectMeta(schema) : schema;
  const self = toCelValue(obj, typed);
  const oldSelf = old === undefined || old === null ? undefined : toCelValue(old, typed);
  const act: Activation = n => (n === 'self' ? self : n === 'oldSelf' ? oldSelf : undefined);
  const optAct: Activation = n => (n === 'self' ? self : n === 'oldSelf' ? new OptionalV(oldSelf) : undefined);
  for (const c of rules) {
    if (c.error) {
      st.errs.push(fe.invalid(at, type, `rule compile error: ${c.error}`));
      continue;
    }
    if (!c.program) continue;
    const optional = !!c.rule.optionalOldSelf;
    // Transition rules run only against an existing value, unless oldSelf is optional.
    if (c.usesOldSelf && oldSelf === undefined && !optional) continue;
    const r = c.program.evaluate(optional ? optAct : act, PER_CALL_LIMIT);
    if (r.cost > st.budget) {
      st.errs.push(fe.invalid(at, type, OUT_OF_BUDGET));
      st.stopped = true;
      return;
    }
    st.budget -= r.cost;
    if (!r.ok) {
      const rs = ruleString(c.rule);
      if (r.costExceeded) {
        st.errs.push(fe.invalid(at, type, `'${r.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${rs}`));
        st.stopped = true;
        return;
      }
      if (r.message.startsWith('no such overload')) {
        st.errs.push(fe.invalid(at, type, `'${r.message}': call arguments did not match a supported operator, function or macro signature for rule: ${rs}`));
      } else {
        st.errs.push(fe.invalid(at, type, `${r.message} evaluating rule: ${rs}`));
      }
      continue;
    }
    if (r.value === true) continue;
    const errAt = c.fieldPath ? fp.child(at, c.fieldPath) : at;
    const shown = type === 'object' || type === 'array' ? type : obj;
    let detail = c.messageProgram ? evalMessage(c, act, errAt, shown, st) : undefined;
    if (st.stopped) return;
    detail ??= c.rule.message ? c.rule.message.trim() : `failed rule: ${ruleString(c.rule)}`;
    const err = failure(errAt, shown, detail, c.rule.reason);
    // Upstream turns a ratcheted failure into a response warning (the field error's text).
    if (!c.usesOldSelf && shouldRatchet(rt)) st.warn?.(`${err.field}: ${err.message}`);
    else st.errs.push(err);
  }
}

function walk(schema: JSONSchemaProps, isRoot: boolean, at: string, obj: unknown, old: unknown, rt: Ratchet, st: State): void {
  if (obj === null || obj === undefined) return;
  runRules(schema, isRoot, at, obj, old, rt, st);
  if (st.stopped) return;
  if (isObj(obj)) {
    const oldObj = isObj(old) ? old : undefined;
    for (const [name, ps] of Object.entries(schema.properties ?? {})) {
      if (name in obj) walk(ps, !!ps['x-kubernetes-embedded-resource'], fp.child(at, name), obj[name], oldObj?.[name], ratchetKey(rt, name), st);
    }
    if (typeof schema.additionalProperties === 'object') {
      const ap = schema.additionalProperties;
      for (const [k, v] of Object.entries(obj)) walk(ap, !!ap['x-kubernetes-embedded-resource'], fp.key(at, k), v, oldObj?.[k], ratchetKey(rt, k), st);
    }
  } else if (Array.isArray(obj) && schema.items && !Array.isArray(schema.items)) {
    const it = schema.items;
    // oldSelf of an item is the old item of the same list-map keys; other lists do not correlate.
    const items = new Correlated(obj, old, schema);
    obj.forEach((v, i) => walk(it, !!it['x-kubernetes-embedded-resource'], fp.index(at, i), v, items.index(i)?.old, ratchetIndex(rt, i), st));
  }
}

export interface RuleOptions {
  /** The path of obj (default: the object root, ''). */
  at?: string;
  /** Whether schema is a resource root, whose self carries apiVersion, kind and metadata (default true). */
  isRoot?: boolean;
  /** Drop failures on unchanged values when old is given (default true: updates ratchet). */
  ratchet?: boolean;
  /** Receives the text of each ratcheted failure, which upstream sends as a warning. */
  warn?: (text: string) => void;
  /** A runtime budget shared across calls (default: a fresh RUNTIME_CEL_COST_BUDGET); left at -1 once exhausted. */
  budget?: { remaining: number };
}

/**
 * Runs every x-kubernetes-validations rule of a CRD version's schema against a custom resource
 * (old is the stored object on update).
 */
export function validateCustomResourceRules(schema: JSONSchemaProps, obj: unknown, old: unknown | undefined, opts: RuleOptions = {}): StatusCause[] {
  const st: State = { budget: opts.budget?.remaining ?? RUNTIME_CEL_COST_BUDGET, errs: [], stopped: false, warn: opts.warn };
  const ratchet = opts.ratchet !== false && old !== undefined && old !== null;
  walk(schema, opts.isRoot ?? true, opts.at ?? '', obj, old, ratchet ? { cur: new Correlated(obj, old, schema) } : {}, st);
  if (opts.budget) opts.budget.remaining = st.stopped ? -1 : st.budget;
  return st.errs;
}

// CRD create/update validation of x-kubernetes-validations (apiextensions validation.go): rule
// shape checks, compile errors, and the static cost limits — per expression (estimated cost
// times how many times the node can occur) and for the whole schema.
import { GoText, fe, path as fp } from '../../api/validation/field.js';
import { type StatusCause } from '../../api/types.js';
import { type JSONSchemaProps, type ValidationRule } from '../types.js';
import { compiledRules } from './compile.js';
import { validFieldPath } from './field-path.js';
import { declType, maxItemsFromMinSize, maxPropertiesFromMinSize } from './schema-types.js';

/** StaticEstimatedCostLimit and StaticEstimatedCRDCostLimit. */
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const SUPPORTED_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const MOST_EXPENSIVE = 4;
const hasNewlines = (s: string) => /[\n\r]/.test(s);

/** getCostErrorMessage: how far over the limit, worded as upstream. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const f = cost / limit;
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

const goPtr = (type: string, v: unknown) => (v === undefined ? `(*${type})(nil)` : `(*${type})(${JSON.stringify(v)})`);

/** Go's %#v of the apiextensions.ValidationRule, the value upstream reports with rule errors. */
function goRule(r: ValidationRule): GoText {
  const q = (s: string | undefined) => JSON.stringify(s ?? '');
  return new GoText(`apiextensions.ValidationRule{Rule:${q(r.rule)}, Message:${q(r.message)}, MessageExpression:${q(r.messageExpression)}, ` +
    `Reason:${goPtr('apiextensions.FieldValueErrorReason', r.reason)}, FieldPath:${q(r.fieldPath)}, OptionalOldSelf:${goPtr('bool', r.optionalOldSelf)}}`);
}

function shapeErrors(rule: ValidationRule, schema: JSONSchemaProps, at: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const rulePath = fp.child(at, 'rule');
  const trimmedMsg = (rule.message ?? '').trim();
  if (!(rule.rule ?? '').trim()) errs.push(fe.required(rulePath, 'rule is not specified'));
  else if (rule.message !== undefined && rule.message.length > 0 && !trimmedMsg) errs.push(fe.invalid(fp.child(at, 'message'), rule.message, 'must be non-empty if specified'));
  else if (hasNewlines(trimmedMsg)) errs.push(fe.invalid(fp.child(at, 'message'), rule.message, 'must not contain line breaks'));
  else if (hasNewlines(rule.rule.trim()) && !trimmedMsg) errs.push(fe.required(fp.child(at, 'message'), 'message must be specified if rule contains line breaks'));
  if (rule.messageExpression !== undefined && rule.messageExpression.length > 0 && !rule.messageExpression.trim()) {
    errs.push(fe.required(fp.child(at, 'messageExpression'), 'messageExpression must be non-empty if specified'));
  }
  if (rule.reason !== undefined && !SUPPORTED_REASONS.includes(rule.reason)) errs.push(fe.notSupported(fp.child(at, 'reason'), rule.reason, SUPPORTED_REASONS));
  if (rule.fieldPath !== undefined && rule.fieldPath.length > 0) {
    if (!rule.fieldPath.trim()) errs.push(fe.invalid(fp.child(at, 'fieldPath'), rule.fieldPath, 'must be non-empty if specified'));
    if (hasNewlines(rule.fieldPath)) errs.push(fe.invalid(fp.child(at, 'fieldPath'), rule.fieldPath, 'must not contain line breaks'));
    if (!validFieldPath(rule.fieldPath, schema).ok) errs.push(fe.invalid(fp.child(at, 'fieldPath'), rule.fieldPath, 'must be a valid path'));
  }
  return errs;
}

interface Walk {
  errs: StatusCause[];
  costs: Array<{ path: string; cost: number }>;
}

function walkNode(schema: JSONSchemaProps, at: string, cardinality: number, isRoot: boolean, w: Walk): void {
  const rules = schema['x-kubernetes-validations'] ?? [];
  if (rules.length) {
    const base = fp.child(at, 'x-kubernetes-validations');
    const shape = rules.flatMap((r, i) => shapeErrors(r, schema, fp.index(base, i)));
    w.errs.push(...shape);
    if (!shape.length) {
      compiledRules(schema, isRoot).forEach((c, i) => {
        const ruleAt = fp.index(base, i);
        const rulePath = fp.child(ruleAt, 'rule');
        const cost = (c.program?.estimatedCost ?? 0) * cardinality;
        if (cost > STATIC_ESTIMATED_COST_LIMIT) w.errs.push(fe.forbidden(rulePath, costErrorMessage('estimated rule cost', cost, STATIC_ESTIMATED_COST_LIMIT)));
        w.costs.push({ path: rulePath, cost });
        if (c.error) w.errs.push(fe.invalid(rulePath, goRule(c.rule), c.error));
        if (c.messageError) w.errs.push(fe.invalid(fp.child(ruleAt, 'messageExpression'), goRule(c.rule), c.messageError));
        else if (c.messageProgram) {
          const mcost = c.messageProgram.estimatedCost * cardinality;
          if (mcost > STATIC_ESTIMATED_COST_LIMIT) {
            w.errs.push(fe.forbidden(fp.child(ruleAt, 'messageExpression'), costErrorMessage('estimated messageExpression cost', mcost, STATIC_ESTIMATED_COST_LIMIT)));
          }
          w.costs.push({ path: fp.child(ruleAt, 'messageExpression'), cost: mcost });
        }
        if (!c.usesOldSelf && c.rule.optionalOldSelf !== undefined && c.program) {
          w.errs.push(fe.invalid(fp.child(ruleAt, 'optionalOldSelf'), c.rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
        }
      });
    }
  }
  for (const [name, ps] of Object.entries(schema.properties ?? {})) {
    walkNode(ps, fp.key(fp.child(at, 'properties'), name), cardinality, !!ps['x-kubernetes-embedded-resource'], w);
  }
  if (schema.items && !Array.isArray(schema.items)) {
    const it = schema.items;
    const n = schema.maxItems ?? maxItemsFromMinSize(declType(it, !!it['x-kubernetes-embedded-resource']).minSize);
    walkNode(it, fp.child(at, 'items'), cardinality * Math.max(0, n), !!it['x-kubernetes-embedded-resource'], w);
  }
  if (typeof schema.additionalProperties === 'object') {
    const ap = schema.additionalProperties;
    const n = schema.maxProperties ?? maxPropertiesFromMinSize(declType(ap, !!ap['x-kubernetes-embedded-resource']).minSize);
    walkNode(ap, fp.child(at, 'additionalProperties'), cardinality * Math.max(0, n), !!ap['x-kubernetes-embedded-resource'], w);
  }
}

/**
 * Validation errors for every x-kubernetes-validations rule in a CRD's structural schema.
 * path is the schema's own field path, e.g. 'spec.validation.openAPIV3Schema' or
 * 'spec.versions[0].schema.openAPIV3Schema'.
 */
export function compileSchemaValidations(schema: JSONSchemaProps, path: string): StatusCause[] {
  const w: Walk = { errs: [], costs: [] };
  walkNode(schema, path, 1, true, w);
  const total = w.costs.reduce((a, c) => a + c.cost, 0);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    const top = [...w.costs].sort((a, b) => b.cost - a.cost).slice(0, MOST_EXPENSIVE);
    for (const t of top) w.errs.push(fe.forbidden(t.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema'));
    w.errs.push(fe.forbidden(path, costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', total, STATIC_ESTIMATED_CRD_COST_LIMIT)));
  }
  return w.errs;
}

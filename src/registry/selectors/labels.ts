// Label selectors: the `labelSelector=` grammar and matching of k8s.io/apimachinery/pkg/labels,
// with upstream's error messages (clients show them verbatim).
import { errors } from '../../api/errors.js';
import { goQuote } from './go-quote.js';
import { ParseError, parseRequirements } from './label-parser.js';
import type { LabelOperator, LabelRequirement, LabelSelector, LabelSelectorObject } from './label-requirement.js';
import { NOTHING, newRequirement, selectorOf, sortedCopy } from './label-requirement.js';

export type { LabelOperator, LabelRequirement, LabelSelector, LabelSelectorObject };
export { NOTHING };

/** Parses a `labelSelector=` value; a syntax or validation error is a 400 BadRequest. */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return selectorOf(parseRequirements(s));
  } catch (e) {
    if (e instanceof ParseError) throw errors.badRequest(e.message);
    throw e;
  }
}

/**
 * Converts a metav1.LabelSelector (upstream's LabelSelectorAsSelector): null/undefined selects
 * nothing, an empty one selects everything. Throws a 400 with upstream's message when invalid.
 */
export function fromLabelSelectorObject(ps: LabelSelectorObject | null | undefined): LabelSelector {
  if (!ps) return NOTHING;
  const matchLabels = ps.matchLabels ?? {};
  const expressions = ps.matchExpressions ?? [];
  const requirements: LabelRequirement[] = [];
  const add = (r: LabelRequirement | string) => {
    if (typeof r === 'string') throw errors.badRequest(r);
    requirements.push(r);
  };
  for (const [k, v] of Object.entries(matchLabels)) add(newRequirement(k, '=', [v]));
  const operators: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
  for (const expr of expressions) {
    const op = Object.prototype.hasOwnProperty.call(operators, expr.operator) ? operators[expr.operator] : undefined;
    if (!op) throw errors.badRequest(`${goQuote(expr.operator)} is not a valid label selector operator`);
    // Upstream copies with append([]string(nil), ...): no values is a nil slice.
    add(newRequirement(expr.key, op, expr.values?.length ? [...expr.values] : null));
  }
  return selectorOf(requirements);
}

/** Upstream's labels.FormatLabels: sorted `k=v` pairs, or "<none>". */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? sortedCopy(pairs).join(',') : '<none>';
}

/** Upstream's metav1.FormatLabelSelector: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(ps: LabelSelectorObject | null | undefined): string {
  try {
    return fromLabelSelectorObject(ps).toString() || '<none>';
  } catch {
    return '<error>';
  }
}

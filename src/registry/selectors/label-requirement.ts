// Label selector requirements: construction with upstream's validation and error texts
// (NewRequirement), matching and printing (k8s.io/apimachinery/pkg/labels).
import { goQuote } from './go-quote.js';
import { isQualifiedName, isValidLabelValue } from './label-validation.js';

/** Upstream's selection.Operator spellings. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  /** Sorted by key, as upstream keeps them. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector selects everything. */
  isEmpty(): boolean;
  toString(): string;
}

/** The metav1.LabelSelector shape (deployments, replica sets, network policies, ...). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

// ---- requirement construction (upstream's NewRequirement) ----

/** One field.Error of type Invalid; `value` is a string or a []string shown as Go's %#v. */
export interface FieldError {
  path: string;
  value: string | { values: readonly string[] | null };
  detail: string;
}

function showValue(v: FieldError['value']): string {
  if (typeof v === 'string') return goQuote(v);
  if (v.values === null) return '[]string(nil)';
  return `[]string{${v.values.map(goQuote).join(', ')}}`;
}

export function fieldErrorText(e: FieldError): string {
  return `${e.path}: Invalid value: ${showValue(e.value)}: ${e.detail}`;
}

/** Upstream's errors.Aggregate text: one message alone, several deduplicated in brackets. */
function aggregate(errs: FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorText))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64); undefined when Go would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * Builds a requirement, or returns the aggregated error text. Field paths are relative, as
 * upstream's are when no path is given; `values` null is Go's nil slice.
 */
export function newRequirement(key: string, operator: LabelOperator, values: string[] | null): LabelRequirement | string {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push({ path: 'key', value: key, detail: keyErrs.join('; ') });
  const vals = values ?? [];
  const valuesPath = 'values';
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push({ path: valuesPath, value: { values }, detail: "for 'in', 'notin' operators, values set can't be empty" });
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push({ path: valuesPath, value: { values }, detail: 'exact-match compatibility requires one single value' });
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push({ path: valuesPath, value: { values }, detail: 'values set must be empty for exists and does not exist' });
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push({ path: valuesPath, value: { values }, detail: "for 'Gt', 'Lt' operators, exactly one value is required" });
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push({ path: `${valuesPath}[${i}]`, value: v, detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
      });
      break;
  }
  vals.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push({ path: `${valuesPath}[${i}][${key}]`, value: v, detail: valueErrs.join('; ') });
  });
  return errs.length ? aggregate(errs) : { key, operator, values: vals };
}

// ---- matching and printing ----

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function sortedCopy(values: readonly string[]): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function requirementString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0]! : sortedCopy(r.values).join(',');
  switch (r.operator) {
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

export function selectorOf(requirements: LabelRequirement[]): LabelSelector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    matches: labels => sorted.every(r => requirementMatches(r, labels ?? {})),
    isEmpty: () => sorted.length === 0,
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** Matches no object at all (upstream's labels.Nothing(), what a nil metav1.LabelSelector means). */
export const NOTHING: LabelSelector = {
  requirements: [],
  matches: () => false,
  isEmpty: () => false,
  toString: () => '',
};

// Field errors as upstream's k8s.io/apimachinery/pkg/util/validation/field builds them: the
// reason (CauseType), the message ErrorBody() prints, and the field path.
import type { StatusCause } from '../types.js';

export type Causes = StatusCause[];

/** A value already printed the way Go's %#v prints it (structs, typed nils). */
export class GoText {
  constructor(readonly text: string) {}
}

const goString = (s: string) => JSON.stringify(s);

function goMap(m: Record<string, unknown>): string {
  const entries = Object.keys(m).sort().map(k => `${goString(k)}:${goString(String(m[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** How ErrorBody prints a bad value: %v for simple types, %q for strings, %#v otherwise. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof GoText) return v.text;
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every(x => typeof x === 'string')) return `[]string{${v.map(x => goString(x as string)).join(', ')}}`;
  if (typeof v === 'object' && Object.values(v).every(x => typeof x === 'string')) return goMap(v as Record<string, unknown>);
  return JSON.stringify(v);
}

/** Go's %#v of a map[string]string, nil when absent. */
export function goStringMap(m: unknown): GoText {
  if (m === undefined || m === null) return new GoText('map[string]string(nil)');
  return new GoText(goMap(m as Record<string, unknown>));
}

/** Go's %#v of a metav1.LabelSelector value. */
export function goLabelSelector(sel: unknown): GoText {
  const s = (sel ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }> };
  const exprs = s.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions.map(e => {
      const values = e.values ? `[]string{${e.values.map(goString).join(', ')}}` : '[]string(nil)';
      return `v1.LabelSelectorRequirement{Key:${goString(e.key ?? '')}, Operator:${goString(e.operator ?? '')}, Values:${values}}`;
    }).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoText(`v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels).text}, MatchExpressions:${exprs}}`);
}

/** Go's time.Time String() of an RFC 3339 timestamp, as metav1.Time prints in errors. */
export function goTime(ts: unknown): GoText {
  if (typeof ts !== 'string') return new GoText('0001-01-01 00:00:00 +0000 UTC');
  return new GoText(`${ts.replace('T', ' ').replace(/Z$/, '')} +0000 UTC`);
}

const withDetail = (head: string, detail: string) => (detail ? `${head}: ${detail}` : head);

export const fe = {
  required: (field: string, detail = ''): StatusCause => ({ reason: 'FieldValueRequired', message: withDetail('Required value', detail), field }),
  invalid: (field: string, value: unknown, detail: string): StatusCause =>
    ({ reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${goValue(value)}`, detail), field }),
  notSupported: (field: string, value: unknown, allowed: string[]): StatusCause => ({
    reason: 'FieldValueNotSupported',
    message: withDetail(`Unsupported value: ${goValue(value)}`, allowed.length ? `supported values: ${allowed.map(goString).join(', ')}` : ''),
    field,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field }),
  duplicate: (field: string, value: unknown): StatusCause => ({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${goValue(value)}`, field }),
  notFound: (field: string, value: unknown): StatusCause => ({ reason: 'FieldValueNotFound', message: `Not found: ${goValue(value)}`, field }),
  tooLong: (field: string, max: number): StatusCause =>
    ({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`, field }),
  tooMany: (field: string, actual: number, max: number): StatusCause =>
    ({ reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items`, field }),
};

/** Field paths as field.Path prints them. */
export const path = {
  child: (base: string, ...names: string[]) => names.reduce((p, n) => (p ? `${p}.${n}` : n), base),
  index: (base: string, i: number) => `${base}[${i}]`,
  key: (base: string, k: string) => `${base}[${k}]`,
};

/** Invalid causes for each message of a string check. */
export function each(field: string, value: unknown, msgs: string[]): Causes {
  return msgs.map(m => fe.invalid(field, value, m));
}

// Typed reads of plain JSON objects.
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Obj[] => list(v).map(x => (isObj(x) ? x : {}));
export const strMap = (v: unknown): Record<string, string> =>
  (isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : String(x)])) : {});

/** field.Error.Error(): the path, then the message. */
export const errorText = (c: StatusCause): string => `${c.field ?? '<nil>'}: ${c.message ?? ''}`;

/** ErrorList.ToAggregate().Error(): one error alone, several deduplicated in brackets. */
export function aggregateText(causes: StatusCause[]): string {
  const msgs = [...new Set(causes.map(errorText))];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

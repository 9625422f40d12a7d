// OpenAPI value validation as kube-openapi's validate.SchemaValidator runs it for custom
// resources: the same validators in the same order, the same messages (path "in body"),
// and the same MatchCount bookkeeping, which picks the anyOf/oneOf failure that is reported.
import type { JSONSchemaProps } from '../types.js';
import type { Correlated } from './correlated.js';
import { formatCheck } from './formats.js';
import { goNumber } from './go-format.js';
import { goPattern } from '../../api/go-regexp.js';

export type OpenAPICode =
  | 'InvalidType' | 'Required' | 'TooLong' | 'TooShort' | 'Pattern' | 'Enum' | 'MultipleOf' | 'Max' | 'Min'
  | 'Unique' | 'MaxItems' | 'MinItems' | 'TooFewProperties' | 'TooManyProperties' | 'UnallowedProperty'
  | 'MultipleOfMustBePositive'
  /** Composite messages (anyOf, oneOf, allOf, not): plain errors without a field name. */
  | 'Composite';

export interface OpenAPIError {
  code: OpenAPICode;
  name: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

interface Result {
  errors: OpenAPIError[];
  matchCount: number;
}

const IN = 'body';

const newResult = (): Result => ({ errors: [], matchCount: 0 });

// Result.AddErrors drops an error whose message was already reported.
function addErrors(r: Result, ...errs: OpenAPIError[]): void {
  for (const e of errs) if (!r.errors.some(x => x.message === e.message)) r.errors.push(e);
}
function merge(r: Result, ...others: (Result | undefined)[]): Result {
  for (const o of others) {
    if (!o) continue;
    addErrors(r, ...o.errors);
    r.matchCount += o.matchCount;
  }
  return r;
}
const single = (e: OpenAPIError): Result => ({ errors: [e], matchCount: 0 });

type Kind = 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

// Unstructured JSON holds int64 for integral numbers and float64 otherwise.
function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return Array.isArray(v) ? 'array' : 'object';
}

/** The schema types after conversion: int-or-string means ["integer", "string"]. */
function typesOf(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

// Unsupported formats are stripped before validation (StripUnsupportedFormatsPostProcess).
const formatOf = (s: JSONSchemaProps): string => (formatCheck(s.format) ? s.format! : '');

function invalidType(path: string, typeName: string, value: unknown): OpenAPIError {
  const message = typeof value === 'string'
    ? `${path} in ${IN} must be of type ${typeName}: ${JSON.stringify(value)}`
    : `${path} in ${IN} must be of type ${typeName}`;
  return { code: 'InvalidType', name: path, value, message };
}

function validateType(s: JSONSchemaProps, data: unknown, path: string): Result {
  const types = typesOf(s);
  const format = formatOf(s);
  const kind = kindOf(data);
  if (kind === 'null') {
    if (types.length > 0 && !types.includes('null') && !s.nullable) return single(invalidType(path, types.join(','), 'null'));
    return { errors: [], matchCount: 1 };
  }
  const dataFormat = kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
  const isIntFloat = kind === 'integer' && types.includes('number');
  if (kind !== 'string' && kind !== 'array' && format !== '' && !(types.includes(kind) || dataFormat === format || isIntFloat)) {
    return single(invalidType(path, format, dataFormat));
  }
  if (!(types.includes('number') || types.includes('integer')) && format !== '' && (kind === 'string' || kind === 'array')) {
    return { errors: [], matchCount: 1 };
  }
  if (!(types.includes(kind) || isIntFloat)) return single(invalidType(path, types.join(','), kind));
  return { errors: [], matchCount: 1 };
}

function validateComposition(s: JSONSchemaProps, data: unknown, path: string, corr: Correlated | undefined): Result {
  const main = newResult();
  const composite = (message: string): OpenAPIError => ({ code: 'Composite', name: '', message });
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let success: Result | undefined;
    for (const sub of s.anyOf) {
      const r = validateSchema(sub, data, path, corr);
      if (r.errors.length === 0) { best = undefined; success = r; break; }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!success) addErrors(main, composite(`${JSON.stringify(path)} must validate at least one schema (anyOf)`));
    merge(main, best ?? success);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let success: Result | undefined;
    let validated = 0;
    for (const sub of s.oneOf) {
      const r = validateSchema(sub, data, path, corr);
      if (r.errors.length === 0) {
        validated++;
        best = undefined;
        success ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const detail = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      addErrors(main, composite(`${JSON.stringify(path)} must validate one and only one schema (oneOf). ${detail}`));
      merge(main, best);
    } else merge(main, success);
  }
  if (s.allOf?.length) {
    let validated = 0;
    for (const sub of s.allOf) {
      const r = validateSchema(sub, data, path, corr);
      if (r.errors.length === 0) validated++;
      merge(main, r);
    }
    if (validated !== s.allOf.length) {
      addErrors(main, composite(`${JSON.stringify(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not && validateSchema(s.not, data, path).errors.length === 0) {
    addErrors(main, composite(`${JSON.stringify(path)} must not validate the schema (not)`));
  }
  main.matchCount++;
  return main;
}

function validateString(s: JSONSchemaProps, data: string, path: string): Result | undefined {
  // Lengths count code points, as utf8.RuneCount does.
  const len = [...data].length;
  if (s.maxLength !== undefined && len > s.maxLength) {
    return single({ code: 'TooLong', name: path, value: data, valid: s.maxLength, message: `${path} in ${IN} should be at most ${s.maxLength} chars long` });
  }
  if (s.minLength !== undefined && len < s.minLength) {
    return single({ code: 'TooShort', name: path, value: data, valid: s.minLength, message: `${path} in ${IN} should be at least ${s.minLength} chars long` });
  }
  if (s.pattern) {
    const rx = goPattern(s.pattern);
    const fail = (p: string): Result => single({ code: 'Pattern', name: path, value: data, message: `${path} in ${IN} should match '${p}'` });
    if (typeof rx === 'string') return fail(`${s.pattern}, but pattern is invalid: ${rx}`);
    if (!rx.test(data)) return fail(s.pattern);
  }
  return undefined;
}

function validateFormat(s: JSONSchemaProps, data: string, path: string): Result | undefined {
  const check = formatCheck(s.format);
  if (!check || check(data)) return undefined;
  return single(invalidType(path, s.format!, data));
}

// swag.IsFloat64AJSONInteger: integral within 2^53, or within a relative epsilon of one.
function isJSONInteger(f: number): boolean {
  if (!Number.isFinite(f) || Math.abs(f) > 2 ** 53 - 1) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.trunc(f);
  const diff = Math.abs(f - g);
  if (g === 0) return diff < 1e-9 * Number.MIN_VALUE;
  return diff / (Math.abs(f) + Math.abs(g)) < 1e-9;
}

function validateNumber(s: JSONSchemaProps, data: number, path: string): Result {
  const res = newResult();
  // Integral values are checked as int64 against truncated bounds, as the native-type checks do.
  const isInt = Number.isInteger(data);
  const bound = (b: number) => (isInt ? Math.trunc(b) : b);
  const err = (code: OpenAPICode, message: string, value: unknown = data): OpenAPIError => ({ code, name: path, value, message });
  if (s.multipleOf !== undefined) {
    const factor = bound(s.multipleOf);
    if (factor <= 0) {
      addErrors(res, err('MultipleOfMustBePositive', `factor MultipleOf declared for ${path} must be positive: ${goNumber(factor)}`, factor));
    } else {
      const ok = isInt ? data % factor === 0 : isJSONInteger(factor < 1 ? (1 / factor) * data : data / factor);
      if (!ok) addErrors(res, err('MultipleOf', `${path} in ${IN} should be a multiple of ${goNumber(factor)}`));
    }
  }
  if (s.minimum !== undefined) {
    const min = bound(s.minimum);
    const ex = !!s.exclusiveMinimum;
    if (ex ? data <= min : data < min) addErrors(res, err('Min', `${path} in ${IN} should be greater than ${ex ? '' : 'or equal to '}${goNumber(min)}`));
  }
  if (s.maximum !== undefined) {
    const max = bound(s.maximum);
    const ex = !!s.exclusiveMaximum;
    if (ex ? data >= max : data > max) addErrors(res, err('Max', `${path} in ${IN} should be less than ${ex ? '' : 'or equal to '}${goNumber(max)}`));
  }
  res.matchCount++;
  return res;
}

function validateSlice(s: JSONSchemaProps, data: unknown[], path: string, corr: Correlated | undefined): Result {
  const res = newResult();
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (items) data.forEach((v, i) => merge(res, validateSchema(items, v, `${path}[${i}]`, corr?.index(i))));
  if (s.minItems !== undefined && data.length < s.minItems) {
    addErrors(res, { code: 'MinItems', name: path, value: data.length, valid: s.minItems, message: `${path} in ${IN} should have at least ${s.minItems} items` });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    addErrors(res, { code: 'MaxItems', name: path, value: data.length, valid: s.maxItems, message: `${path} in ${IN} should have at most ${s.maxItems} items` });
  }
  if (s.uniqueItems) {
    const seen = new Set<string>();
    if (data.some(v => { const k = canonicalJSON(v); const dup = seen.has(k); seen.add(k); return dup; })) {
      addErrors(res, { code: 'Unique', name: path, message: `${path} in ${IN} shouldn't contain duplicates` });
    }
  }
  res.matchCount++;
  return res;
}

/** JSON with sorted keys, as Go's json.Marshal writes maps; also a deep-equality key. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map(k => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function validateEnum(s: JSONSchemaProps, data: unknown, path: string): Result | undefined {
  if (!s.enum?.length) return undefined;
  // A null value never matches: reflect cannot convert an invalid value.
  if (data !== null && data !== undefined) {
    const key = canonicalJSON(data);
    if (s.enum.some(e => e !== null && canonicalJSON(e) === key)) return undefined;
  }
  const shown = s.enum.map(e => (typeof e === 'string' ? e : canonicalJSON(e)));
  return single({ code: 'Enum', name: path, value: data, values: s.enum, message: `${path} in ${IN} should be one of [${shown.join(' ')}]` });
}

function validateObject(s: JSONSchemaProps, data: Record<string, unknown>, path: string, corr: Correlated | undefined): Result {
  // The root's apiVersion and kind never ratchet: both objects were converted to the same ones.
  const childCorr = (k: string) => (path === '' && (k === 'apiVersion' || k === 'kind') ? undefined : corr?.key(k));
  const res = newResult();
  const keys = Object.keys(data);
  const props = s.properties ?? {};
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    addErrors(res, { code: 'TooFewProperties', name: path, value: keys.length, valid: s.minProperties, message: `${path} in ${IN} should have at least ${s.minProperties} properties` });
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    addErrors(res, { code: 'TooManyProperties', name: path, value: keys.length, valid: s.maxProperties, message: `${path} in ${IN} should have at most ${s.maxProperties} properties` });
  }
  const additional = s.additionalProperties;
  for (const k of keys) {
    if (Object.hasOwn(props, k)) continue;
    if (additional === false) addErrors(res, { code: 'UnallowedProperty', name: path, value: k, message: `${path}.${k} in ${IN} is a forbidden property` });
    else if (typeof additional === 'object') merge(res, validateSchema(additional, data[k], `${path}.${k}`, childCorr(k)));
  }
  for (const [name, sub] of Object.entries(props)) {
    if (Object.hasOwn(data, name)) merge(res, validateSchema(sub, data[name], path ? `${path}.${name}` : name, childCorr(name)));
  }
  for (const k of s.required ?? []) {
    if (!Object.hasOwn(data, k)) addErrors(res, { code: 'Required', name: `${path}.${k}`, message: `${path}.${k} in ${IN} is required` });
  }
  return res;
}

/**
 * SchemaValidator.Validate at path (kube-openapi's path spelling: "spec.items[0].name").
 * With corr (an update), the errors of a value equal to its old value are dropped (ratcheting).
 */
export function validateSchema(s: JSONSchemaProps, data: unknown, path: string, corr?: Correlated): Result {
  const result = validateNode(s, data, path, corr);
  return corr && result.errors.length > 0 && corr.equal() ? { errors: [], matchCount: result.matchCount } : result;
}

function validateNode(s: JSONSchemaProps, data: unknown, path: string, corr: Correlated | undefined): Result {
  const result = newResult();
  const kind = kindOf(data);
  const appliesType = typesOf(s).length > 0 || formatOf(s) !== '';
  if (kind === 'null') {
    if (appliesType) merge(result, validateType(s, data, path));
    merge(result, validateEnum(s, data, path));
    return result;
  }
  const step = (r: Result | undefined) => { merge(result, r); result.matchCount++; };
  if (appliesType) step(validateType(s, data, path));
  step(validateComposition(s, data, path, corr));
  if (kind === 'string') {
    step(validateString(s, data as string, path));
    if (formatCheck(s.format)) step(validateFormat(s, data as string, path));
  }
  if (kind === 'integer' || kind === 'number') step(validateNumber(s, data as number, path));
  if (kind === 'array') step(validateSlice(s, data as unknown[], path, corr));
  step(validateEnum(s, data, path));
  if (kind === 'object') step(validateObject(s, data as Record<string, unknown>, path, corr));
  result.matchCount++;
  return result;
}

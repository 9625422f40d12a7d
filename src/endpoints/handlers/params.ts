// Query parameter parsing shared by the verbs, with upstream's validation messages.
import { errors } from '../../api/errors.js';
import type { ListParams } from '../../registry/predicate.js';
import { parseIncludeObject, type IncludeObject } from '../table.js';

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/** upstream's ValidateDryRun: every value must be "All" (422 Invalid on the options kind). */
export function dryRunValuesOf(values: string[], kind: OptionsKind): boolean {
  if (values.some(v => v !== 'All')) {
    const shown = `[]string{${values.map(v => JSON.stringify(v)).join(', ')}}`;
    throw errors.invalid('meta.k8s.io', kind, '', [{ reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${shown}: supported values: "All"` }]);
  }
  return values.length > 0;
}

export function dryRunOf(q: URLSearchParams, kind: OptionsKind = 'UpdateOptions'): boolean {
  return dryRunValuesOf(q.getAll('dryRun'), kind);
}

/**
 * An integer query parameter as upstream's parameter conversion reads it, with Go's
 * strconv.ParseInt (base 10, 64 bits): present but empty, not digits, or out of range is 400.
 */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

const invalidListOptions = (reason: string, field: string, message: string) =>
  errors.invalid('meta.k8s.io', 'ListOptions', '', [{ reason, field, message }]);

/** A boolean query parameter as Go's strconv.ParseBool reads it; undefined when absent or empty. */
function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
}

/** Upstream's ValidateListOptions for a list. */
function validateListMatch(match: string, rv: string | null, cont: string | null): void {
  if (!rv) throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (cont) throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden when continue is provided');
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    throw invalidListOptions('FieldValueNotSupported', 'resourceVersionMatch', `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`);
  }
  if (match === 'Exact' && rv === '0') {
    throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
}

/** Upstream's validateWatchOptions: resourceVersionMatch goes with sendInitialEvents, and is NotOlderThan. */
function validateWatchMatch(match: string, sendInitialEvents: boolean | undefined, cont: string | null): void {
  if (sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
  }
  if (match === '') return;
  if (sendInitialEvents === undefined) {
    throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  if (match !== 'NotOlderThan') {
    throw invalidListOptions('FieldValueNotSupported', 'resourceVersionMatch', `Unsupported value: "${match}": supported values: "NotOlderThan"`);
  }
  if (cont) throw invalidListOptions('FieldValueForbidden', 'resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden when continue is provided');
}

export function listParamsOf(q: URLSearchParams, watch = false): ListParams {
  const p: ListParams = {};
  const ls = q.get('labelSelector');
  if (ls) p.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) p.fieldSelector = fs;
  const limit = intParam(q, 'limit');
  // Lists ignore timeoutSeconds, but upstream's parameter decoding still refuses a bad one.
  intParam(q, 'timeoutSeconds');
  if (limit !== undefined && limit > 0) p.limit = limit;
  const cont = q.get('continue');
  if (cont) p.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null) p.resourceVersion = rv;
  const match = q.get('resourceVersionMatch') ?? '';
  const sendInitialEvents = boolParam(q, 'sendInitialEvents');
  if (watch) {
    validateWatchMatch(match, sendInitialEvents, cont);
    if (sendInitialEvents !== undefined) p.sendInitialEvents = sendInitialEvents;
  } else {
    if (match) validateListMatch(match, rv, cont);
    if (sendInitialEvents !== undefined) throw invalidListOptions('FieldValueForbidden', 'sendInitialEvents', 'Forbidden: sendInitialEvents is forbidden for list');
  }
  if (match) p.resourceVersionMatch = match as 'NotOlderThan' | 'Exact';
  if (cont && rv && rv !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }
  return p;
}

export function includeObjectOf(q: URLSearchParams): IncludeObject {
  return parseIncludeObject(q.get('includeObject') ?? '');
}

export function fieldValidationOf(q: URLSearchParams): 'Ignore' | 'Warn' | 'Strict' {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`);
}

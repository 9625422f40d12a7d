// Errors of the strategic merge patch engine, worded as upstream's strategicpatch/mergepatch
// packages word them (Go `%v` formatting of decoded JSON included), and the status each
// becomes: upstream's handler maps a few sentinel errors to 400/422 and lets the rest through
// as a 500 with no reason.
import { ApiError, errors } from '../../api/errors.js';

export type Sentinel =
  | 'BadPatchFormatForPrimitiveList'
  | 'BadPatchFormatForRetainKeys'
  | 'BadPatchFormatForSetElementOrderList'
  | 'NoListOfLists';

const SENTINEL_MESSAGES: Record<Sentinel, string> = {
  BadPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  BadPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  BadPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  NoListOfLists: 'lists of lists are not supported',
};

export class SmpError extends Error {
  constructor(message: string, readonly sentinel?: Sentinel) {
    super(message);
    this.name = 'SmpError';
  }
}

export function sentinel(s: Sentinel): SmpError {
  return new SmpError(SENTINEL_MESSAGES[s], s);
}

/** The ApiError upstream's interpretStrategicMergePatchError and status writer produce. */
export function toApiError(e: SmpError): ApiError {
  switch (e.sentinel) {
    case 'NoListOfLists':
      return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    case undefined:
      return new ApiError(500, '', e.message);
    default:
      return errors.badRequest(e.message);
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Go type a JSON value decodes to (sigs.k8s.io/json, integers preserved). */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e6 on. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

function goScalar(v: unknown, verb: 'v' | 's'): string {
  if (v === null || v === undefined) return verb === 'v' ? '<nil>' : '%!s(<nil>)';
  if (typeof v === 'string') return v;
  const text = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : goFloat(v)) : String(v);
  return verb === 'v' ? text : `%!s(${goType(v)}=${text})`;
}

/** Go's fmt `%v` (or `%s`) of a decoded JSON value: maps print with sorted keys. */
export function goFormat(v: unknown, verb: 'v' | 's' = 'v'): string {
  if (Array.isArray(v)) return `[${v.map(e => goFormat(e, verb)).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map(k => `${k}:${goFormat(v[k], verb)}`).join(' ')}]`;
  }
  return goScalar(v, verb);
}

export function badArgType(expected: string, actual: unknown): SmpError {
  return new SmpError(`expected a ${expected}, but received a ${goType(actual)}`);
}

export function noMergeKey(m: Record<string, unknown>, key: string): SmpError {
  return new SmpError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

export function badPatchType(directive: unknown, m: Record<string, unknown>): SmpError {
  return new SmpError(`unknown patch type: ${goFormat(directive, 's')} in map: ${goFormat(m)}`);
}

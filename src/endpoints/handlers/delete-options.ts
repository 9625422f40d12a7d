// DeleteOptions as upstream's delete handler reads them: from the body when there is one (the
// query is then ignored), else from the query; Go's typed decoding refuses a field of the wrong
// JSON type (400, where upstream's decoder error is a BadRequest too), and ValidateDeleteOptions
// refuses bad values (422). Nothing is dropped silently, so a malformed request deletes nothing.
import { errors } from '../../api/errors.js';
import { FIND_KIND } from '../../api/decode.js';
import { isObject } from '../../api/types.js';
import { getOwn } from '../../api/own-props.js';
import type { DeleteParams } from '../../registry/store.js';
import { dryRunValuesOf, intParam } from './params.js';

interface DeleteOptionsFields {
  dryRun?: string[];
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
}

/** How encoding/json names a JSON value in "cannot unmarshal" errors. */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' ? 'string' : 'object';
}

function typeError(v: unknown, struct: string, path: string, goType: string): never {
  const value = typeof v === 'number' ? `number ${v}` : jsonKind(v);
  throw errors.badRequest(`json: cannot unmarshal ${goType === 'int64' && typeof v === 'number' ? value : jsonKind(v)} into Go struct field ${struct}.${path} of type ${goType}`);
}

function str(o: object, key: string, struct: string, path: string, goType = 'string'): string | undefined {
  const v = getOwn(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') typeError(v, struct, path, goType);
  return v;
}

function decodeBody(body: unknown): DeleteOptionsFields {
  if (body === null) return {};
  if (!isObject(body)) throw errors.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(body)} into Go value of type ${FIND_KIND}`);
  for (const f of ['apiVersion', 'kind']) str(body, f, '', f);
  const out: DeleteOptionsFields = {};
  const dryRun = getOwn(body, 'dryRun');
  if (dryRun !== undefined && dryRun !== null) {
    if (!Array.isArray(dryRun)) typeError(dryRun, 'DeleteOptions', 'dryRun', '[]string');
    out.dryRun = dryRun.map(v => (typeof v === 'string' ? v : typeError(v, 'DeleteOptions', 'dryRun', 'string')));
  }
  const grace = getOwn(body, 'gracePeriodSeconds');
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== 'number' || !Number.isSafeInteger(grace)) typeError(grace, 'DeleteOptions', 'gracePeriodSeconds', 'int64');
    out.gracePeriodSeconds = grace;
  }
  const pre = getOwn(body, 'preconditions');
  if (pre !== undefined && pre !== null) {
    if (!isObject(pre)) typeError(pre, 'DeleteOptions', 'preconditions', 'v1.Preconditions');
    const uid = str(pre, 'uid', 'Preconditions', 'preconditions.uid', 'types.UID');
    const rv = str(pre, 'resourceVersion', 'Preconditions', 'preconditions.resourceVersion');
    out.preconditions = { ...(uid !== undefined ? { uid } : {}), ...(rv !== undefined ? { resourceVersion: rv } : {}) };
  }
  const orphan = getOwn(body, 'orphanDependents');
  if (orphan !== undefined && orphan !== null) {
    if (typeof orphan !== 'boolean') typeError(orphan, 'DeleteOptions', 'orphanDependents', 'bool');
    out.orphanDependents = orphan;
  }
  const policy = str(body, 'propagationPolicy', 'DeleteOptions', 'propagationPolicy', 'v1.DeletionPropagation');
  if (policy !== undefined) out.propagationPolicy = policy;
  const ignore = getOwn(body, 'ignoreStoreReadErrorWithClusterBreakingPotential');
  if (ignore !== undefined && ignore !== null && typeof ignore !== 'boolean') {
    typeError(ignore, 'DeleteOptions', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'bool');
  }
  return out;
}

function decodeQuery(q: URLSearchParams): DeleteOptionsFields {
  const out: DeleteOptionsFields = {};
  const dryRun = q.getAll('dryRun');
  if (dryRun.length > 0) out.dryRun = dryRun;
  const grace = intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  const orphan = q.get('orphanDependents');
  if (orphan !== null && orphan !== '') {
    if (!['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(orphan)) {
      throw errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(orphan)}: invalid syntax`);
    }
    out.orphanDependents = ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(orphan);
  }
  const policy = q.get('propagationPolicy');
  if (policy !== null && policy !== '') out.propagationPolicy = policy;
  const uid = q.get('preconditions.uid');
  const rv = q.get('preconditions.resourceVersion');
  if (uid || rv) out.preconditions = { ...(uid ? { uid } : {}), ...(rv ? { resourceVersion: rv } : {}) };
  return out;
}

const invalid = (field: string, reason: string, message: string) =>
  errors.invalid('meta.k8s.io', 'DeleteOptions', '', [{ reason, field, message }]);

/** DeleteOptions from an optional decoded body, else from the query, validated as upstream. */
export function deleteParamsOf(q: URLSearchParams, body: unknown): DeleteParams {
  const o = body === undefined ? decodeQuery(q) : decodeBody(body);
  const policy = o.propagationPolicy;
  if (policy !== undefined && o.orphanDependents !== undefined) {
    throw invalid('propagationPolicy', 'FieldValueInvalid', `Invalid value: "${policy}": orphanDependents and deletionPropagation cannot be both set`);
  }
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw invalid('propagationPolicy', 'FieldValueNotSupported', `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  const p: DeleteParams = { dryRun: dryRunValuesOf(o.dryRun ?? [], 'DeleteOptions') };
  if (o.gracePeriodSeconds !== undefined) p.gracePeriodSeconds = o.gracePeriodSeconds;
  if (policy !== undefined) p.propagationPolicy = policy as 'Orphan' | 'Background' | 'Foreground';
  else if (o.orphanDependents === true) p.propagationPolicy = 'Orphan';
  if (o.preconditions) p.preconditions = o.preconditions;
  return p;
}

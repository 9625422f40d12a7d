// ValidateCustomResource: kube-openapi's errors converted to field errors the way
// apiextensions' kubeOpenAPIResultToFieldErrors does, followed (as the CR strategy runs them)
// by the embedded-resource metadata checks and the list-type invariants.
import type { StatusCause } from '../../api/types.js';
import { fe } from '../../api/validation/field.js';
import type { JSONSchemaProps } from '../types.js';
import { validateEmbeddedResources } from './embedded.js';
import { Correlated } from './correlated.js';
import { goBadValue } from './go-format.js';
import { validateListSetsAndMaps } from './list-type.js';
import { canonicalJSON, validateSchema, type OpenAPIError } from './openapi.js';
import { isObj } from './structural.js';

// field.TooLong in 1.32: the value is omitted and the unit is always "bytes".
const tooLong = (field: string, max: number): StatusCause =>
  ({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field });

const typeInvalid = (field: string, value: unknown, detail: string): StatusCause =>
  ({ ...fe.invalid(field, value, detail), reason: 'FieldValueTypeInvalid' });

function toCause(e: OpenAPIError, fldPath: string | undefined): StatusCause {
  // A nil field.Path prints as "<nil>"; composite (anyOf/oneOf/allOf/not) errors carry no name.
  if (e.code === 'Composite') return fe.invalid(fldPath ?? '<nil>', '', e.message);
  const name = e.name.replace(/^\./, '');
  const field = e.name === '' || e.name === '.' ? fldPath ?? '<nil>' : fldPath ? `${fldPath}.${name}` : name;
  const value = e.value === undefined || e.value === null ? '' : goBadValue(e.value);
  switch (e.code) {
    case 'Required': return fe.required(field);
    case 'Enum': {
      const allowed = (e.values ?? []).map(v => (typeof v === 'string' ? v : canonicalJSON(v)));
      return fe.notSupported(field, e.value === undefined ? null : goBadValue(e.value), allowed);
    }
    case 'TooLong': return tooLong(field, e.valid ?? -1);
    case 'MaxItems':
    case 'TooManyProperties': return tooMany(field, Number(e.value), e.valid ?? -1);
    case 'InvalidType': return typeInvalid(field, value, e.message);
    default: return fe.invalid(field, value, e.message);
  }
}

function tooMany(field: string, actual: number, max: number): StatusCause {
  const cause = fe.tooMany(field, actual, max);
  return max >= 0 ? cause : { ...cause, message: `Too many: ${actual}: has too many items` };
}

/** What an update validates against: the stored object (CRDValidationRatcheting is on in 1.32). */
export interface OldValue {
  old: unknown;
}

/**
 * The OpenAPI schema errors alone (fldPath prefixes paths, e.g. "status" for /status). On
 * update, errors on values unchanged from the old object are dropped (ratcheting).
 */
export function validateOpenAPISchema(value: unknown, schema: JSONSchemaProps | undefined, fldPath?: string, update?: OldValue): StatusCause[] {
  if (!schema) return [];
  const corr = update ? new Correlated(value, update.old, schema) : undefined;
  return validateSchema(schema, value, '', corr).errors.map(e => toCause(e, fldPath));
}

/**
 * What the CR strategy's Validate adds to generic ObjectMeta validation: schema errors,
 * embedded resources' apiVersion/kind/metadata, and list-type set/map duplicates. On update
 * (old given) schema errors ratchet and duplicates count only when the old object had none.
 */
export function validateCustomResource(obj: unknown, schema: JSONSchemaProps | undefined, update?: OldValue): StatusCause[] {
  const listErrs = (o: unknown) => (isObj(o) ? validateListSetsAndMaps(o, schema) : []);
  return [
    ...validateOpenAPISchema(obj, schema, undefined, update),
    ...validateEmbeddedResources(obj, schema),
    ...(update && listErrs(update.old).length > 0 ? [] : listErrs(obj)),
  ];
}

/** Causes that make upstream skip x-kubernetes-validations rules (hasBlockingErr). */
export function hasBlockingError(causes: StatusCause[]): boolean {
  const blocking = ['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid'];
  return causes.some(c => blocking.includes(c.reason ?? ''));
}


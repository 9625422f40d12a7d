// validateCustomResourceDefinitionValidation: one openAPIV3Schema (top-level or per version) —
// what the status subresource allows at the root, structural-ness, the OpenAPI rules, then the
// CEL rules through the caller's hook.
import { fe, path, type Causes } from '../../api/validation/field.js';
import type { StatusCause } from '../../api/types.js';
import { validateDefaults } from '../schema/default-validation.js';
import type { JSONSchemaProps } from '../types.js';
import { validateOpenAPISchema, type SchemaRules } from './openapi.js';
import { isSchema } from './schema-walk.js';
import { structuralError, validateStructural } from './structural.js';

export interface ValidateOptions {
  /** Compiles the x-kubernetes-validations of a structural schema; path is its openAPIV3Schema. */
  celRules?: (schema: JSONSchemaProps, path: string) => StatusCause[];
}

/** The validationOptions of upstream: rules that may be relaxed for CRDs stored before they existed. */
export interface CrdRules extends SchemaRules {
  requireRecognizedConversionReviewVersion: boolean;
  requireImmutableNames: boolean;
  requireOpenAPISchema: boolean;
  requireStructuralSchema: boolean;
  /** Defaults must not hold fields pruning would drop (relaxed for CRDs stored with such defaults). */
  requirePrunedDefaults: boolean;
  allowInvalidCABundle: boolean;
  celRules?: ValidateOptions['celRules'];
}

// JSONSchemaProps fields in Go struct order, with their Go names (the message lists Go names).
const GO_FIELDS: Array<[string, string]> = [
  ['id', 'ID'], ['$schema', 'Schema'], ['$ref', 'Ref'], ['description', 'Description'], ['type', 'Type'], ['nullable', 'Nullable'],
  ['format', 'Format'], ['title', 'Title'], ['default', 'Default'], ['maximum', 'Maximum'], ['exclusiveMaximum', 'ExclusiveMaximum'],
  ['minimum', 'Minimum'], ['exclusiveMinimum', 'ExclusiveMinimum'], ['maxLength', 'MaxLength'], ['minLength', 'MinLength'],
  ['pattern', 'Pattern'], ['maxItems', 'MaxItems'], ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'], ['multipleOf', 'MultipleOf'],
  ['enum', 'Enum'], ['maxProperties', 'MaxProperties'], ['minProperties', 'MinProperties'], ['required', 'Required'], ['items', 'Items'],
  ['allOf', 'AllOf'], ['oneOf', 'OneOf'], ['anyOf', 'AnyOf'], ['not', 'Not'], ['properties', 'Properties'],
  ['additionalProperties', 'AdditionalProperties'], ['patternProperties', 'PatternProperties'], ['dependencies', 'Dependencies'],
  ['additionalItems', 'AdditionalItems'], ['definitions', 'Definitions'], ['externalDocs', 'ExternalDocs'], ['example', 'Example'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'], ['x-kubernetes-embedded-resource', 'XEmbeddedResource'],
  ['x-kubernetes-int-or-string', 'XIntOrString'], ['x-kubernetes-list-map-keys', 'XListMapKeys'], ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'], ['x-kubernetes-validations', 'XValidations'],
];

const ALLOWED_AT_STATUS_ROOT = ['Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum', 'ExclusiveMinimum', 'MaxLength',
  'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf', 'Required', 'Items', 'Properties', 'ExternalDocs', 'Example',
  'XPreserveUnknownFields', 'XValidations'];

// Go's zero value check: false, '', nil. Empty lists and maps decoded from JSON are non-nil in Go.
const isZero = (v: unknown) => v === undefined || v === null || v === false || v === '';

/** With the status subresource, status is cut out of the root as properties["status"]: the root may hold little else. */
function validateStatusRoot(s: JSONSchemaProps, at: string): Causes {
  const fields = s as Record<string, unknown>;
  for (const [key, goName] of GO_FIELDS) {
    if (isZero(fields[key])) continue;
    if (goName === 'Type') {
      if (s.type !== 'object') return [fe.invalid(path.child(at, 'openAPIV3Schema.type'), s.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      continue;
    }
    if (!ALLOWED_AT_STATUS_ROOT.includes(goName)) {
      return [fe.invalid(path.child(at, 'openAPIV3Schema'), s, `only [${ALLOWED_AT_STATUS_ROOT.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`)];
    }
  }
  return [];
}

/** One CustomResourceValidation ({openAPIV3Schema}) at `at` (…validation or …versions[i].schema). */
export function validateCustomResourceValidation(validation: unknown, statusEnabled: boolean, rules: CrdRules, at: string): Causes {
  if (!isSchema(validation)) return [];
  const schema = (validation as { openAPIV3Schema?: unknown }).openAPIV3Schema;
  if (!isSchema(schema)) return [];
  const schemaPath = path.child(at, 'openAPIV3Schema');
  const out: Causes = [];
  if (statusEnabled) out.push(...validateStatusRoot(schema, at));
  if (schema.nullable === true) out.push(fe.forbidden(path.child(at, 'openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));

  let structuralInitErrs: Causes = [];
  let structuralOk = false;
  if (rules.requireStructuralSchema) {
    const err = structuralError(schema);
    if (err !== undefined) structuralInitErrs = [fe.invalid(schemaPath, '', err)];
    else {
      const errs = validateStructural(schema, schemaPath);
      // Defaults are only checked against a valid structural schema; their errors skip the CEL compilation too.
      if (errs.length === 0) errs.push(...validateDefaults(schema, schemaPath, rules.requirePrunedDefaults));
      out.push(...errs);
      structuralOk = errs.length === 0;
    }
  }
  const walk = { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false };
  const schemaErrs = validateOpenAPISchema(schema, schemaPath, rules, walk, true);
  out.push(...schemaErrs);
  // Upstream compiles CEL only where no schema error was found at or below the rule.
  if (structuralOk && schemaErrs.length === 0 && rules.celRules) out.push(...rules.celRules(schema, schemaPath));
  // NewStructural's error repeats what the OpenAPI rules say, so it only shows when they are silent.
  if (out.length === 0) out.push(...structuralInitErrs);
  return out;
}

// ValidateDefaults (apiextensions schema/defaulting/validation.go): every default of a structural
// schema must be what a client could have written there — pruned already, valid embedded
// metadata, valid against the schema at its position, and passing its x-kubernetes-validations.
// A default inside the metadata of an embedded resource is checked inside a surrounding object
// of that resource ("validation/v1" Validation), since metadata cannot be validated in pieces.
import type { StatusCause } from '../../api/types.js';
import { aggregateText, errorText, fe, path as fp } from '../../api/validation/field.js';
import { RUNTIME_CEL_COST_BUDGET } from '../../cel/env.js';
import { validateCustomResourceRules } from '../cel/validate.js';
import type { JSONSchemaProps } from '../types.js';
import { coerceEmbeddedResources, validateEmbeddedResources } from './embedded.js';
import { goBadValue } from './go-format.js';
import { canonicalJSON } from './openapi.js';
import { pruneDefaults, surround, type Step } from './prune-defaults.js';
import { pruneCustomResource } from './prune.js';
import { asResourceRoot, metaFields } from './structural.js';
import { validateOpenAPISchema } from './validate.js';

interface Walk {
  requirePruned: boolean;
  errs: StatusCause[];
  /** One runtime CEL budget for all defaults of the schema; below 0 nothing further is checked. */
  budget: { remaining: number };
}

/**
 * The default's own CEL rules: once with oldSelf = the default, once as a create (for optionalOldSelf
 * rules); the run that leaves less of the budget is charged, as upstream does.
 */
function celErrors(s: JSONSchemaProps, value: unknown, at: string, isRoot: boolean, w: Walk): StatusCause[] {
  const start = w.budget.remaining;
  const asUpdate = validateCustomResourceRules(s, value, value, { at, isRoot, ratchet: false, budget: w.budget });
  if (asUpdate.length > 0 || w.budget.remaining < 0) return asUpdate;
  const afterUpdate = w.budget.remaining;
  w.budget.remaining = start;
  const asCreate = validateCustomResourceRules(s, value, undefined, { at, isRoot, ratchet: false, budget: w.budget });
  w.budget.remaining = Math.min(afterUpdate, w.budget.remaining);
  return asCreate;
}

function checkInsideMeta(s: JSONSchemaProps, root: JSONSchemaProps, steps: Step[], at: string, isRoot: boolean, w: Walk): StatusCause[] {
  const obj = surround(structuredClone(s.default), steps) as Record<string, unknown>;
  obj['kind'] ??= 'Validation';
  obj['apiVersion'] ??= 'validation/v1';
  const rootSchema = asResourceRoot(root);
  const shown = goBadValue(s.default);
  const coerced = coerceEmbeddedResources(obj, rootSchema);
  if (coerced.error) return [fe.invalid(at, shown, `must result in valid metadata: ${errorText(coerced.error)}`)];
  const metaErrs = validateEmbeddedResources(obj, rootSchema);
  if (metaErrs.length > 0) return [fe.invalid(at, shown, `must result in valid metadata: ${aggregateText(metaErrs)}`)];
  const schemaErrs = validateOpenAPISchema(s.default, s, at);
  return schemaErrs.length > 0 ? schemaErrs : celErrors(s, s.default, at, isRoot, w);
}

function checkDefault(s: JSONSchemaProps, at: string, isRoot: boolean, w: Walk): StatusCause[] {
  const errs: StatusCause[] = [];
  const embedded = !!s['x-kubernetes-embedded-resource'];
  if (w.requirePruned) {
    const pruned = structuredClone(s.default);
    pruneCustomResource(pruned, s, { isResourceRoot: embedded });
    if (canonicalJSON(pruned) !== canonicalJSON(s.default)) errs.push(fe.invalid(at, goBadValue(s.default), 'must not have unknown fields'));
  }
  // Coercion normalizes embedded metadata, as the value would be stored, before validating it.
  const value = structuredClone(s.default);
  const coerced = coerceEmbeddedResources(value, s, {}, at);
  if (coerced.error) return [...errs, coerced.error];
  const metaErrs = validateEmbeddedResources(value, s, at);
  if (metaErrs.length > 0) return [...errs, ...metaErrs];
  const schemaErrs = validateOpenAPISchema(value, s, at);
  return [...errs, ...(schemaErrs.length > 0 ? schemaErrs : celErrors(s, value, at, isRoot, w))];
}

function visit(s: JSONSchemaProps, at: string, root: JSONSchemaProps, steps: Step[], insideMeta: boolean, w: Walk): void {
  if (w.budget.remaining < 0) return;
  if (s['x-kubernetes-embedded-resource']) {
    insideMeta = false;
    root = s;
    steps = [];
  }
  const isRoot = s === root;
  if (s.default !== undefined && s.default !== null) {
    const defaultAt = fp.child(at, 'default');
    w.errs.push(...(insideMeta ? checkInsideMeta(s, root, steps, defaultAt, isRoot, w) : checkDefault(s, defaultAt, isRoot, w)));
  }
  // additionalProperties are not followed: defaults are forbidden there.
  if (s.items && !Array.isArray(s.items)) visit(s.items, fp.child(at, 'items'), root, [...steps, 'index'], insideMeta, w);
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const meta = insideMeta || (!!s['x-kubernetes-embedded-resource'] && metaFields.has(k));
    visit(p, fp.key(fp.child(at, 'properties'), k), root, [...steps, { key: k }], meta, w);
  }
}

/**
 * The errors of every default in a structural schema (at is its openAPIV3Schema path). Upstream
 * requires pruned defaults unless the stored CRD already had unpruned ones (requirePrunedDefaults).
 */
export function validateDefaults(schema: JSONSchemaProps, at: string, requirePrunedDefaults: boolean): StatusCause[] {
  const w: Walk = { requirePruned: requirePrunedDefaults, errs: [], budget: { remaining: RUNTIME_CEL_COST_BUDGET } };
  const root = asResourceRoot(schema);
  visit(root, at, root, [], false, w);
  return w.errs;
}

/** Whether some default of the schema is not pruned (upstream's schemaHasUnprunedDefaults). */
export function hasUnprunedDefaults(schema: JSONSchemaProps): boolean {
  return canonicalJSON(pruneDefaults(schema)) !== canonicalJSON(schema);
}

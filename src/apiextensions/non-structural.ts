// The NonStructuralSchema condition (upstream's nonstructuralschema controller): CRDs created
// through v1beta1 by old servers may still carry preserveUnknownFields or non-structural
// schemas; the condition lists the violations, and is removed once the CRD is fixed.
import { aggregateText, fe, path } from '../api/validation/field.js';
import type { StatusCause } from '../api/types.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition } from './types.js';
import { structuralError, validateStructural } from './validation/structural.js';

/** The condition the controller sets, or undefined when the CRD is structural (the condition is removed). */
export function nonStructuralCondition(crd: CustomResourceDefinition): CustomResourceDefinitionCondition | undefined {
  const type = 'NonStructuralSchema';
  const errs: StatusCause[] = [];
  if (crd.spec.preserveUnknownFields) errs.push(fe.invalid('spec.preserveUnknownFields', true, 'must be false'));
  for (const [i, v] of crd.spec.versions.entries()) {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) continue;
    const err = structuralError(schema);
    if (err !== undefined) {
      return { type, status: 'Unknown', reason: 'StructuralError', message: `failed to check validation schema for version ${v.name}: ${err}` };
    }
    errs.push(...validateStructural(schema, path.child(path.index('spec.versions', i), 'schema', 'openAPIV3Schema')));
  }
  return errs.length === 0 ? undefined : { type, status: 'True', reason: 'Violations', message: aggregateText(errs) };
}

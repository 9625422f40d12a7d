// A ValidatingAdmissionPolicy's expressions compiled once per policy generation: variables in
// order (each sees the ones before it through `variables`), then match conditions, validations
// with their message expressions, and audit annotations, with upstream's variable declarations
// for each kind.
import type { CelT } from '../../cel/types.js';
import { compileExpression, RETURNS, type Compiled, type Declarations } from './compile.js';
import type { AuditAnnotation, PolicySpec, Validation } from './types.js';

export interface CompiledExpr {
  source: string;
  compiled: Compiled;
}

export interface CompiledPolicy {
  variables: Array<{ name: string; expr: CompiledExpr }>;
  matchConditions: Array<{ name: string; expr: CompiledExpr }>;
  validations: Array<{ validation: Validation; expr: CompiledExpr; message?: CompiledExpr }>;
  auditAnnotations: Array<{ annotation: AuditAnnotation; expr: CompiledExpr }>;
}

/** Upstream's composition type: one field per variable, typed by its expression's result. */
export function variablesType(): { kind: 'object'; name: string; fields: Map<string, CelT> } {
  return { kind: 'object', name: 'kubernetes.variables', fields: new Map() };
}

export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  const params = spec.paramKind !== undefined;
  const vars = variablesType();
  const withAuthz: Declarations = { params, authorizer: true, variables: vars };
  const expr = (source: string, d: Declarations, returns: Parameters<typeof compileExpression>[2]): CompiledExpr =>
    ({ source, compiled: compileExpression(source, d, returns) });
  const variables = (spec.variables ?? []).map(v => {
    const e = expr(v.expression, withAuthz, RETURNS.any);
    vars.fields.set(v.name, e.compiled.ok ? e.compiled.program.outputType : { kind: 'dyn' });
    return { name: v.name, expr: e };
  });
  return {
    variables,
    matchConditions: (spec.matchConditions ?? []).map(m => ({ name: m.name, expr: expr(m.expression, withAuthz, RETURNS.bool) })),
    validations: (spec.validations ?? []).map(v => ({
      validation: v,
      expr: expr(v.expression, withAuthz, RETURNS.bool),
      // Message expressions get no authorizer, as upstream declares them.
      ...(v.messageExpression ? { message: expr(v.messageExpression, { params, authorizer: false, variables: vars }, RETURNS.string) } : {}),
    })),
    auditAnnotations: (spec.auditAnnotations ?? []).map(a => ({ annotation: a, expr: expr(a.valueExpression, withAuthz, RETURNS.stringOrNull) })),
  };
}

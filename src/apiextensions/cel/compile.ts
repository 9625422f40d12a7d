// Compiling a schema node's x-kubernetes-validations (apiextensions-apiserver
// pkg/apiserver/schema/cel/compilation.go): `self` typed from the schema, `oldSelf` the same type
// (or optional of it with optionalOldSelf), rules must yield bool and messageExpressions string.
// Results are cached per schema object, so a CRD's rules compile once.
import { defaultEnvironment, type Program } from '../../cel/env.js';
import { optionalOf, type CelT } from '../../cel/types.js';
import { type JSONSchemaProps, type ValidationRule } from '../types.js';
import { validFieldPath } from './field-path.js';
import { declType } from './schema-types.js';

export interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  /** "compilation failed: ..." and friends, as upstream words them. */
  error?: string;
  messageProgram?: Program;
  messageError?: string;
  usesOldSelf: boolean;
  /** The rule's fieldPath normalised to field.Path form, relative to the node. */
  fieldPath?: string;
}

const cache = new WeakMap<JSONSchemaProps, { root: boolean; rules: CompiledRule[] }>();

function compileRule(rule: ValidationRule, self: CelT, schema: JSONSchemaProps): CompiledRule {
  const oldSelf = rule.optionalOldSelf ? optionalOf(self) : self;
  const vars = new Map<string, CelT>([['self', self], ['oldSelf', oldSelf]]);
  const out: CompiledRule = { rule, usesOldSelf: false };
  const c = defaultEnvironment.compile(rule.rule, vars);
  if (!c.ok) out.error = `compilation failed: ${c.issues}`;
  else if (c.program.outputType.kind !== 'bool') out.error = 'cel expression must evaluate to a bool';
  else {
    out.program = c.program;
    out.usesOldSelf = c.program.uses('oldSelf');
  }
  if (rule.messageExpression) {
    // messageExpression never sees oldSelf as optional: it runs only after the rule evaluated.
    const m = defaultEnvironment.compile(rule.messageExpression, new Map([['self', self], ['oldSelf', self]]));
    if (!m.ok) out.messageError = `messageExpression compilation failed: ${m.issues}`;
    else if (m.program.outputType.kind !== 'string') out.messageError = 'messageExpression must evaluate to a string';
    else out.messageProgram = m.program;
  }
  if (rule.fieldPath) {
    const fp = validFieldPath(rule.fieldPath, schema);
    if (fp.ok) out.fieldPath = fp.path;
  }
  return out;
}

/** The compiled rules of one schema node; isResourceRoot adds apiVersion, kind and metadata.name. */
export function compiledRules(schema: JSONSchemaProps, isResourceRoot: boolean): CompiledRule[] {
  const hit = cache.get(schema);
  if (hit && hit.root === isResourceRoot) return hit.rules;
  const self = declType(schema, isResourceRoot).type;
  const rules = (schema['x-kubernetes-validations'] ?? []).map(r => compileRule(r, self, schema));
  cache.set(schema, { root: isResourceRoot, rules });
  return rules;
}

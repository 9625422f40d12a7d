// Upstream's ValidatingAdmissionPolicy status controller: for each new policy generation it
// type-checks the expressions and records status.typeChecking and status.observedGeneration.
// `object` is dyn here (no OpenAPI-typed declarations yet), so the only findings are expressions
// that fail against the declared variables; the create/update validation refuses most of those,
// so expressionWarnings is usually empty, as upstream reports for untyped resources.
import type { KubeObject } from '../../api/types.js';
import { log } from '../../observability/logger.js';
import type { Informer } from '../../registry/informer.js';
import type { Store } from '../../registry/store.js';
import { compilePolicy } from './compiled-policy.js';
import type { Policy } from './types.js';

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

/** The warnings for a policy's expressions, with upstream's fieldRefs (spec.validations[0].expression). */
export function typeCheck(p: Policy): ExpressionWarning[] {
  const cp = compilePolicy(p.spec ?? {});
  const out: ExpressionWarning[] = [];
  cp.validations.forEach((v, i) => {
    if (!v.expr.compiled.ok) out.push({ fieldRef: `spec.validations[${i}].expression`, warning: v.expr.compiled.detail });
    if (v.message && !v.message.compiled.ok) out.push({ fieldRef: `spec.validations[${i}].messageExpression`, warning: v.message.compiled.detail });
  });
  return out;
}

export function startTypeChecking(policies: Informer, store: Store): void {
  const sync = async (p: KubeObject): Promise<void> => {
    const generation = p.metadata.generation;
    const status = (p['status'] ?? {}) as { observedGeneration?: number };
    if (generation === undefined || status.observedGeneration === generation) return;
    const warnings = typeCheck(p as Policy);
    await store.update('', p.metadata.name ?? '', 'status', current => {
      if (!current || current.metadata.generation !== generation) throw new Error('policy changed while type checking');
      const typeChecking = warnings.length > 0 ? { expressionWarnings: warnings } : {};
      return { ...current, status: { ...(current['status'] as object | undefined), observedGeneration: generation, typeChecking } };
    }, { dryRun: false });
  };
  policies.onEvent((type, p) => {
    if (type === 'DELETED') return;
    sync(p).catch(e => log.v(2).info('type checking ValidatingAdmissionPolicy deferred', { name: p.metadata.name, err: String(e) }));
  });
}

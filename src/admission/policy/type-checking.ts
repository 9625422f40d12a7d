// Upstream's ValidatingAdmissionPolicy status controller and its TypeChecker
// (policy/validating/typechecking.go): for each new policy generation, the kinds its
// matchConstraints name exactly (no wildcard group, version or resource, no subresources, at most
// 10 per rule) are resolved to their OpenAPI schemas, and every validation expression and
// messageExpression is compiled against `object`/`oldObject` of each kind's type and `params` of
// the paramKind's (undeclared when its schema is unknown, as upstream), the variables typed the
// same way. Problems go to status.typeChecking.expressionWarnings, per expression, one
// "<group>/<version>, Kind=<kind>: <issues>" entry per kind; type checking never changes how
// the policy is enforced.
import type { Catalog } from '../../api/catalog.js';
import { groupVersion } from '../../api/resource-info.js';
import type { KubeObject } from '../../api/types.js';
import { T, type CelT } from '../../cel/types.js';
import { log } from '../../observability/logger.js';
import type { Informer } from '../../registry/informer.js';
import type { Store } from '../../registry/store.js';
import { admissionEnvironment, declarations } from './compile.js';
import { variablesType } from './compiled-policy.js';
import { gvkString } from './params.js';
import type { GroupVersionKind, SchemaResolver } from './schema-resolver.js';
import type { Policy, PolicySpec } from './types.js';

const MAX_TYPES_TO_CHECK = 10;

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

export interface TypeCheckerSources {
  catalog: Catalog;
  schemas: SchemaResolver;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byGVK = (a: GroupVersionKind, b: GroupVersionKind) => compare(a.group, b.group) || compare(a.version, b.version) || compare(a.kind, b.kind);
const exact = (values: string[] | undefined) => (values ?? []).some(v => v.includes('*')) ? [] : [...(values ?? [])].sort(compare);

/** typesToCheck: the kinds of the resources the rules name exactly, sorted by group, version and kind. */
export function typesToCheck(spec: PolicySpec, catalog: Catalog): GroupVersionKind[] {
  const found = new Map<string, GroupVersionKind>();
  const sorted = () => [...found.values()].sort(byGVK);
  for (const rule of spec.matchConstraints?.resourceRules ?? []) {
    const groups = exact(rule.apiGroups);
    const versions = exact(rule.apiVersions);
    const resources = (rule.resources ?? []).filter(r => !/[*/]/.test(r)).sort(compare);
    let count = 0;
    for (const group of groups) {
      for (const version of versions) {
        for (const resource of resources) {
          const info = catalog.lookup(group, version, resource);
          // Discovery (upstream's REST mapper) lists a CRD's kinds only once it is Established.
          if (!info || (info.custom && !info.custom.established)) continue;
          found.set(`${group}/${version}/${info.kind}`, { group, version, kind: info.kind });
          if (++count === MAX_TYPES_TO_CHECK) return sorted();
        }
      }
    }
  }
  return sorted();
}

function paramsGVK(spec: PolicySpec): GroupVersionKind | undefined {
  const pk = spec.paramKind;
  if (!pk?.kind || !pk.apiVersion) return undefined;
  const [group, version] = pk.apiVersion.includes('/') ? pk.apiVersion.split('/', 2) as [string, string] : ['', pk.apiVersion];
  return { group, version, kind: pk.kind };
}

/** The declarations for one kind: typed object and params, and the variables compiled in order against them. */
function environmentFor(spec: PolicySpec, object: CelT, params: CelT | undefined): Map<string, CelT> {
  const variables = variablesType();
  const vars = declarations({ params: params !== undefined, authorizer: true, variables, object, ...(params ? { paramsType: params } : {}) });
  for (const v of spec.variables ?? []) {
    const r = admissionEnvironment.compile(v.expression, vars);
    variables.fields.set(v.name, r.ok ? r.program.outputType : T.dyn);
  }
  return vars;
}

/** The warnings for a policy's expressions, with upstream's fieldRefs (spec.validations[0].expression). */
export function typeCheck(p: Policy, sources: TypeCheckerSources): ExpressionWarning[] {
  const spec = p.spec ?? {};
  const pk = paramsGVK(spec);
  const params = pk && sources.schemas.declType(pk);
  const kinds = typesToCheck(spec, sources.catalog).flatMap(gvk => {
    const object = sources.schemas.declType(gvk);
    return object ? [{ gvk, vars: environmentFor(spec, object, params) }] : [];
  });
  const out: ExpressionWarning[] = [];
  const check = (fieldRef: string, expression: string) => {
    const results = kinds.flatMap(({ gvk, vars }) => {
      const r = admissionEnvironment.compile(expression, vars);
      return r.ok ? [] : [`${gvkString({ apiVersion: groupVersion(gvk), kind: gvk.kind })}: ${r.issues}\n`];
    });
    if (results.length > 0) out.push({ fieldRef, warning: results.join('\n') });
  };
  (spec.validations ?? []).forEach((v, i) => {
    check(`spec.validations[${i}].expression`, v.expression);
    if (v.messageExpression) check(`spec.validations[${i}].messageExpression`, v.messageExpression);
  });
  return out;
}

export function startTypeChecking(policies: Informer, store: Store, sources: TypeCheckerSources): void {
  const sync = async (p: KubeObject): Promise<void> => {
    const generation = p.metadata.generation;
    const status = (p['status'] ?? {}) as { observedGeneration?: number };
    if (generation === undefined || (status.observedGeneration ?? 0) >= generation) return;
    const warnings = typeCheck(p as Policy, sources);
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

// Compiling admission CEL expressions (upstream's plugin/cel compiler): the variables an
// expression may use, the declared shapes of `request` and `namespaceObject`, and the result
// types each kind of expression must have. `object`, `oldObject` and `params` are dyn, as in
// upstream's admission-time environment, unless the type-checking controller gives their schemas' types.
import { CelEnvironment, kubernetesLibraries, type Program } from '../../cel/env.js';
import { AUTHORIZER_T, RESOURCE_CHECK_T, authzLibrary } from '../../cel/lib/authz.js';
import { T, typeName, type CelT } from '../../cel/types.js';

/** The environment of every admission expression: the Kubernetes libraries plus the authorizer. */
export const admissionEnvironment = new CelEnvironment([...kubernetesLibraries, ...authzLibrary]);

const object = (name: string, fields: Record<string, CelT>): CelT => ({ kind: 'object', name, fields: new Map(Object.entries(fields)) });

const GVK_T = object('kubernetes.GroupVersionKind', { group: T.string, version: T.string, kind: T.string });
const GVR_T = object('kubernetes.GroupVersionResource', { group: T.string, version: T.string, resource: T.string });

export const REQUEST_T = object('kubernetes.AdmissionRequest', {
  kind: GVK_T, resource: GVR_T, subResource: T.string, requestKind: GVK_T, requestResource: GVR_T, requestSubResource: T.string,
  name: T.string, namespace: T.string, operation: T.string,
  userInfo: object('kubernetes.UserInfo', { username: T.string, uid: T.string, groups: T.list(T.string), extra: T.map(T.string, T.list(T.string)) }),
  dryRun: T.bool, options: T.dyn,
});

export const NAMESPACE_T = object('kubernetes.Namespace', {
  metadata: object('kubernetes.NamespaceMetadata', {
    name: T.string, generateName: T.string, namespace: T.string, labels: T.map(T.string, T.string), annotations: T.map(T.string, T.string),
    UID: T.string, creationTimestamp: T.timestamp, deletionGracePeriodSeconds: T.int, deletionTimestamp: T.timestamp,
    generation: T.int, resourceVersion: T.string, finalizers: T.list(T.string),
  }),
  spec: object('kubernetes.NamespaceSpec', { finalizers: T.list(T.string) }),
  status: object('kubernetes.NamespaceStatus', {
    conditions: T.list(object('kubernetes.NamespaceCondition', {
      status: T.string, type: T.string, lastTransitionTime: T.timestamp, message: T.string, reason: T.string,
    })),
    phase: T.string,
  }),
});

export interface Declarations {
  params: boolean;
  authorizer: boolean;
  /** The `variables` object's type, when the policy declares variables. */
  variables?: CelT;
  /** The type of `object` and `oldObject` (dyn without one). */
  object?: CelT;
  /** The type of `params` (dyn without one). */
  paramsType?: CelT;
}

export function declarations(d: Declarations): Map<string, CelT> {
  const vars = new Map<string, CelT>([
    ['object', d.object ?? T.dyn], ['oldObject', d.object ?? T.dyn], ['request', REQUEST_T], ['namespaceObject', NAMESPACE_T],
  ]);
  if (d.params) vars.set('params', d.paramsType ?? T.dyn);
  if (d.authorizer) {
    vars.set('authorizer', AUTHORIZER_T);
    vars.set('authorizer.requestResource', RESOURCE_CHECK_T);
  }
  if (d.variables) vars.set('variables', d.variables);
  return vars;
}

/** The result types an expression must have; 'any' for variables. */
export const RETURNS = {
  bool: [T.bool],
  string: [T.string],
  stringOrNull: [T.string, T.null],
  any: 'any',
} as const satisfies Record<string, CelT[] | 'any'>;

export type Compiled =
  | { ok: true; program: Program }
  /** detail is upstream's cel.Error detail (e.g. 'compilation failed: ERROR: <input>:1:1: ...'). */
  | { ok: false; detail: string };

export function compileExpression(source: string, d: Declarations, returns: readonly CelT[] | 'any'): Compiled {
  const r = admissionEnvironment.compile(source, declarations(d));
  if (!r.ok) return { ok: false, detail: `compilation failed: ${r.issues}` };
  if (returns !== 'any') {
    const out = r.program.outputType;
    if (!returns.some(t => t.kind === out.kind)) {
      const got = typeName(out);
      const detail = returns.length === 1
        ? `must evaluate to ${typeName(returns[0]!)} but got ${got}`
        : `must evaluate to one of [${returns.map(typeName).join(' ')}] but got ${got}`;
      return { ok: false, detail };
    }
  }
  return { ok: true, program: r.program };
}

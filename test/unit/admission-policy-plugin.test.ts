import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withAuditAnnotations } from '../../src/api/audit-annotations.js';
import { isApiError, type ApiError } from '../../src/api/errors.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import type { KubeObject } from '../../src/api/types.js';
import { withWarnings } from '../../src/api/warnings.js';
import type { AuthorizeFn } from '../../src/authz/union.js';
import { EquivalentResources } from '../../src/admission/equivalent-resources.js';
import { validatingAdmissionPolicy, type PolicySources } from '../../src/admission/policy/plugin.js';
import type { ParamStore } from '../../src/admission/policy/params.js';

const deployments = builtinCatalog().lookup('apps', 'v1', 'deployments')!;
const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }];

const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
  spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: rules, matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} }, ...spec },
});
const binding = (name: string, policyName: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name },
  spec: { policyName, validationActions: ['Deny'], ...spec },
});
const deployment = (replicas: number, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec: { replicas } });

const configMaps = new Map<string, KubeObject>();
const paramStore: ParamStore = {
  namespaced: true,
  get: async (ns, name) => configMaps.get(`${ns}/${name}`) ?? null,
  list: async ns => [...configMaps.entries()].filter(([k]) => k.startsWith(`${ns}/`)).map(([, v]) => v),
};

function plugin(policies: KubeObject[], bindings: KubeObject[], authorize: AuthorizeFn = async () => ({ allowed: true, reason: '' })) {
  const sources: PolicySources = {
    policies: () => policies, bindings: () => bindings,
    getNamespace: async name => ({ metadata: { name, labels: { env: 'prod' } } }),
    params: (apiVersion, kind) => (apiVersion === 'v1' && kind === 'ConfigMap' ? paramStore : undefined),
    authorize, equivalents: new EquivalentResources(builtinCatalog()),
  };
  return validatingAdmissionPolicy(sources);
}

async function run(p: ReturnType<typeof plugin>, obj: KubeObject) {
  const warnings: string[] = [];
  const annotations: Record<string, string> = {};
  let error: ApiError | undefined;
  await withWarnings(w => warnings.push(w), () => withAuditAnnotations((k, v) => { annotations[k] = v; }, async () => {
    try {
      await p.validate!('create', deployments, obj, null, { dryRun: false });
    } catch (e) {
      if (!isApiError(e)) throw e;
      error = e;
    }
  }));
  return { warnings, annotations, error };
}

const replicasRule = policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });

test('a Deny binding refuses with the failed expression, 422 Invalid', async () => {
  const { error } = await run(plugin([replicasRule], [binding('b', 'max-replicas')]), deployment(6));
  assert.equal(error?.code, 422);
  assert.equal(error?.reason, 'Invalid');
  assert.equal(error?.message, `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: failed expression: object.spec.replicas <= 5`);
  assert.deepEqual(error?.details?.causes, [{ message: `ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: failed expression: object.spec.replicas <= 5` }]);
  assert.equal((await run(plugin([replicasRule], [binding('b', 'max-replicas')]), deployment(5))).error, undefined);
});

test('no binding, no enforcement; binding matchResources narrows', async () => {
  assert.equal((await run(plugin([replicasRule], []), deployment(6))).error, undefined);
  const narrowed = binding('b', 'max-replicas', { matchResources: { objectSelector: { matchLabels: { tier: 'web' } } } });
  assert.equal((await run(plugin([replicasRule], [narrowed]), deployment(6))).error, undefined);
  assert.equal((await run(plugin([replicasRule], [narrowed]), deployment(6, { tier: 'web' }))).error?.code, 422);
});

test('message, messageExpression and reason decide the denial', async () => {
  const p = policy('p', {
    validations: [{ expression: 'false', message: 'static', messageExpression: "'replicas: ' + string(object.spec.replicas)", reason: 'Forbidden' }],
  });
  const { error } = await run(plugin([p], [binding('b', 'p')]), deployment(3));
  assert.equal(error?.code, 403);
  assert.equal(error?.reason, 'Forbidden');
  assert.match(error!.message, /denied request: replicas: 3$/);
  const multiline = policy('p', { validations: [{ expression: 'false', message: 'static', messageExpression: "'a\\nb'" }] });
  assert.match((await run(plugin([multiline], [binding('b', 'p')]), deployment(3))).error!.message, /denied request: static$/);
});

test('Warn and Audit actions do not refuse', async () => {
  const r = await run(plugin([replicasRule], [binding('b', 'max-replicas', { validationActions: ['Warn', 'Audit'] })]), deployment(9));
  assert.equal(r.error, undefined);
  assert.deepEqual(r.warnings, [`Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'b': failed expression: object.spec.replicas <= 5`]);
  assert.deepEqual(JSON.parse(r.annotations['validation.policy.admission.k8s.io/validation_failure']!), [
    { message: 'failed expression: object.spec.replicas <= 5', policy: 'max-replicas', binding: 'b', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
  ]);
});

test('params from the request namespace; parameterNotFoundAction', async () => {
  const p = policy('p', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)' }] });
  configMaps.set('default/limits', { metadata: { name: 'limits', namespace: 'default' }, data: { max: '2' } });
  const b = (action: string) => binding('b', 'p', { paramRef: { name: 'limits', parameterNotFoundAction: action } });
  assert.equal((await run(plugin([p], [b('Deny')]), deployment(3))).error?.code, 422);
  assert.equal((await run(plugin([p], [b('Deny')]), deployment(2))).error, undefined);
  configMaps.clear();
  assert.equal((await run(plugin([p], [b('Allow')]), deployment(3))).error, undefined);
  assert.match((await run(plugin([p], [b('Deny')]), deployment(3))).error!.message,
    /with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/);
  const unknown = policy('p', { paramKind: { apiVersion: 'example.com/v1', kind: 'Limit' }, validations: [{ expression: 'true' }] });
  assert.match((await run(plugin([unknown], [b('Deny')]), deployment(3))).error!.message,
    /ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com\/v1, Kind=Limit'$/);
});

test('evaluation errors follow failurePolicy', async () => {
  const spec = { validations: [{ expression: 'object.spec.missing == 1' }] };
  const fail = await run(plugin([policy('p', spec)], [binding('b', 'p')]), deployment(1));
  assert.match(fail.error!.message, /denied request: expression 'object.spec.missing == 1' resulted in error: no such key: missing$/);
  assert.equal((await run(plugin([policy('p', { ...spec, failurePolicy: 'Ignore' })], [binding('b', 'p')]), deployment(1))).error, undefined);
});

test('variables, namespaceObject, matchConditions and auditAnnotations', async () => {
  const p = policy('p', {
    variables: [{ name: 'r', expression: 'object.spec.replicas' }, { name: 'big', expression: 'variables.r > 3' }],
    matchConditions: [{ name: 'prod-only', expression: "!('env' in object.metadata.labels) || object.metadata.labels.env != 'dev'" }],
    validations: [{ expression: "!variables.big || namespaceObject.metadata.labels.env != 'prod'" }],
    auditAnnotations: [{ key: 'replicas', valueExpression: 'string(variables.r)' }],
  });
  const r = await run(plugin([p], [binding('b', 'p')]), deployment(4));
  assert.equal(r.error?.code, 422);
  assert.equal(r.annotations['p/replicas'], '4');
  assert.equal((await run(plugin([p], [binding('b', 'p')]), deployment(4, { env: 'dev' }))).error, undefined);
});

test('authorizer checks go through the server authorizer', async () => {
  const seen: unknown[] = [];
  const authorize: AuthorizeFn = async (_u, attrs) => {
    seen.push(attrs);
    return { allowed: attrs.verb === 'get', reason: '' };
  };
  const p = policy('p', { validations: [{ expression: "authorizer.group('apps').resource('deployments').namespace('default').check('delete').allowed()" }] });
  assert.equal((await run(plugin([p], [binding('b', 'p')], authorize), deployment(1))).error?.code, 422);
  assert.deepEqual(seen, [{ verb: 'delete', isResourceRequest: true, group: 'apps', resource: 'deployments', namespace: 'default' }]);
  const rr = policy('p', { validations: [{ expression: "authorizer.requestResource.check('get').allowed()" }] });
  assert.equal((await run(plugin([rr], [binding('b', 'p')], authorize), deployment(1))).error, undefined);
});

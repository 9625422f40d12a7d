// ValidatingAdmissionPolicy end to end with kubectl: CEL rules over Deployments, ConfigMap params,
// Warn bindings, compile errors refused at create, type-checking status against the schema, and webhook
// matchConditions that skip a (broken) webhook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;

before(async () => {
  s = await startTestServer([]);
});
after(async () => {
  await s?.stop();
});

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);
const apply = (yaml: string) => s.kubectl(['apply', '-f', '-'], { input: yaml });

const deployment = (name: string, replicas: number, labels: Record<string, string> = {}) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default, labels: ${JSON.stringify({ app: name, ...labels })}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx}]}
`;

const policy = (name: string, extra: string, validations: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${name}}
spec:
  failurePolicy: Fail
${extra}  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
${validations}`;

const binding = (name: string, policyName: string, extra = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${name}}
spec:
  policyName: ${policyName}
${extra}`;

describe('ValidatingAdmissionPolicy', () => {
  it('denies a Deployment by a CEL rule with upstream message, and records type checking', async () => {
    await ok(['apply', '-f', '-'], `${policy('max-replicas', '', '    - expression: "object.spec.replicas <= 5"\n')}---
${binding('max-replicas-binding', 'max-replicas', '  validationActions: [Deny]\n  matchResources: {objectSelector: {matchLabels: {limit: "yes"}}}\n')}`);
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the denial', async () => {
      r = await apply(deployment('big', 6, { limit: 'yes' }));
      return r.code !== 0;
    });
    // kubectl prints a 422 by its causes, as it does against upstream.
    assert.match(r.stderr, /The deployments "big" is invalid: : ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object\.spec\.replicas <= 5/);
    const raw = await s.http('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw', labels: { limit: 'yes' } }, spec: { replicas: 9, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(raw.status, 422);
    assert.equal(raw.json()['reason'], 'Invalid');
    assert.equal(raw.json()['message'], `deployments.apps "raw" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`);
    await ok(['apply', '-f', '-'], deployment('small', 3, { limit: 'yes' }));
    await ok(['apply', '-f', '-'], deployment('unbound', 9));
    await eventually(s, 'status.observedGeneration', async () =>
      (await ok(['get', 'validatingadmissionpolicy', 'max-replicas', '-o', 'jsonpath={.status.observedGeneration}'])) === '1');
  });

  it('takes limits from a ConfigMap param in the request namespace', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: ConfigMap
metadata: {name: replica-limit, namespace: default}
data: {max: "2"}
---
${policy('param-limit', '  paramKind: {apiVersion: v1, kind: ConfigMap}\n', '    - expression: "object.spec.replicas <= int(params.data.max)"\n      messageExpression: "\'at most \' + params.data.max + \' replicas\'"\n      reason: Forbidden\n')}---
${binding('param-limit-binding', 'param-limit', '  validationActions: [Deny]\n  paramRef: {name: replica-limit, parameterNotFoundAction: Deny}\n  matchResources: {objectSelector: {matchLabels: {param: "yes"}}}\n')}`);
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the param denial', async () => {
      r = await apply(deployment('param-big', 3, { param: 'yes' }));
      return r.code !== 0;
    });
    assert.match(r.stderr, /denied request: at most 2 replicas/);
    await ok(['apply', '-f', '-'], deployment('param-small', 2, { param: 'yes' }));
  });

  it('a Warn binding admits with a Warning header', async () => {
    await ok(['apply', '-f', '-'], `${policy('warn-replicas', '', '    - expression: "object.spec.replicas <= 1"\n      message: more than one replica\n')}---
${binding('warn-replicas-binding', 'warn-replicas', '  validationActions: [Warn]\n  matchResources: {objectSelector: {matchLabels: {warn: "yes"}}}\n')}`);
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the warning', async () => {
      r = await apply(deployment(`warned-${Date.now()}`, 2, { warn: 'yes' }));
      return /Warning:/.test(r.stderr);
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: Validation failed for ValidatingAdmissionPolicy 'warn-replicas' with binding 'warn-replicas-binding': more than one replica/);
  });

  it('refuses a policy whose expression does not compile', async () => {
    const r = await apply(policy('broken', '', '    - expression: "object.spec.replicas <="\n'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed: ERROR: <input>:1:/);
  });

  it('type checks against the Deployment schema and writes the warnings to status.typeChecking', async () => {
    await ok(['apply', '-f', '-'], policy('typo', '', '    - expression: "object.spec.replica > 1"\n    - expression: "object.spec.replicas > 1"\n'));
    const jsonpath = (path: string) => ok(['get', 'validatingadmissionpolicy', 'typo', '-o', `jsonpath=${path}`]);
    await eventually(s, 'status.observedGeneration', async () => (await jsonpath('{.status.observedGeneration}')) === '1');
    const warnings = JSON.parse(await jsonpath('{.status.typeChecking.expressionWarnings}')) as Array<{ fieldRef: string; warning: string }>;
    assert.deepEqual(warnings, [{
      fieldRef: 'spec.validations[0].expression',
      warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replica'\n | object.spec.replica > 1\n | ...........^\n",
    }]);
    // A new generation is checked again; a clean policy has no warnings.
    await ok(['apply', '-f', '-'], policy('typo', '', '    - expression: "object.spec.replicas > 1"\n'));
    await eventually(s, 'the second generation', async () => (await jsonpath('{.status.observedGeneration}')) === '2');
    assert.equal(await jsonpath('{.status.typeChecking}'), '{}');
  });

  it('skips a webhook whose matchConditions are false', async () => {
    // The webhook's URL refuses connections: calling it at all fails the request.
    await ok(['apply', '-f', '-'], `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: conditional}
webhooks:
  - name: conditional.example.com
    clientConfig: {url: "https://127.0.0.1:1/validate"}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
    matchConditions: [{name: only-hooked, expression: "object.metadata.name.startsWith('hooked')"}]
    sideEffects: None
    admissionReviewVersions: [v1]
`);
    let r = { code: 0, stdout: '', stderr: '' };
    await eventually(s, 'the webhook call', async () => {
      r = await s.kubectl(['create', 'configmap', `hooked-${Date.now()}`]);
      return r.code !== 0;
    });
    assert.match(r.stderr, /failed calling webhook "conditional.example.com"/);
    await ok(['create', 'configmap', 'skipped']);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateWebhookConfiguration,
} from '../../src/admission/policy/validation.js';

const rules = [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }];
const policy = (spec: Record<string, unknown>) => ({
  metadata: { name: 'p' },
  spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: rules, matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {} }, ...spec },
});
const messages = (causes: Array<{ field?: string; message?: string }>) => causes.map(c => `${c.field}: ${c.message}`);

test('a valid policy has no causes', () => {
  assert.deepEqual(validateValidatingAdmissionPolicy(policy({
    variables: [{ name: 'r', expression: 'object.spec.replicas' }],
    validations: [{ expression: 'variables.r <= 5', messageExpression: "'too many: ' + string(variables.r)" }],
    auditAnnotations: [{ key: 'r', valueExpression: 'string(variables.r)' }],
  })), []);
});

test('compile errors and wrong result types, in upstream words', () => {
  const causes = validateValidatingAdmissionPolicy(policy({
    validations: [{ expression: 'object.spec.replicas <= ' }, { expression: '1' }, { expression: 'params.x' }],
  }));
  const m = messages(causes);
  assert.match(m[0]!, /^spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <= ": compilation failed: ERROR: <input>:1:/);
  assert.equal(m[1], 'spec.validations[1].expression: Invalid value: "1": must evaluate to bool but got int');
  assert.match(m[2]!, /^spec\.validations\[2\]\.expression: Invalid value: "params\.x": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params'/);
});

test('required fields and supported values', () => {
  const m = messages(validateValidatingAdmissionPolicy({ metadata: { name: 'p' }, spec: { failurePolicy: 'Maybe' } }));
  assert.deepEqual(m, [
    'spec.failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
    'spec.matchConstraints: Required value',
    'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
    'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
  ]);
});

test('bindings: actions, paramRef', () => {
  assert.deepEqual(validateValidatingAdmissionPolicyBinding({ metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'] } }), []);
  const m = messages(validateValidatingAdmissionPolicyBinding({
    metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny', 'Warn'], paramRef: { name: 'x', selector: {} } },
  }));
  assert.deepEqual(m, [
    'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.parameterNotFoundAction: Required value',
    'spec.validationActions: Invalid value: []string{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
});

test('webhook matchConditions are compiled without params', () => {
  const cfg = (expression: string) => ({ metadata: { name: 'w' }, webhooks: [{ name: 'a.example.com', matchConditions: [{ name: 'c', expression }] }] });
  assert.deepEqual(validateWebhookConfiguration(cfg("request.userInfo.username != 'admin'")), []);
  const m = messages(validateWebhookConfiguration(cfg("params.x == 'y'")));
  assert.match(m[0]!, /^webhooks\[0\]\.matchConditions\[0\]\.expression: Invalid value: .*undeclared reference to 'params'/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { webhookMatchConditions } from '../../src/admission/webhook/match-conditions.js';
import type { RequestAttributes } from '../../src/admission/webhook/match.js';

const configmaps = builtinCatalog().lookup('', 'v1', 'configmaps')!;
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' } };
const attrs: RequestAttributes = { operation: 'CREATE', group: '', version: 'v1', resource: 'configmaps', subresource: '', namespace: 'default', object: cm, oldObject: null };
const sources = { authorize: async () => ({ allowed: true, reason: '' }) };
const hook = (expression: string, failurePolicy: 'Fail' | 'Ignore' = 'Fail') => ({ name: 'h.example.com', failurePolicy, matchConditions: [{ name: 'c', expression }] });

test('true calls the webhook, false skips it', async () => {
  assert.equal(await webhookMatchConditions(hook("object.metadata.name == 'cm'"), 'create', configmaps, attrs, false, sources), true);
  assert.equal(await webhookMatchConditions(hook("request.operation == 'UPDATE'"), 'create', configmaps, attrs, false, sources), false);
});

test('an evaluation error refuses under Fail (403) and skips under Ignore', async () => {
  const expr = 'object.data.missing == "x"';
  await assert.rejects(webhookMatchConditions(hook(expr), 'create', configmaps, attrs, false, sources), e => {
    assert.ok(isApiError(e));
    assert.equal(e.code, 403);
    assert.equal(e.message, `configmaps "cm" is forbidden: expression '${expr}' resulted in error: no such key: data`);
    return true;
  });
  assert.equal(await webhookMatchConditions(hook(expr, 'Ignore'), 'create', configmaps, attrs, false, sources), false);
});

test('the per-expression cost limit stops an expensive condition', async () => {
  const expr = "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, authorizer.path('/x' + string(a) + string(b)).check('get').allowed()))";
  await assert.rejects(webhookMatchConditions(hook(expr), 'create', configmaps, attrs, false, sources), /actual cost limit exceeded|running out of cost budget/);
});

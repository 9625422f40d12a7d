import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { namespaceSelected, objectSelected, ruleMatches, type RequestAttributes } from '../../src/admission/webhook/match.js';

const obj = (labels?: Record<string, string>): KubeObject => ({ metadata: { name: 'x', ...(labels ? { labels } : {}) } }) as KubeObject;
const attrs = (over: Partial<RequestAttributes> = {}): RequestAttributes => ({
  operation: 'CREATE', group: 'apps', version: 'v1', resource: 'deployments', subresource: '', namespace: 'default', object: obj(), oldObject: null, ...over,
});

test('rules: operations, groups, versions and wildcards', () => {
  const rule = { operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] };
  assert.ok(ruleMatches(rule, attrs()));
  assert.ok(!ruleMatches(rule, attrs({ operation: 'DELETE' })));
  assert.ok(!ruleMatches(rule, attrs({ group: '' })));
  assert.ok(!ruleMatches(rule, attrs({ version: 'v1beta1' })));
  assert.ok(ruleMatches({ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }, attrs({ group: 'batch', resource: 'jobs' })));
  assert.ok(!ruleMatches({ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'] }, attrs()), 'no resources, no match');
});

test('rules: a resource without a slash never matches a subresource', () => {
  const all = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'] };
  assert.ok(!ruleMatches({ ...all, resources: ['deployments'] }, attrs({ subresource: 'status' })));
  assert.ok(!ruleMatches({ ...all, resources: ['*'] }, attrs({ subresource: 'status' })));
  assert.ok(ruleMatches({ ...all, resources: ['deployments/status'] }, attrs({ subresource: 'status' })));
  assert.ok(ruleMatches({ ...all, resources: ['deployments/*'] }, attrs({ subresource: 'scale' })));
  assert.ok(ruleMatches({ ...all, resources: ['*/scale'] }, attrs({ subresource: 'scale' })));
  assert.ok(!ruleMatches({ ...all, resources: ['*/scale'] }, attrs()));
  assert.ok(ruleMatches({ ...all, resources: ['*/*'] }, attrs()));
  assert.ok(ruleMatches({ ...all, resources: ['*/*'] }, attrs({ subresource: 'status' })));
});

test('rules: scope, with a Namespace counted as cluster-scoped', () => {
  const any = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };
  const ns = attrs({ group: '', resource: 'namespaces', namespace: 'team-a' });
  const node = attrs({ group: '', resource: 'nodes', namespace: '' });
  assert.ok(ruleMatches({ ...any, scope: 'Namespaced' }, attrs()));
  assert.ok(!ruleMatches({ ...any, scope: 'Namespaced' }, ns));
  assert.ok(!ruleMatches({ ...any, scope: 'Namespaced' }, node));
  assert.ok(ruleMatches({ ...any, scope: 'Cluster' }, ns));
  assert.ok(ruleMatches({ ...any, scope: 'Cluster' }, node));
  assert.ok(!ruleMatches({ ...any, scope: 'Cluster' }, attrs()));
  assert.ok(ruleMatches({ ...any, scope: '*' }, node));
});

test('namespace selector: the namespace\'s labels, a Namespace\'s own labels, cluster-scoped objects always', () => {
  const sel = { matchLabels: { hooks: 'on' } };
  assert.ok(namespaceSelected(sel, attrs(), { hooks: 'on' }));
  assert.ok(!namespaceSelected(sel, attrs(), { hooks: 'off' }));
  assert.ok(!namespaceSelected(sel, attrs(), undefined));
  assert.ok(namespaceSelected(sel, attrs({ group: '', resource: 'namespaces', object: obj({ hooks: 'on' }) }), undefined));
  assert.ok(!namespaceSelected(sel, attrs({ group: '', resource: 'namespaces', object: obj() }), { hooks: 'on' }));
  assert.ok(namespaceSelected(sel, attrs({ group: '', resource: 'nodes', namespace: '' }), undefined));
  assert.ok(namespaceSelected({}, attrs(), undefined), 'an empty selector selects everything');
  assert.ok(namespaceSelected(undefined, attrs(), undefined));
});

test('object selector: the new or the old object\'s labels', () => {
  const sel = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] };
  assert.ok(objectSelected(sel, attrs({ object: obj({ tier: 'web' }) })));
  assert.ok(objectSelected(sel, attrs({ operation: 'UPDATE', object: obj({ tier: 'db' }), oldObject: obj({ tier: 'web' }) })));
  assert.ok(!objectSelected(sel, attrs({ object: obj({ tier: 'db' }) })));
  assert.ok(objectSelected(sel, attrs({ operation: 'DELETE', object: null, oldObject: obj({ tier: 'web' }) })));
  assert.ok(objectSelected(undefined, attrs()));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluatePolicy, parsePolicy, type AuditPolicy, type PolicyAttributes } from '../../src/audit/policy.js';

const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

function policy(yamlRules: string, extra = ''): AuditPolicy {
  return parsePolicy(`apiVersion: audit.k8s.io/v1\nkind: Policy\n${extra}rules:\n${yamlRules}`);
}

function resourceReq(o: Partial<PolicyAttributes> = {}): PolicyAttributes {
  return {
    user: { name: 'alice', groups: ['dev', 'system:authenticated'] }, verb: 'get', isResourceRequest: true,
    path: '/api/v1/namespaces/default/pods/p1', namespace: 'default', apiGroup: '', resource: 'pods', subresource: '', name: 'p1', ...o,
  };
}

function nonResourceReq(path: string, o: Partial<PolicyAttributes> = {}): PolicyAttributes {
  return {
    user: { name: 'alice', groups: ['system:authenticated'] }, verb: 'get', isResourceRequest: false,
    path, namespace: '', apiGroup: '', resource: '', subresource: '', name: '', ...o,
  };
}

const level = (p: AuditPolicy, a: PolicyAttributes) => evaluatePolicy(p, a).level;

test('no matching rule means None; an empty rule matches everything', () => {
  assert.equal(level(policy('  - level: Metadata\n    users: [bob]\n'), resourceReq()), 'None');
  assert.equal(level(policy('  - level: Request\n'), resourceReq()), 'Request');
  assert.equal(level(policy('  - level: Request\n'), nonResourceReq('/healthz')), 'Request');
});

test('the first matching rule wins', () => {
  const p = policy('  - level: None\n    resources: [{group: "", resources: [pods]}]\n  - level: RequestResponse\n');
  assert.equal(level(p, resourceReq()), 'None');
  assert.equal(level(p, resourceReq({ resource: 'configmaps' })), 'RequestResponse');
  const q = policy('  - level: Metadata\n  - level: None\n    resources: [{group: "", resources: [pods]}]\n');
  assert.equal(level(q, resourceReq()), 'Metadata');
});

test('users, userGroups and verbs', () => {
  const users = policy('  - level: Metadata\n    users: [alice, carol]\n');
  assert.equal(level(users, resourceReq()), 'Metadata');
  assert.equal(level(users, resourceReq({ user: { name: 'bob', groups: [] } })), 'None');
  const { user: _u, ...anonymous } = resourceReq();
  assert.equal(level(users, anonymous), 'None', 'no user (failed authentication) never matches users');

  const groups = policy('  - level: Request\n    userGroups: [ops, dev]\n');
  assert.equal(level(groups, resourceReq()), 'Request');
  assert.equal(level(groups, resourceReq({ user: { name: 'alice', groups: ['qa'] } })), 'None');
  assert.equal(level(groups, anonymous), 'None');

  const verbs = policy('  - level: Metadata\n    verbs: [create, delete]\n');
  assert.equal(level(verbs, resourceReq({ verb: 'create' })), 'Metadata');
  assert.equal(level(verbs, resourceReq({ verb: 'get' })), 'None');
  assert.equal(level(verbs, nonResourceReq('/x', { verb: 'delete' })), 'Metadata', 'verbs alone apply to non-resource requests too');
});

test('resources: group, plain names, subresources and wildcards', () => {
  const p = policy('  - level: Request\n    resources: [{group: apps, resources: [deployments]}]\n');
  assert.equal(level(p, resourceReq({ apiGroup: 'apps', resource: 'deployments' })), 'Request');
  assert.equal(level(p, resourceReq({ apiGroup: '', resource: 'deployments' })), 'None', 'group must match exactly');
  assert.equal(level(p, resourceReq({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })), 'None', 'a subresource needs resource/subresource');
  assert.equal(level(p, nonResourceReq('/apis/apps/v1/deployments')), 'None');

  const wholeGroup = policy('  - level: Request\n    resources: [{group: ""}]\n');
  assert.equal(level(wholeGroup, resourceReq({ resource: 'secrets' })), 'Request');
  assert.equal(level(wholeGroup, resourceReq({ apiGroup: 'apps', resource: 'deployments' })), 'None');

  const sub = policy('  - level: Metadata\n    resources: [{group: "", resources: ["pods/log"]}]\n');
  assert.equal(level(sub, resourceReq({ subresource: 'log' })), 'Metadata');
  assert.equal(level(sub, resourceReq()), 'None');
  assert.equal(level(sub, resourceReq({ subresource: 'exec' })), 'None');

  const anyStatus = policy('  - level: Metadata\n    resources: [{group: "", resources: ["*/status"]}]\n');
  assert.equal(level(anyStatus, resourceReq({ resource: 'nodes', subresource: 'status', namespace: '' })), 'Metadata');
  assert.equal(level(anyStatus, resourceReq({ resource: 'pods' })), 'None');

  const podsAll = policy('  - level: Metadata\n    resources: [{group: "", resources: ["pods/*"]}]\n');
  assert.equal(level(podsAll, resourceReq({ subresource: 'log' })), 'Metadata');
  assert.equal(level(podsAll, resourceReq()), 'Metadata', 'resource/* also covers the resource itself, as upstream');
  assert.equal(level(podsAll, resourceReq({ resource: 'services' })), 'None');

  const star = policy('  - level: Metadata\n    resources: [{group: "", resources: ["*"]}]\n');
  assert.equal(level(star, resourceReq({ subresource: 'status' })), 'Metadata');
  assert.equal(level(star, resourceReq({ apiGroup: 'batch', resource: 'jobs' })), 'None');
});

test('resourceNames restrict by object name', () => {
  const p = policy('  - level: RequestResponse\n    resources: [{group: "", resources: [configmaps], resourceNames: [cfg-a]}]\n');
  assert.equal(level(p, resourceReq({ resource: 'configmaps', name: 'cfg-a' })), 'RequestResponse');
  assert.equal(level(p, resourceReq({ resource: 'configmaps', name: 'cfg-b' })), 'None');
  assert.equal(level(p, resourceReq({ resource: 'configmaps', name: '', verb: 'list' })), 'None');
});

test('namespaces, with "" for cluster-scoped resources', () => {
  const p = policy('  - level: Metadata\n    namespaces: [kube-system, ""]\n');
  assert.equal(level(p, resourceReq({ namespace: 'kube-system' })), 'Metadata');
  assert.equal(level(p, resourceReq({ namespace: 'default' })), 'None');
  assert.equal(level(p, resourceReq({ namespace: '', resource: 'nodes' })), 'Metadata');
  assert.equal(level(p, nonResourceReq('/healthz')), 'None', 'namespaces never match non-resource requests');
});

test('nonResourceURLs: exact, trailing * and lone *', () => {
  const p = policy('  - level: None\n    nonResourceURLs: [/healthz*, /version]\n  - level: Metadata\n    nonResourceURLs: ["*"]\n');
  assert.equal(level(p, nonResourceReq('/healthz')), 'None');
  assert.equal(level(p, nonResourceReq('/healthz/etcd')), 'None');
  assert.equal(level(p, nonResourceReq('/version')), 'None');
  assert.equal(level(p, nonResourceReq('/version/x')), 'Metadata', 'without * only the exact path');
  assert.equal(level(p, nonResourceReq('/metrics')), 'Metadata');
  assert.equal(level(p, resourceReq()), 'None', 'nonResourceURLs never match resource requests');
});

test('omitStages: policy-wide and per rule are united; omitManagedFields: rule overrides policy', () => {
  const p = policy(
    '  - level: Metadata\n    verbs: [get]\n    omitStages: [ResponseStarted]\n    omitManagedFields: false\n  - level: Request\n',
    'omitStages: [RequestReceived]\nomitManagedFields: true\n',
  );
  const get = evaluatePolicy(p, resourceReq());
  assert.deepEqual([...get.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
  assert.equal(get.omitManagedFields, false);
  const create = evaluatePolicy(p, resourceReq({ verb: 'create' }));
  assert.deepEqual(create.omitStages, ['RequestReceived']);
  assert.equal(create.omitManagedFields, true);
  const none = evaluatePolicy(policy('  - level: Metadata\n    users: [x]\n', 'omitStages: [Panic]\n'), resourceReq());
  assert.deepEqual(none, { level: 'None', omitStages: ['Panic'], omitManagedFields: false });
});

test('invalid policies are rejected with upstream-like messages', () => {
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n', 'p.yaml'), /loaded illegal policy with 0 rules from file p.yaml/);
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n'), /no kind "Policy" is registered for version "audit.k8s.io\/v1beta1"/);
  assert.throws(() => policy('  - level: Everything\n'), /rules\[0\]\.level: Unsupported value: "Everything"/);
  assert.throws(() => policy('  - verbs: [get]\n'), /rules\[0\]\.level: Required value/);
  assert.throws(() => policy('  - level: None\n    omitStages: [Done]\n'), /rules\[0\]\.omitStages\[0\]: Unsupported value: "Done"/);
  assert.throws(() => policy('  - level: None\n    nonResourceURLs: [/x]\n    namespaces: [a]\n'), /cannot apply to both regular resources and non-resource URLs/);
  assert.throws(() => policy('  - level: None\n    nonResourceURLs: ["/a*b"]\n'), /must be the final character/);
  assert.throws(() => policy('  - level: None\n    nonResourceURLs: [healthz]\n'), /must begin with a '\/'/);
  assert.throws(() => policy('  - level: None\n    resources: [{group: "", resources: ["*"], resourceNames: [a]}]\n'), /requires non-wildcard resources/);
});

test('the example policy in manifests/ parses and behaves as its comments say', () => {
  const p = parsePolicy(readFileSync(resolve(repoRoot, 'manifests/audit-policy.yaml'), 'utf8'));
  assert.equal(level(p, nonResourceReq('/healthz/etcd')), 'None');
  assert.equal(level(p, resourceReq({ resource: 'secrets', verb: 'get' })), 'Metadata');
  assert.equal(level(p, resourceReq({ subresource: 'log' })), 'Metadata');
  assert.equal(level(p, resourceReq({ verb: 'list', name: '' })), 'Request');
  assert.equal(level(p, resourceReq({ verb: 'create' })), 'RequestResponse');
  assert.equal(level(p, resourceReq({ verb: 'patch', subresource: 'status' })), 'Request');
  assert.equal(level(p, resourceReq({ apiGroup: 'example.com', resource: 'widgets', verb: 'create' })), 'Metadata');
  assert.deepEqual(evaluatePolicy(p, resourceReq({ verb: 'create' })).omitStages, ['RequestReceived']);
  assert.equal(evaluatePolicy(p, resourceReq({ verb: 'create' })).omitManagedFields, true);
});

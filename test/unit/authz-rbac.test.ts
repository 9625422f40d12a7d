// RBAC rule matching, the authorizer over informers, escalation prevention, bootstrap policy
// reconciliation and ClusterRole aggregation, over the in-memory storage backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { escalationMessage, rbacEscalation } from '../../src/admission/rbac-escalation.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import type { UserInfo } from '../../src/authn/user.js';
import { aggregatedRules } from '../../src/authz/aggregation.js';
import { buildAuthorization, type AuthorizationSetup } from '../../src/authz/build.js';
import { clusterRoles } from '../../src/authz/bootstrap-policy.js';
import { podReferences } from '../../src/authz/node-graph.js';
import { compactRules, compactString, covers, ruleAllows, subjectAppliesTo } from '../../src/authz/rbac-rules.js';
import { reconcileRole } from '../../src/authz/reconcile.js';
import { runAsUser } from '../../src/authz/request-user.js';
import type { Attributes, PolicyRule } from '../../src/authz/types.js';
import { forbiddenError } from '../../src/filters/authorization.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const res = (verb: string, resource: string, extra: Partial<Attributes> = {}): Attributes => ({ verb, resource, group: '', namespace: 'default', isResourceRequest: true, ...extra });

describe('RBAC rule matching', () => {
  it('matches verbs, groups, resources and names, with wildcards', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    assert.ok(ruleAllows(res('list', 'pods'), rule));
    assert.ok(!ruleAllows(res('delete', 'pods'), rule));
    assert.ok(!ruleAllows(res('list', 'pods', { group: 'apps' }), rule));
    assert.ok(!ruleAllows(res('get', 'pods', { subresource: 'log' }), rule), 'a resource does not grant its subresources');
    assert.ok(ruleAllows(res('delete', 'deployments', { group: 'apps' }), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }));
    const named: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] };
    assert.ok(ruleAllows(res('get', 'configmaps', { name: 'a' }), named));
    assert.ok(!ruleAllows(res('get', 'configmaps', { name: 'b' }), named));
    assert.ok(!ruleAllows(res('list', 'configmaps'), { ...named, verbs: ['list'] }), 'resourceNames never match a nameless list');
  });

  it('matches subresources exactly or through */subresource', () => {
    assert.ok(ruleAllows(res('get', 'pods', { subresource: 'log', name: 'p' }), { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }));
    const scale: PolicyRule = { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] };
    assert.ok(ruleAllows(res('get', 'deployments', { group: 'apps', subresource: 'scale' }), scale));
    assert.ok(!ruleAllows(res('get', 'deployments', { group: 'apps' }), scale));
    assert.ok(!ruleAllows(res('get', 'pods', { subresource: 'status' }), scale));
  });

  it('matches non-resource URLs exactly or by a trailing * prefix', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    const path = (p: string, verb = 'get'): Attributes => ({ verb, path: p, isResourceRequest: false });
    assert.ok(ruleAllows(path('/healthz'), rule));
    assert.ok(!ruleAllows(path('/healthz/etcd'), rule));
    assert.ok(ruleAllows(path('/apis/apps/v1'), rule));
    assert.ok(!ruleAllows(path('/apis/apps/v1', 'post'), rule));
    assert.ok(ruleAllows(path('/anything'), { verbs: ['*'], nonResourceURLs: ['*'] }));
  });

  it('matches users, groups and service accounts (defaulting to the binding namespace)', () => {
    const sa: UserInfo = { name: 'system:serviceaccount:ns1:builder', groups: ['system:serviceaccounts'] };
    assert.ok(subjectAppliesTo(bob, { kind: 'User', name: 'bob' }, ''));
    assert.ok(subjectAppliesTo(bob, { kind: 'Group', name: 'system:authenticated' }, ''));
    assert.ok(subjectAppliesTo(sa, { kind: 'ServiceAccount', name: 'builder' }, 'ns1'));
    assert.ok(!subjectAppliesTo(sa, { kind: 'ServiceAccount', name: 'builder' }, 'ns2'));
    assert.ok(subjectAppliesTo(sa, { kind: 'ServiceAccount', name: 'builder', namespace: 'ns1' }, 'ns2'));
    assert.ok(!subjectAppliesTo(sa, { kind: 'ServiceAccount', name: 'builder' }, ''));
  });
});

describe('RBAC coverage (escalation check)', () => {
  it('reports what the owner rules miss, broken down per verb', () => {
    const owner: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }];
    assert.ok(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).covered);
    assert.ok(covers(owner, [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }]).covered);
    assert.ok(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] }]).covered);
    const r = covers(owner, [{ verbs: ['get', 'delete', 'create'], apiGroups: [''], resources: ['pods'] }]);
    assert.equal(r.covered, false);
    assert.deepEqual(r.missing.map(m => m.verbs[0]), ['delete', 'create']);
    assert.deepEqual(compactRules(r.missing).map(compactString), ['{APIGroups:[""], Resources:["pods"], Verbs:["delete" "create"]}']);
    // A named owner rule does not cover the whole resource.
    assert.ok(!covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).covered);
    assert.ok(covers([{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/logs/a'] }]).covered);
  });

  it('words the error as upstream does', () => {
    const msg = escalationMessage({ name: 'bob', groups: ['dev', 'system:authenticated'] }, [{ verbs: ['create'], apiGroups: [''], resources: ['secrets'] }], []);
    assert.equal(msg, 'user "bob" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["create"]}');
  });
});

describe('forbidden messages', () => {
  it('names user, verb, resource, group and scope', () => {
    const ns = forbiddenError(bob, res('list', 'pods'), '');
    assert.equal(ns.code, 403);
    assert.equal(ns.message, 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
    assert.deepEqual(ns.details, { kind: 'pods' });
    const cluster = forbiddenError(bob, { verb: 'get', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin', isResourceRequest: true }, 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    assert.equal(cluster.message, 'clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "bob" cannot get resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    assert.deepEqual(cluster.details, { name: 'admin', group: 'rbac.authorization.k8s.io', kind: 'clusterroles' });
    assert.equal(forbiddenError(bob, { verb: 'get', path: '/foo', isResourceRequest: false }, '').message, 'forbidden: User "bob" cannot get path "/foo"');
  });
});

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise(r => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function setup(modes: string[]): { stores: Stores; authz: AuthorizationSetup } {
  let authz: AuthorizationSetup | undefined;
  const admission = new AdmissionChain([rbacEscalation({ authorize: (u, a) => authz!.authorization.authorize(u, a), resolver: () => authz?.rbac })]);
  const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', admission);
  const rbac = (r: string) => stores.builtin('rbac.authorization.k8s.io', r);
  authz = buildAuthorization(modes, {
    roles: rbac('roles'), clusterRoles: rbac('clusterroles'), roleBindings: rbac('rolebindings'), clusterRoleBindings: rbac('clusterrolebindings'),
    pods: stores.builtin('', 'pods'), persistentVolumeClaims: stores.builtin('', 'persistentvolumeclaims'),
  });
  return { stores, authz };
}

const role = (name: string, rules: PolicyRule[], namespace = 'default'): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules });
const roleBinding = (name: string, ref: { kind: string; name: string }, subjects: KubeObject[] | object[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref }, subjects,
});

describe('RBAC authorizer, escalation check and bootstrap policy (memory storage)', () => {
  it('reconciles the bootstrap policy, aggregates admin/edit/view, and allows by bindings', async () => {
    const { stores, authz } = setup(['Node', 'RBAC']);
    await authz.start();
    try {
      const crs = stores.builtin('rbac.authorization.k8s.io', 'clusterroles');
      const view = await crs.get('', 'view');
      assert.equal(view.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
      await until(async () => ((await crs.get('', 'admin'))['rules'] as PolicyRule[] | undefined ?? []).length > 10, 'admin aggregation');
      const decide = (u: UserInfo, a: Attributes) => authz.authorization.decide(u, a);
      await until(async () => (await decide({ name: 'x', groups: ['system:unauthenticated'] }, { verb: 'get', path: '/healthz', isResourceRequest: false })).decision === 'Allow', 'public-info-viewer');
      assert.equal((await decide(bob, { verb: 'get', path: '/apis/apps/v1', isResourceRequest: false })).decision, 'Allow');
      assert.deepEqual(await decide(bob, res('list', 'pods')), { decision: 'NoOpinion', reason: '' });

      await stores.builtin('rbac.authorization.k8s.io', 'rolebindings').create('default', roleBinding('bob-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }]), { dryRun: false });
      await until(async () => (await decide(bob, res('list', 'pods'))).decision === 'Allow', 'the binding to take effect');
      assert.equal((await decide(bob, res('list', 'pods'))).reason, 'RBAC: allowed by RoleBinding "bob-view/default" of ClusterRole "view" to User "bob"');
      assert.equal((await decide(bob, res('list', 'pods', { namespace: 'other' }))).decision, 'NoOpinion');
      assert.equal((await decide(bob, res('get', 'secrets'))).decision, 'NoOpinion', 'view has no secrets');

      await stores.builtin('rbac.authorization.k8s.io', 'rolebindings').create('default', roleBinding('dangling', { kind: 'Role', name: 'missing' }, [{ kind: 'User', name: 'bob' }]), { dryRun: false });
      await until(async () => (await decide(bob, res('delete', 'pods'))).reason !== '', 'the dangling binding');
      assert.equal((await decide(bob, res('delete', 'pods'))).reason, 'RBAC: role.rbac.authorization.k8s.io "missing" not found');

      const rules = authz.authorization.rulesFor(bob, 'default');
      assert.ok(rules.resourceRules.some(r => r.resources?.includes('selfsubjectaccessreviews')));
      assert.ok(rules.nonResourceRules.some(r => r.nonResourceURLs?.includes('/api/*')));
      assert.equal(rules.incomplete, false);
      assert.equal(authz.authorization.rulesFor({ name: 'system:node:n1', groups: ['system:nodes'] }, 'default').incomplete, true);

      assert.equal((await decide({ name: 'root', groups: ['system:masters'] }, res('delete', 'anything'))).decision, 'Allow');
    } finally {
      authz.stop();
    }
  });

  it('refuses roles and bindings granting more than the writer holds, unless escalate/bind', async () => {
    const { stores, authz } = setup(['RBAC']);
    await authz.start();
    try {
      const roles = stores.builtin('rbac.authorization.k8s.io', 'roles');
      const bindings = stores.builtin('rbac.authorization.k8s.io', 'rolebindings');
      // bob may manage roles and bindings in default and read pods, nothing more.
      await roles.create('default', role('manager', [
        { verbs: ['create', 'get', 'list', 'update', 'delete'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      ]), { dryRun: false });
      await bindings.create('default', roleBinding('bob-manager', { kind: 'Role', name: 'manager' }, [{ kind: 'User', name: 'bob' }]), { dryRun: false });
      await until(async () => (await authz.authorization.decide(bob, res('create', 'roles', { group: 'rbac.authorization.k8s.io' }))).decision === 'Allow', 'bob-manager');

      await runAsUser(bob, () => roles.create('default', role('reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), { dryRun: false }));
      const err = await runAsUser(bob, () => roles.create('default', role('writer', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]), { dryRun: false })).then(() => undefined, (e: unknown) => e);
      assert.ok(isApiError(err));
      assert.equal(err.code, 403);
      assert.equal(err.message, 'roles.rbac.authorization.k8s.io "writer" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
        + '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}');

      // Binding a role bob does not hold: refused; binding one he holds: fine.
      await roles.create('default', role('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), { dryRun: false });
      await until(() => authz.rbac!.rulesWithErrors(bob, 'default').rules.length >= 2, 'index');
      const bindErr = await runAsUser(bob, () => bindings.create('default', roleBinding('b1', { kind: 'Role', name: 'secret-reader' }, [{ kind: 'User', name: 'alice' }]), { dryRun: false })).then(() => undefined, (e: unknown) => e);
      assert.ok(isApiError(bindErr) && bindErr.code === 403, String(bindErr));
      await runAsUser(bob, () => bindings.create('default', roleBinding('b2', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'alice' }]), { dryRun: false }));

      // With `bind` on that role, and `escalate` on roles, both go through.
      await roles.create('default', role('binder', [
        { verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], resourceNames: ['secret-reader'] },
        { verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
      ]), { dryRun: false });
      await bindings.create('default', roleBinding('bob-binder', { kind: 'Role', name: 'binder' }, [{ kind: 'User', name: 'bob' }]), { dryRun: false });
      await until(async () => (await authz.authorization.decide(bob, res('bind', 'roles', { group: 'rbac.authorization.k8s.io', name: 'secret-reader' }))).decision === 'Allow', 'bob-binder');
      await runAsUser(bob, () => bindings.create('default', roleBinding('b3', { kind: 'Role', name: 'secret-reader' }, [{ kind: 'User', name: 'alice' }]), { dryRun: false }));
      await runAsUser(bob, () => roles.create('default', role('writer', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), { dryRun: false }));
    } finally {
      authz.stop();
    }
  });

  it('lets a node read only the secrets of pods bound to it', async () => {
    const { stores, authz } = setup(['Node', 'RBAC']);
    await authz.start();
    try {
      await stores.builtin('', 'namespaces').create('', { metadata: { name: 'default' } }, { dryRun: false });
      await stores.builtin('', 'pods').create('default', {
        metadata: { name: 'p1', namespace: 'default' },
        spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }] }], volumes: [{ name: 'v', configMap: { name: 'cm1' } }] },
      }, { dryRun: false });
      const n1: UserInfo = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
      const n2: UserInfo = { name: 'system:node:n2', groups: ['system:nodes', 'system:authenticated'] };
      const decide = (u: UserInfo, a: Attributes) => authz.authorization.decide(u, a);
      await until(async () => (await decide(n1, res('get', 'secrets', { name: 's1' }))).decision === 'Allow', 'the pod in the node graph');
      assert.equal((await decide(n1, res('get', 'configmaps', { name: 'cm1' }))).decision, 'Allow');
      assert.deepEqual(await decide(n2, res('get', 'secrets', { name: 's1' })), { decision: 'NoOpinion', reason: "no relationship found between node 'n2' and this object" });
      assert.equal((await decide(n1, res('get', 'secrets', { name: 'other' }))).decision, 'NoOpinion');
      assert.equal((await decide(n1, res('update', 'leases', { group: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }))).decision, 'Allow');
      assert.equal((await decide(n1, res('update', 'leases', { group: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n2' }))).decision, 'NoOpinion');
      assert.equal((await decide(n1, res('list', 'services', { namespace: '' }))).decision, 'Allow', 'static system:node rules');
    } finally {
      authz.stop();
    }
  });
});

describe('bootstrap policy pieces', () => {
  it('reconcile adds missing rules and labels but keeps what users added', () => {
    const expected = clusterRoles.find(r => r.metadata.name === 'system:basic-user')!;
    const existing: KubeObject = { ...structuredClone(expected), metadata: { name: 'system:basic-user', labels: { mine: 'yes' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    const out = reconcileRole(existing, expected)!;
    assert.equal(out.metadata.labels?.['mine'], 'yes');
    assert.equal(out.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
    const rules = out['rules'] as PolicyRule[];
    assert.deepEqual(rules[0], { verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    assert.ok(covers(rules, expected['rules'] as PolicyRule[]).covered);
    assert.equal(reconcileRole(out, expected), null, 'a second pass changes nothing');
  });

  it('aggregates the rules of selected roles, deduplicated, by name order', () => {
    const agg: KubeObject = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'true' } }] } };
    const r1: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const r2: PolicyRule = { verbs: ['list'], apiGroups: [''], resources: ['pods'] };
    const all: KubeObject[] = [
      agg,
      { metadata: { name: 'z', labels: { a: 'true' } }, rules: [r2, r1] },
      { metadata: { name: 'b', labels: { a: 'true' } }, rules: [r1] },
      { metadata: { name: 'c', labels: { a: 'false' } }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
    ];
    assert.deepEqual(aggregatedRules(agg, all), [r1, r2]);
  });

  it('finds what a pod makes its node depend on', () => {
    const refs = podReferences({ metadata: { name: 'p' }, spec: { serviceAccountName: 'sa', imagePullSecrets: [{ name: 'pull' }], volumes: [{ name: 'data', ephemeral: {} }, { name: 'pr', projected: { sources: [{ secret: { name: 'ps' } }] } }], containers: [{ envFrom: [{ configMapRef: { name: 'env' } }] }] } });
    assert.deepEqual(refs, [['serviceaccount', 'sa'], ['secret', 'pull'], ['pvc', 'p-data'], ['secret', 'ps'], ['configmap', 'env']]);
  });
});

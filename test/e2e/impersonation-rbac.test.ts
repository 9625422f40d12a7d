// Impersonation under RBAC: refused without the impersonate verb, allowed with it, and the
// request then runs with the impersonated user's (lack of) rights.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { issueCert } from '../../src/server/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let bob: { cert: string; key: string };
const json = { 'Content-Type': 'application/json' };

before(async () => {
  s = await startTestServer(['--authorization-mode=Node,RBAC']);
  const ca = { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') };
  const pair = await issueCert({ ca, commonName: 'bob', usage: 'client' });
  bob = { cert: pair.certPem, key: pair.keyPem };
});
after(async () => { await s?.stop(); });

describe('impersonation with RBAC', () => {
  it('is 403 without the impersonate verb', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/pods', { clientCert: bob, headers: { 'Impersonate-User': 'alice' } });
    assert.equal(r.status, 403, r.body);
    const st = r.json<{ kind: string; reason: string; message: string }>();
    assert.equal(st.kind, 'Status');
    assert.match(st.message, /User "bob" cannot impersonate resource "users" in API group "" at the cluster scope/);
  });

  it('is allowed with the verb, and the request runs as the impersonated user', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'impersonate-alice' }, rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice'] }] };
    assert.equal((await s.http('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { body: JSON.stringify(role), headers: json })).status, 201);
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'bob-impersonates-alice' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-alice' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }] };
    assert.equal((await s.http('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { body: JSON.stringify(binding), headers: json })).status, 201);
    let r = await s.http('GET', '/api/v1/namespaces/default/pods', { clientCert: bob, headers: { 'Impersonate-User': 'alice' } });
    for (let i = 0; i < 50 && r.status === 403 && /bob/.test(r.body); i++) {
      // The RBAC index follows a watch: give it a moment.
      await new Promise(res => setTimeout(res, 100));
      r = await s.http('GET', '/api/v1/namespaces/default/pods', { clientCert: bob, headers: { 'Impersonate-User': 'alice' } });
    }
    assert.equal(r.status, 403, r.body);
    assert.match(r.json<{ message: string }>().message, /User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
    const other = await s.http('GET', '/api/v1/namespaces/default/pods', { clientCert: bob, headers: { 'Impersonate-User': 'carol' } });
    assert.equal(other.status, 403);
    assert.match(other.json<{ message: string }>().message, /User "bob" cannot impersonate/);
  });
});

// NodeRestriction with the Node authorizer, as kubeadm runs them: a kubelet's client
// certificate (system:node:<name> in system:nodes) may only change what belongs to its node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { issueCert, type CertKeyPair } from '../../src/server/pki.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

let s: TestServer;
let kubelet: CertKeyPair;
const json = { 'Content-Type': 'application/json' };

before(async () => {
  s = await startTestServer(['--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction', '--service-account-issuer=https://kubernetes.default.svc.cluster.local'], {
    pkiFlags: pki => [`--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`],
  });
  const ca = { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') };
  kubelet = await issueCert({ ca, commonName: 'system:node:n1', organizations: ['system:nodes'], usage: 'client' });
  await s.defaultServiceAccount('kube-system');
});
after(async () => { await s?.stop(); });

function asNode(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<HttpResult> {
  return s.http(method, path, { clientCert: { cert: kubelet.certPem, key: kubelet.keyPem }, headers: { 'Content-Type': contentType }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

function assertForbidden(r: HttpResult, message: RegExp): void {
  assert.equal(r.status, 403, r.body);
  assert.match(r.json<{ message: string }>().message, message);
}

describe('NodeRestriction', () => {
  it('a kubelet registers and updates its own Node only, without restricted labels or taint changes', async () => {
    const node = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
    assert.equal((await asNode('POST', '/api/v1/nodes', node('n1', { 'kubernetes.io/hostname': 'n1', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }))).status, 201);
    assertForbidden(await asNode('POST', '/api/v1/nodes', node('n2')), /node "n1" is not allowed to modify node "n2"/);
    assertForbidden(await asNode('POST', '/api/v1/nodes', node('n1b')), /is not allowed to modify node "n1b"/);
    const patch = (body: unknown) => asNode('PATCH', '/api/v1/nodes/n1', body, 'application/merge-patch+json');
    assertForbidden(await patch({ metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } } }), /is not allowed to modify labels: node-restriction.kubernetes.io\/trusted/);
    assertForbidden(await patch({ metadata: { labels: { 'kubernetes.io/role': 'master' } } }), /is not allowed to modify labels: kubernetes.io\/role/);
    assertForbidden(await patch({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), /node "n1" is not allowed to modify taints/);
    const ok = await patch({ metadata: { labels: { 'topology.kubernetes.io/zone': 'z1', 'example.com/free': 'x' } } });
    assert.equal(ok.status, 200, ok.body);
    // Another identity (the admin) is not restricted.
    assert.equal((await s.http('PATCH', '/api/v1/nodes/n1', { body: JSON.stringify({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), headers: { 'Content-Type': 'application/merge-patch+json' } })).status, 200);
  });

  it('a kubelet keeps its own lease in kube-node-lease', async () => {
    const lease = (ns: string, name: string) => asNode('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'n1' } });
    assert.equal((await lease('kube-node-lease', 'n1')).status, 201);
    assertForbidden(await lease('kube-node-lease', 'n2'), /can only access node lease with the same name as the requesting node/);
  });

  it('a kubelet creates only mirror pods bound to itself and owned by its Node', async () => {
    const nodeUid = (await s.http('GET', '/api/v1/nodes/n1')).json<{ metadata: { uid: string } }>().metadata.uid;
    const pod = (name: string, extra: Record<string, unknown> = {}, mirror = true) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name, namespace: 'kube-system',
        ...(mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: nodeUid, controller: true }],
      },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], ...extra },
    });
    const create = (body: unknown) => asNode('POST', '/api/v1/namespaces/kube-system/pods', body);
    const mirror = await create(pod('static-n1'));
    assert.equal(mirror.status, 201, mirror.body);
    assertForbidden(await create(pod('plain', {}, false)), /pod does not have "kubernetes.io\/config.mirror" annotation, node "n1" can only create mirror pods/);
    assertForbidden(await create(pod('elsewhere', { nodeName: 'n2' })), /node "n1" can only create pods with spec.nodeName set to itself/);
    // The ServiceAccount plugin runs first and refuses secrets in mirror pods, as upstream's order has it.
    assertForbidden(await create(pod('with-secret', { volumes: [{ name: 's', secret: { secretName: 'x' } }] })), /a mirror pod may not reference secrets/);
    assertForbidden(await create(pod('with-cm', { volumes: [{ name: 'c', configMap: { name: 'x' } }] })), /node "n1" can not create pods that reference configmaps/);
  });

  it('a kubelet gets service account tokens only bound to a pod on its node', async () => {
    const podUid = (await s.http('GET', '/api/v1/namespaces/kube-system/pods/static-n1')).json<{ metadata: { uid: string } }>().metadata.uid;
    const token = (boundObjectRef?: unknown) => asNode('POST', '/api/v1/namespaces/kube-system/serviceaccounts/default/token', {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['api'], ...(boundObjectRef ? { boundObjectRef } : {}) },
    });
    assertForbidden(await token(), /serviceaccounts "default" is forbidden: node requested token not bound to a pod/);
    assertForbidden(await token({ apiVersion: 'v1', kind: 'Pod', name: 'static-n1' }), /node requested token with a pod binding without a uid/);
    const bound = await token({ apiVersion: 'v1', kind: 'Pod', name: 'static-n1', uid: podUid });
    assert.equal(bound.status, 201, bound.body);
  });
});

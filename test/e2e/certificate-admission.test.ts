// CertificateApproval, CertificateSigning and CertificateSubjectRestriction under RBAC: who may
// approve or sign CSRs is decided per signer, and nobody gets a system:masters client certificate
// from the kube-apiserver-client signer.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { issueCert, type CertKeyPair } from '../../src/server/pki.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

x509.cryptoProvider.set(webcrypto);

let s: TestServer;
let carol: CertKeyPair;
const json = { 'Content-Type': 'application/json' };
const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

async function csrRequest(subject: string): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
  return Buffer.from(csr.toString('pem')).toString('base64');
}

const asCarol = (method: string, path: string, body: unknown): Promise<HttpResult> =>
  s.http(method, path, { clientCert: { cert: carol.certPem, key: carol.keyPem }, headers: json, body: JSON.stringify(body) });

async function admin(method: string, path: string, body: unknown): Promise<HttpResult> {
  const r = await s.http(method, path, { headers: json, body: JSON.stringify(body) });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
  return r;
}

before(async () => {
  s = await startTestServer(['--authorization-mode=Node,RBAC']);
  const ca = { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') };
  carol = await issueCert({ ca, commonName: 'carol', usage: 'client' });
  // carol may read CSRs and write their approval and status, but holds no signer verbs yet.
  await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'csr-handler' }, rules: [
    { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/approval', 'certificatesigningrequests/status'], verbs: ['get', 'list', 'create', 'update'] },
  ] });
  await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'csr-handler' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-handler' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }] });
});
after(async () => { await s?.stop(); });

const csrBody = async (name: string, signerName: string, subject = `CN=${name}`) => ({
  apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
  spec: { request: await csrRequest(subject), signerName, usages: ['client auth'] },
});

describe('certificate admission', () => {
  it('approving needs the approve verb on the signer (or its domain wildcard)', async () => {
    await admin('POST', CSRS, await csrBody('needs-approval', 'example.com/widgets'));
    const approve = async () => {
      const csr = (await s.http('GET', `${CSRS}/needs-approval`)).json<Record<string, unknown>>();
      csr['status'] = { conditions: [{ type: 'Approved', status: 'True', reason: 'Test', message: 'ok' }] };
      return asCarol('PUT', `${CSRS}/needs-approval/approval`, csr);
    };
    const refused = await approve();
    assert.equal(refused.status, 403, refused.body);
    assert.match(refused.json<{ message: string }>().message, /user not permitted to approve requests with signerName "example.com\/widgets"/);
    await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'approver' },
      rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['example.com/*'], verbs: ['approve'] }] });
    await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'approver' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'approver' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }] });
    let ok: HttpResult | undefined;
    for (let i = 0; i < 50 && ok?.status !== 200; i++) {
      ok = await approve();
      if (ok.status !== 200) await new Promise(r => setTimeout(r, 100));
    }
    assert.equal(ok!.status, 200, ok!.body);
  });

  it('issuing a certificate needs the sign verb on the signer', async () => {
    const csr = (await s.http('GET', `${CSRS}/needs-approval`)).json<Record<string, unknown>>();
    csr['status'] = { ...(csr['status'] as object), certificate: Buffer.from('not really a certificate').toString('base64') };
    const r = await asCarol('PUT', `${CSRS}/needs-approval/status`, csr);
    assert.equal(r.status, 403, r.body);
    assert.match(r.json<{ message: string }>().message, /user not permitted to sign requests with signerName "example.com\/widgets"/);
  });

  it('nobody may request a system:masters certificate from the kube-apiserver-client signer', async () => {
    const r = await s.http('POST', CSRS, { headers: json, body: JSON.stringify(await csrBody('masters', 'kubernetes.io/kube-apiserver-client', 'CN=eve, O=system:masters')) });
    assert.equal(r.status, 403, r.body);
    assert.match(r.json<{ message: string }>().message, /use of kubernetes.io\/kube-apiserver-client signer with system:masters group is not allowed/);
    await admin('POST', CSRS, await csrBody('plain-client', 'kubernetes.io/kube-apiserver-client', 'CN=eve, O=developers'));
  });
});

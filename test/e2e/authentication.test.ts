// The authenticator union, impersonation and the authentication APIs, against the real server
// with kubectl 1.32 and raw HTTPS.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { createCA, issueCert } from '../../src/server/pki.js';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
let s: TestServer;
let dir: string;
let frontProxy: { cert: string; key: string };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kas-authn-'));
  const tokenFile = join(dir, 'tokens.csv');
  writeFileSync(tokenFile, 'alice-token,alice,1001,"dev,ops"\n');
  s = await startTestServer([
    `--token-auth-file=${tokenFile}`, `--service-account-issuer=${ISSUER}`, '--enable-bootstrap-token-auth',
    '--requestheader-allowed-names=front-proxy-client', '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-uid-headers=X-Remote-Uid',
  ], {
    pkiFlags: pki => [
      `--requestheader-client-ca-file=${pki.frontProxyCaCert}`,
      `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
    ],
  });
  frontProxy = { cert: readFileSync(s.pki.frontProxyClientCert, 'utf8'), key: readFileSync(s.pki.frontProxyClientKey, 'utf8') };
  // A kubeconfig user with a bearer token and no client certificate (kubectl would send the cert otherwise).
  const cfg = parse(readFileSync(s.kubeconfig, 'utf8')) as { users: { name: string; user: Record<string, string> }[] };
  cfg.users.push({ name: 'alice', user: { token: 'alice-token' } });
  writeFileSync(s.kubeconfig, stringify(cfg), { mode: 0o600 });
});
after(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ok = (args: string[], input?: string): Promise<string> => s.kubectlOk(args, input);

const bearer = (token: string) => ({ anonymous: true, headers: { Authorization: `Bearer ${token}` } });

function assertUnauthorized(r: HttpResult): void {
  assert.equal(r.status, 401, r.body);
  const st = r.json();
  assert.equal(st['kind'], 'Status');
  assert.equal(st['reason'], 'Unauthorized');
  assert.equal(st['message'], 'Unauthorized');
}

async function whoami(opts: Parameters<TestServer['http']>[2]): Promise<{ username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }> {
  const r = await s.http('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    ...opts, body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    headers: { 'Content-Type': 'application/json', ...(opts?.headers ?? {}) },
  });
  assert.equal(r.status, 201, r.body);
  return r.json<{ status: { userInfo: { username: string; groups: string[] } } }>().status.userInfo;
}

async function tokenReview(token: string, audiences?: string[]): Promise<Record<string, unknown>> {
  const r = await s.http('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } }),
  });
  assert.equal(r.status, 201, r.body);
  return r.json<{ status: Record<string, unknown> }>().status;
}

describe('authentication', () => {
  it('rejects a client certificate from another CA, a bad bearer token and missing credentials with 401', async () => {
    const otherCa = await createCA('someone-else');
    const stranger = await issueCert({ ca: otherCa, commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client' });
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces', { clientCert: { cert: stranger.certPem, key: stranger.keyPem } }));
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces', bearer('no-such-token')));
    // --anonymous-auth is forced off under AlwaysAllow, as upstream.
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces', { anonymous: true }));
    // A present but invalid token is never downgraded, even alongside a valid client certificate's absence.
    const r = await s.kubectl(['--user=alice', '--token=wrong', 'get', 'ns']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
  });

  it('authenticates a token-file user (kubectl auth whoami through SelfSubjectReview)', async () => {
    const out = JSON.parse(await ok(['--user=alice', 'auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; uid: string; groups: string[] } } };
    assert.equal(out.status.userInfo.username, 'alice');
    assert.equal(out.status.userInfo.uid, '1001');
    assert.deepEqual(out.status.userInfo.groups, ['dev', 'ops', 'system:authenticated']);
    assert.match(await ok(['--user=alice', 'get', 'ns', 'default', '-o', 'name']), /namespace\/default/);
  });

  it('issues service account tokens (TokenRequest) that the server and TokenReview accept', async () => {
    await ok(['create', 'serviceaccount', 'builder', '-n', 'default']);
    const token = (await ok(['create', 'token', 'builder', '-n', 'default'])).trim();
    const [header, payload] = token.split('.').slice(0, 2).map(p => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    assert.equal(header!['alg'], 'RS256');
    assert.equal(typeof header!['kid'], 'string');
    assert.equal(payload!['iss'], ISSUER);
    assert.deepEqual(payload!['aud'], [ISSUER]);
    assert.equal(payload!['sub'], 'system:serviceaccount:default:builder');
    assert.equal((payload!['exp'] as number) - (payload!['iat'] as number), 3600);
    const k8s = payload!['kubernetes.io'] as { namespace: string; serviceaccount: { name: string; uid: string } };
    assert.equal(k8s.namespace, 'default');
    assert.equal(k8s.serviceaccount.name, 'builder');

    const me = await whoami(bearer(token));
    assert.equal(me.username, 'system:serviceaccount:default:builder');
    assert.deepEqual(me.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);

    const review = await tokenReview(token);
    assert.equal(review['authenticated'], true);
    assert.equal((review['user'] as { username: string }).username, 'system:serviceaccount:default:builder');
    assert.deepEqual(review['audiences'], [ISSUER]);
    const wrongAudience = await tokenReview(token, ['vault']);
    assert.equal(wrongAudience['authenticated'], false);
    assert.match(String(wrongAudience['error']), /token audiences \["https:\/\/kubernetes.default.svc.cluster.local"\] is invalid for the target audiences \["vault"\]/);
    const bogus = await tokenReview('bogus');
    assert.equal(bogus['authenticated'], false);
  });

  it('validates TokenRequest fields as upstream', async () => {
    const r = await s.http('POST', '/api/v1/namespaces/default/serviceaccounts/builder/token', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 60 } }),
    });
    assert.equal(r.status, 422, r.body);
    assert.match(r.json<{ message: string }>().message, /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    const missing = await s.http('POST', '/api/v1/namespaces/default/serviceaccounts/nobody/token', {
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ spec: {} }),
    });
    assert.equal(missing.status, 404, missing.body);
  });

  it('stops accepting a token bound to a secret once the secret is deleted', async () => {
    await ok(['create', 'secret', 'generic', 'binding', '-n', 'default', '--from-literal=k=v']);
    const token = (await ok(['create', 'token', 'builder', '-n', 'default', '--bound-object-kind=Secret', '--bound-object-name=binding'])).trim();
    assert.equal((await s.http('GET', '/api/v1/namespaces/default', bearer(token))).status, 200);
    await ok(['delete', 'secret', 'binding', '-n', 'default']);
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces/default', bearer(token)));
    const review = await tokenReview(token);
    assert.equal(review['authenticated'], false);
    assert.equal(review['error'], 'secret default/binding has been deleted');
  });

  it('binds a token to a pod: pod claims and extras, rejected once the pod is gone', async () => {
    await ok(['run', 'worker', '-n', 'default', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"builder"}}']);
    const token = (await ok(['create', 'token', 'builder', '-n', 'default', '--bound-object-kind=Pod', '--bound-object-name=worker'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { 'kubernetes.io': { pod: { name: string; uid: string } } };
    assert.equal(claims['kubernetes.io'].pod.name, 'worker');
    const me = await whoami(bearer(token));
    assert.deepEqual(me.extra?.['authentication.kubernetes.io/pod-name'], ['worker']);
    assert.deepEqual(me.extra?.['authentication.kubernetes.io/pod-uid'], [claims['kubernetes.io'].pod.uid]);
    await ok(['create', 'serviceaccount', 'other', '-n', 'default']);
    const other = await s.kubectl(['create', 'token', 'other', '-n', 'default', '--bound-object-kind=Pod', '--bound-object-name=worker']);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /cannot bind token for serviceaccount "other" to pod running with different serviceaccount name/);
    await ok(['delete', 'pod', 'worker', '-n', 'default', '--grace-period=0', '--force']);
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces/default', bearer(token)));
  });

  it('authenticates a bootstrap token from its kube-system secret', async () => {
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      data: {
        'token-id': b64('abcdef'), 'token-secret': b64('0123456789abcdef'), 'usage-bootstrap-authentication': b64('true'),
        'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token'), expiration: b64(new Date(Date.now() + 3600_000).toISOString()),
      },
    };
    const created = await s.http('POST', '/api/v1/namespaces/kube-system/secrets', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(secret) });
    assert.equal(created.status, 201, created.body);
    const me = await whoami(bearer('abcdef.0123456789abcdef'));
    assert.equal(me.username, 'system:bootstrap:abcdef');
    assert.deepEqual(me.groups, ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated']);
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces', bearer('abcdef.0123456789abcdee')));
  });

  it('trusts front-proxy identity headers only from the front-proxy CA', async () => {
    const me = await whoami({
      clientCert: frontProxy,
      headers: { 'X-Remote-User': 'proxied', 'X-Remote-Group': 'team-a', 'X-Remote-Uid': 'u-7', 'X-Remote-Extra-Scopes': 'read' },
    });
    assert.deepEqual(me, { username: 'proxied', uid: 'u-7', groups: ['team-a', 'system:authenticated'], extra: { scopes: ['read'] } });
    // The admin's certificate is from the client CA, not the front-proxy CA: the headers are ignored.
    const admin = await whoami({ headers: { 'X-Remote-User': 'proxied' } });
    assert.equal(admin.username, 'kubernetes-admin');
    // The front-proxy certificate alone is no user.
    assertUnauthorized(await s.http('GET', '/api/v1/namespaces', { clientCert: frontProxy }));
  });

  it('publishes its client CA and front-proxy settings in kube-system/extension-apiserver-authentication', async () => {
    // What kube-controller-manager and kube-scheduler read to authenticate their callers.
    let cm: { data?: Record<string, string> } = {};
    for (let i = 0; i < 50 && !cm.data; i++) {
      const r = await s.http('GET', '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
      if (r.status === 200) cm = r.json();
      else await new Promise(res => setTimeout(res, 100));
    }
    const data = cm.data ?? {};
    const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');
    assert.equal(der(data['client-ca-file'] ?? ''), der(readFileSync(s.pki.caCert, 'utf8')));
    assert.equal(der(data['requestheader-client-ca-file'] ?? ''), der(readFileSync(s.pki.frontProxyCaCert, 'utf8')));
    assert.equal(data['requestheader-username-headers'], '["X-Remote-User"]');
    assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
    assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
    assert.equal(data['requestheader-uid-headers'], '["X-Remote-Uid"]');
    assert.equal(data['requestheader-allowed-names'], '["front-proxy-client"]');
  });

  it('impersonates with kubectl --as under AlwaysAllow', async () => {
    const out = JSON.parse(await ok(['--as=jane', '--as-group=devs', 'auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.equal(out.status.userInfo.username, 'jane');
    assert.deepEqual(out.status.userInfo.groups, ['devs', 'system:authenticated']);
    const sa = await whoami({ headers: { 'Impersonate-User': 'system:serviceaccount:default:builder' } });
    assert.deepEqual(sa.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    const groupOnly = await s.http('GET', '/api/v1/namespaces', { headers: { 'Impersonate-Group': 'devs' } });
    assert.equal(groupOnly.status, 500, groupOnly.body);
  });

  it('serves OIDC discovery for the service account issuer', async () => {
    const conf = await s.http('GET', '/.well-known/openid-configuration');
    assert.equal(conf.status, 200, conf.body);
    const doc = conf.json<{ issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] }>();
    assert.equal(doc.issuer, ISSUER);
    assert.equal(doc.jwks_uri, `https://127.0.0.1:${s.port}/openid/v1/jwks`);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    const jwks = await s.http('GET', '/openid/v1/jwks');
    assert.equal(jwks.headers['content-type'], 'application/jwk-set+json');
    const keys = jwks.json<{ keys: { kty: string; kid: string; use: string }[] }>().keys;
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.kty, 'RSA');
    assert.equal(keys[0]!.use, 'sig');
  });
});

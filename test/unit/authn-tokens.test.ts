import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KubeObject } from '../../src/api/types.js';
import { bootstrapTokenAuthenticator } from '../../src/authn/bootstrap-token.js';
import type { CoreResource, ObjectGetter } from '../../src/authn/object-getter.js';
import { ServiceAccountTokenIssuer } from '../../src/authn/service-account-issuer.js';
import { algorithmFor, jwksOf, keyId, publicKeysFromPem, type SigningKey } from '../../src/authn/service-account-keys.js';
import { LEGACY_ISSUER, serviceAccountTokenAuthenticator } from '../../src/authn/service-account-token.js';
import { parseCsv, tokensFromCsv } from '../../src/authn/token-file.js';
import { TokenUnion } from '../../src/authn/token-union.js';
import type { TokenAuthenticator } from '../../src/authn/authenticator.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function objects(list: { resource: CoreResource; obj: KubeObject }[]): { get: ObjectGetter; remove(resource: CoreResource, name: string): void } {
  const m = new Map<string, KubeObject>();
  for (const { resource, obj } of list) m.set(`${resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
  return {
    get: async (resource, ns, name) => m.get(`${resource}/${ns}/${name}`) ?? null,
    remove: (resource, name) => { for (const k of m.keys()) if (k.startsWith(`${resource}/`) && k.endsWith(`/${name}`)) m.delete(k); },
  };
}

function signingKey(type: 'rsa' | 'ec'): SigningKey {
  const { privateKey, publicKey } = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { privateKey, publicKey, alg: algorithmFor(publicKey), kid: keyId(publicKey) };
}

const sa = { metadata: { name: 'builder', namespace: 'ci', uid: 'sa-uid' } };
const secret = { metadata: { name: 'bound', namespace: 'ci', uid: 'secret-uid' }, data: {} };

test('token file: quoted groups, short rows rejected, later duplicates win', () => {
  assert.deepEqual(parseCsv('a,b,"c,d"\r\n\n"x""y",z,1\n'), [['a', 'b', 'c,d'], ['x"y', 'z', '1']]);
  const tokens = tokensFromCsv('t1,alice,1,"dev, ops"\nt2,bob,2\nt1,carol,3\n', 'f.csv');
  assert.deepEqual(tokens.get('t1'), { name: 'carol', uid: '3', groups: [] });
  assert.deepEqual(tokens.get('t2'), { name: 'bob', uid: '2', groups: [] });
  assert.deepEqual(tokensFromCsv('t,u,1,"a, b"', 'f').get('t')?.groups, ['a', 'b']);
  assert.throws(() => tokensFromCsv('t,u\n', 'f.csv'), /at least 3 columns/);
});

test('keys: public, private and EC PEM blocks all yield verification keys; kid is SHA-256 of the SPKI', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
    + ec.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    + ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  const keys = publicKeysFromPem(pem);
  assert.deepEqual(keys.map(algorithmFor), ['RS256', 'ES256', 'ES256']);
  assert.equal(keyId(keys[0]!), keyId(rsa.publicKey));
  assert.match(keyId(keys[0]!), /^[A-Za-z0-9_-]{43}$/);
  const jwks = jwksOf([rsa.publicKey]);
  assert.equal(jwks.keys[0]!.kty, 'RSA');
  assert.equal(jwks.keys[0]!.use, 'sig');
  assert.throws(() => publicKeysFromPem('nothing here'), /does not contain any valid RSA or ECDSA public keys/);
});

for (const type of ['rsa', 'ec'] as const) {
  test(`service account: a bound ${type} token authenticates until its secret goes`, async () => {
    const key = signingKey(type);
    const store = objects([{ resource: 'serviceaccounts', obj: sa }, { resource: 'secrets', obj: secret }]);
    const issuer = new ServiceAccountTokenIssuer(ISSUER, key);
    const { token, expiration } = await issuer.issue({
      namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-uid' }, audiences: [ISSUER], expirationSeconds: 3600,
      secret: { name: 'bound', uid: 'secret-uid' },
    });
    assert.ok(Math.abs(expiration.getTime() - Date.now() - 3600_000) < 5000);
    const authn = serviceAccountTokenAuthenticator({ issuers: [ISSUER], keys: [key.publicKey], implicitAudiences: [ISSUER], lookup: true, getObject: store.get });
    const r = await authn.authenticate(token);
    assert.equal(r.kind, 'user');
    if (r.kind !== 'user') return;
    assert.equal(r.user.name, 'system:serviceaccount:ci:builder');
    assert.equal(r.user.uid, 'sa-uid');
    assert.deepEqual(r.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:ci']);
    assert.match(r.user.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);
    assert.deepEqual(r.audiences, [ISSUER]);

    const wrongAud = await authn.authenticate(token, ['vault']);
    assert.deepEqual(wrongAud, { kind: 'invalid', reason: `token audiences ["${ISSUER}"] is invalid for the target audiences ["vault"]` });

    store.remove('secrets', 'bound');
    assert.deepEqual(await authn.authenticate(token), { kind: 'invalid', reason: 'secret ci/bound has been deleted' });
  });
}

test('service account: expired, foreign-key, foreign-issuer and recreated-account tokens', async () => {
  const key = signingKey('rsa');
  const other = signingKey('rsa');
  const store = objects([{ resource: 'serviceaccounts', obj: sa }]);
  const authn = serviceAccountTokenAuthenticator({ issuers: [ISSUER], keys: [key.publicKey], implicitAudiences: [ISSUER], lookup: true, getObject: store.get });
  const req = { namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-uid' }, audiences: [ISSUER], expirationSeconds: 600 };
  const old = await new ServiceAccountTokenIssuer(ISSUER, key).issue(req, new Date(Date.now() - 3600_000));
  assert.deepEqual(await authn.authenticate(old.token), { kind: 'invalid', reason: 'service account token has expired' });
  const forged = await new ServiceAccountTokenIssuer(ISSUER, other).issue(req);
  assert.deepEqual(await authn.authenticate(forged.token), { kind: 'invalid', reason: 'token could not be validated.' });
  const foreign = await new ServiceAccountTokenIssuer('https://elsewhere', key).issue(req);
  assert.deepEqual(await authn.authenticate(foreign.token), { kind: 'none' });
  assert.deepEqual(await authn.authenticate('not-a-jwt'), { kind: 'none' });
  const recreated = await new ServiceAccountTokenIssuer(ISSUER, key).issue({ ...req, serviceAccount: { name: 'builder', uid: 'older-uid' } });
  assert.deepEqual(await authn.authenticate(recreated.token), { kind: 'invalid', reason: 'service account UID (older-uid) does not match claim (sa-uid)' });
});

test('service account: a legacy secret token must match its secret', async () => {
  const key = signingKey('rsa');
  const legacy = await new SignJWT({
    'kubernetes.io/serviceaccount/namespace': 'ci',
    'kubernetes.io/serviceaccount/secret.name': 'builder-token',
    'kubernetes.io/serviceaccount/service-account.name': 'builder',
    'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
  }).setProtectedHeader({ alg: 'RS256' }).setIssuer(LEGACY_ISSUER).setSubject('system:serviceaccount:ci:builder').sign(key.privateKey);
  const tokenSecret = { metadata: { name: 'builder-token', namespace: 'ci', uid: 's' }, data: { token: Buffer.from(legacy).toString('base64') } };
  const store = objects([{ resource: 'serviceaccounts', obj: sa }, { resource: 'secrets', obj: tokenSecret }]);
  const authn = serviceAccountTokenAuthenticator({ issuers: [ISSUER], keys: [key.publicKey], implicitAudiences: [ISSUER], lookup: true, getObject: store.get });
  const r = await authn.authenticate(legacy);
  assert.equal(r.kind === 'user' && r.user.name, 'system:serviceaccount:ci:builder');
  tokenSecret.data.token = Buffer.from('rotated').toString('base64');
  assert.deepEqual(await authn.authenticate(legacy), { kind: 'invalid', reason: "token does not match server's copy" });
});

function bootstrapSecret(data: Record<string, string>, type = 'bootstrap.kubernetes.io/token'): KubeObject {
  const enc = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' }, type, data: enc };
}

test('bootstrap tokens: secret, usage, expiry and extra groups are honoured', async () => {
  const base = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' };
  const check = async (secretObj: KubeObject, token = 'abcdef.0123456789abcdef') =>
    bootstrapTokenAuthenticator(objects([{ resource: 'secrets', obj: secretObj }]).get).authenticate(token);
  const ok = await check(bootstrapSecret(base));
  assert.deepEqual(ok, { kind: 'user', user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'] } });
  assert.deepEqual(await check(bootstrapSecret(base), 'abcdef.0123456789abcdee'), { kind: 'none' });
  assert.deepEqual(await check(bootstrapSecret({ ...base, expiration: new Date(Date.now() - 1000).toISOString() })), { kind: 'none' });
  assert.equal((await check(bootstrapSecret({ ...base, expiration: new Date(Date.now() + 60_000).toISOString() }))).kind, 'user');
  assert.deepEqual(await check(bootstrapSecret({ ...base, 'usage-bootstrap-authentication': 'false' })), { kind: 'none' });
  assert.deepEqual(await check(bootstrapSecret({ ...base, 'auth-extra-groups': 'system:masters' })), { kind: 'none' });
  assert.deepEqual(await check(bootstrapSecret(base, 'Opaque')), { kind: 'none' });
  assert.deepEqual(await check(bootstrapSecret(base), 'not-a-bootstrap-token'), { kind: 'none' });
});

test('token union: first user wins; audience-agnostic authenticators need an API audience', async () => {
  const fixed = (name: string, user?: string): TokenAuthenticator => ({
    name, authenticate: async t => (user && t === 'good' ? { kind: 'user', user: { name: user, groups: [] } } : { kind: 'none' }),
  });
  const failing: TokenAuthenticator = { name: 'sa', authenticate: async () => ({ kind: 'invalid', reason: 'service account token has expired' }) };
  const union = new TokenUnion([{ authenticator: failing, audienceAgnostic: false }, { authenticator: fixed('file', 'alice'), audienceAgnostic: true }], ['api']);
  const r = await union.authenticate('good');
  assert.equal(r.kind === 'user' && r.user.name, 'alice');
  assert.deepEqual(await union.authenticate('good', ['api']), { kind: 'user', user: { name: 'alice', groups: [] }, audiences: ['api'] });
  assert.deepEqual(await union.authenticate('good', ['other']), { kind: 'invalid', reason: 'service account token has expired' });
  assert.deepEqual(await new TokenUnion([{ authenticator: fixed('file'), audienceAgnostic: true }], []).authenticate('x'), { kind: 'none' });
});

test('keys of both families verify their own tokens only', async () => {
  const keys: KeyObject[] = [signingKey('ec').publicKey];
  const rsa = signingKey('rsa');
  const token = (await new ServiceAccountTokenIssuer(ISSUER, rsa).issue({ namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-uid' }, audiences: [ISSUER], expirationSeconds: 600 })).token;
  const authn = serviceAccountTokenAuthenticator({ issuers: [ISSUER], keys, implicitAudiences: [ISSUER], lookup: true, getObject: objects([{ resource: 'serviceaccounts', obj: sa }]).get });
  assert.equal((await authn.authenticate(token)).kind, 'invalid');
  const both = serviceAccountTokenAuthenticator({ issuers: [ISSUER], keys: [...keys, rsa.publicKey], implicitAudiences: [ISSUER], lookup: true, getObject: objects([{ resource: 'serviceaccounts', obj: sa }]).get });
  assert.equal((await both.authenticate(token)).kind, 'user');
});

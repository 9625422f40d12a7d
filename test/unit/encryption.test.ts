import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { EncryptionConfig, keyResolver } from '../../src/storage/encryption/config.js';
import { aescbc, aesgcm, identity, PrefixTransformers, secretbox } from '../../src/storage/encryption/transformers.js';

const KEY = '/registry/secrets/default/s1';
const plain = Buffer.from('{"kind":"Secret","data":{"a":"b"}}');
const key32 = randomBytes(32);

test('aescbc: a 16-byte IV then AES-CBC with PKCS#7, new IV each write, as upstream stores it', () => {
  const t = aescbc(key32);
  const a = t.toStorage(plain, KEY);
  const b = t.toStorage(plain, KEY);
  assert.notDeepEqual(a, b);
  assert.equal((a.length - 16) % 16, 0);
  // Decrypting by hand with the upstream layout gives the JSON back.
  const d = createDecipheriv('aes-256-cbc', key32, a.subarray(0, 16));
  assert.deepEqual(Buffer.concat([d.update(a.subarray(16)), d.final()]), plain);
  assert.deepEqual(t.fromStorage(a, KEY), plain);
  assert.throws(() => t.fromStorage(a.subarray(0, 20), KEY), /not a multiple of the block size/);
});

test('aesgcm: nonce, ciphertext and tag, bound to the etcd key', () => {
  const t = aesgcm(key32);
  const stored = t.toStorage(plain, KEY);
  assert.equal(stored.length, 12 + plain.length + 16);
  assert.deepEqual(t.fromStorage(stored, KEY), plain);
  assert.throws(() => t.fromStorage(stored, '/registry/secrets/default/copied-elsewhere'), /message authentication failed/);
});

test('secretbox: a 24-byte nonce then XSalsa20-Poly1305', () => {
  const t = secretbox(key32);
  const stored = t.toStorage(plain, KEY);
  assert.equal(stored.length, 24 + plain.length + 16);
  assert.deepEqual(t.fromStorage(stored, KEY), plain);
  stored[30] = (stored[30] ?? 0) ^ 1;
  assert.throws(() => t.fromStorage(stored, KEY));
});

test('prefixes: the first provider writes; reads pick the provider by prefix; identity reads plain data only', () => {
  const cbc = { prefix: 'k8s:enc:aescbc:v1:key1:', transformer: aescbc(key32) };
  const plainFirst = new PrefixTransformers([{ prefix: '', transformer: identity }, cbc]);
  const encryptFirst = new PrefixTransformers([cbc, { prefix: '', transformer: identity }]);
  const encryptOnly = new PrefixTransformers([cbc]);

  const encrypted = encryptFirst.toStorage(plain, KEY);
  assert.ok(encrypted.toString('latin1').startsWith('k8s:enc:aescbc:v1:key1:'));
  assert.deepEqual(plainFirst.toStorage(plain, KEY), plain, 'identity first writes plain text (decrypting a cluster)');
  assert.deepEqual(plainFirst.fromStorage(encrypted, KEY), plain, 'and still reads what was encrypted');
  assert.deepEqual(encryptFirst.fromStorage(plain, KEY), plain, 'data from before encryption stays readable');
  assert.throws(() => encryptOnly.fromStorage(plain, KEY), { message: `unable to transform key "${KEY}": no matching prefix found` });
  assert.throws(() => new PrefixTransformers([{ prefix: '', transformer: identity }]).fromStorage(encrypted, KEY), /identity transformer tried to read encrypted data/);
  const gcm = (secret: Buffer) => new PrefixTransformers([{ prefix: 'k8s:enc:aesgcm:v1:key1:', transformer: aesgcm(secret) }]);
  assert.throws(() => gcm(randomBytes(32)).fromStorage(gcm(key32).toStorage(plain, KEY), KEY), { message: `unable to transform key "${KEY}": cipher: message authentication failed` });
});

const b64 = (n: number) => randomBytes(n).toString('base64');
const config = (resources: string) => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
${resources}`;

test('config: exact resources beat group wildcards, which beat *.*; the first entry wins', () => {
  const c = EncryptionConfig.parse(config(`  - resources: [secrets, deployments.apps]
    providers: [{aesgcm: {keys: [{name: exact, secret: ${b64(32)}}]}}]
  - resources: ['*.apps', secrets]
    providers: [{secretbox: {keys: [{name: group, secret: ${b64(32)}}]}}]
  - resources: ['*.*']
    providers: [{aescbc: {keys: [{name: all, secret: ${b64(16)}}]}}, {identity: {}}]
`));
  const prefixOf = (group: string, resource: string) => c.transformerFor({ group, resource })?.toStorage(plain, KEY).toString('latin1').slice(0, 30);
  assert.match(prefixOf('', 'secrets')!, /^k8s:enc:aesgcm:v1:exact:/);
  assert.match(prefixOf('apps', 'deployments')!, /^k8s:enc:aesgcm:v1:exact:/);
  assert.match(prefixOf('apps', 'statefulsets')!, /^k8s:enc:secretbox:v1:group:/);
  assert.match(prefixOf('', 'configmaps')!, /^k8s:enc:aescbc:v1:all:/);
  const secretsOnly = EncryptionConfig.parse(config(`  - resources: [secrets]\n    providers: [{identity: {}}]\n`));
  assert.equal(secretsOnly.transformerFor({ group: '', resource: 'configmaps' }), undefined);
});

test('config errors name the field, as upstream validation does', () => {
  const bad: [string, RegExp][] = [
    [`  - resources: [secrets]\n    providers: [{aescbc: {keys: [{name: k, secret: ${b64(8)}}]}}]\n`, /providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of \[16 24 32\]/],
    [`  - resources: [secrets]\n    providers: [{aescbc: {keys: [{name: k, secret: ${b64(32)}}]}, identity: {}}]\n`, /more than one provider specified in a single element/],
    [`  - resources: [secrets]\n    providers: [{kms: {apiVersion: v2, name: p, endpoint: 'unix:///k.sock'}}]\n`, /kms: Unsupported value/],
    [`  - resources: [secrets]\n    providers: []\n`, /resources\[0\]\.providers: Required value/],
    [`  - resources: []\n    providers: [{identity: {}}]\n`, /resources\[0\]\.resources: Required value/],
  ];
  for (const [text, message] of bad) assert.throws(() => EncryptionConfig.parse(config(text)), message);
  assert.throws(() => EncryptionConfig.parse('kind: Something'), /EncryptionConfiguration/);
});

test('etcd keys map to resources, custom resources included', () => {
  const resolve = keyResolver('/registry', [
    { path: 'secrets', gr: { group: '', resource: 'secrets' } },
    { path: 'services/specs', gr: { group: '', resource: 'services' } },
    { path: 'services/endpoints', gr: { group: '', resource: 'endpoints' } },
    { path: 'minions', gr: { group: '', resource: 'nodes' } },
    { path: 'deployments', gr: { group: 'apps', resource: 'deployments' } },
  ]);
  assert.deepEqual(resolve('/registry/secrets/default/a'), { group: '', resource: 'secrets' });
  assert.deepEqual(resolve('/registry/services/endpoints/default/a'), { group: '', resource: 'endpoints' });
  assert.deepEqual(resolve('/registry/minions/n1'), { group: '', resource: 'nodes' });
  assert.deepEqual(resolve('/registry/example.com/widgets/default/w'), { group: 'example.com', resource: 'widgets' });
  assert.equal(resolve('/registry/unknown/x'), undefined);
  assert.equal(resolve('compact_rev_key'), undefined);
});

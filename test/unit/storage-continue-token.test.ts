// Continue tokens must be byte-identical to upstream's (clients and other API servers pass them around).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeContinue, encodeContinue } from '../../src/storage/continue-token.js';
import { isStorageError } from '../../src/storage/errors.js';

const prefix = '/registry/pods/';

function decodedJson(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

describe('continue tokens', () => {
  it('encode as Go does: field order, \\u0000, HTML escapes, unpadded base64url', () => {
    const token = encodeContinue('/registry/pods/default/web-0\x00', prefix, 1234n);
    assert.equal(decodedJson(token), '{"v":"meta.k8s.io/v1","rv":1234,"start":"default/web-0\\u0000"}');
    assert.doesNotMatch(token, /[=+/]/);
    const html = encodeContinue('/registry/pods/a<b>&c\x00', prefix, -1n);
    assert.equal(decodedJson(html), '{"v":"meta.k8s.io/v1","rv":-1,"start":"a\\u003cb\\u003e\\u0026c\\u0000"}');
  });

  it('decode back to the full key and revision', () => {
    const token = encodeContinue('/registry/pods/default/web-0\x00', prefix, 1234n);
    assert.deepEqual(decodeContinue(token, prefix), { fromKey: '/registry/pods/default/web-0\x00', rv: 1234n });
    const latest = encodeContinue('/registry/pods/x', prefix, -1n);
    assert.deepEqual(decodeContinue(latest, prefix), { fromKey: '/registry/pods/x', rv: -1n });
  });

  it('reject malformed tokens with upstream messages', () => {
    const cases: [string, RegExp][] = [
      ['not base64!', /^invalid continue token: continue key is not valid: illegal base64 data at input byte 3$/],
      [Buffer.from('nope').toString('base64url'), /^invalid continue token: continue key is not valid: /],
      [Buffer.from('{"v":"v9","rv":1,"start":"a"}').toString('base64url'), /server does not recognize this encoded version v9$/],
      [Buffer.from('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').toString('base64url'), /incorrect encoded start resourceVersion/],
      [Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":""}').toString('base64url'), /encoded start key empty/],
      [Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"../secrets/x"}').toString('base64url'), /continue key is not valid: \.\.\/secrets\/x$/],
      [Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"a//b"}').toString('base64url'), /continue key is not valid: a\/\/b$/],
      [Buffer.from('{"v":"meta.k8s.io/v1","rv":"3","start":"a"}').toString('base64url'), /continue key is not valid/],
    ];
    for (const [token, message] of cases) {
      assert.throws(
        () => decodeContinue(token, prefix),
        (e: unknown) => isStorageError(e, 'InvalidArgument') && message.test(e.message),
        token,
      );
    }
  });
});

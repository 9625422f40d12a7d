// Issue 18 regressions below the handlers: keys named like Object.prototype members, warning
// header limits, malformed path escapes, and oversize etcd writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeObject } from '../../src/api/decode.js';
import { validateCreate } from '../../src/api/validation/index.js';
import { recordWarning } from '../../src/filters/warning-recorder.js';
import { decodePathSegment, hasInvalidEscape } from '../../src/filters/path-escapes.js';
import { parseRequestInfo } from '../../src/filters/request-info.js';
import { checkSendable, maxCallSendBytes } from '../../src/storage/etcd3/client.js';
import { StorageError } from '../../src/storage/errors.js';
import { toApiError } from '../../src/endpoints/status-writer.js';

const protoNames = Object.getOwnPropertyNames(Object.prototype);
const configmaps = builtinCatalog().lookup('', 'v1', 'configmaps')!;

describe('keys named like Object.prototype members', () => {
  it('are ordinary ConfigMap data keys and labels through decode and validation', () => {
    for (const name of protoNames) {
      const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"d","labels":{${JSON.stringify(name)}:"v"}},"data":{${JSON.stringify(name)}:"x"}}`;
      const { obj } = decodeObject(configmaps, body, { fieldValidation: 'Strict' });
      const data = (obj as unknown as { data: Record<string, unknown> }).data;
      assert.equal(Object.getOwnPropertyDescriptor(data, name)?.value, 'x', name);
      assert.equal(Object.getOwnPropertyDescriptor(obj.metadata.labels!, name)?.value, 'v', name);
      const causes = validateCreate(configmaps, obj).filter(c => c.field === `data[${name}]`);
      // Only the key-format rule may speak ("__proto__" is not a valid key); never a false duplicate.
      assert.ok(causes.every(c => !/duplicate/.test(c.message ?? '')), `${name}: ${JSON.stringify(causes)}`);
    }
  });
});

/** Just enough of a Response for header bookkeeping. */
function fakeResponse(): Response & { headers: Map<string, unknown> } {
  const headers = new Map<string, unknown>();
  return {
    headers,
    headersSent: false,
    getHeader: (k: string) => headers.get(k.toLowerCase()),
    setHeader(k: string, v: unknown) { headers.set(k.toLowerCase(), v); return this; },
    removeHeader: (k: string) => { headers.delete(k.toLowerCase()); },
  } as unknown as Response & { headers: Map<string, unknown> };
}

describe('warning headers', () => {
  it('cut each warning to 256 runes once they pass 4096 in all, and drop duplicates', () => {
    const res = fakeResponse();
    recordWarning(res, 'small');
    recordWarning(res, 'small');
    recordWarning(res, `unknown field "${'k'.repeat(1024 * 1024)}"`);
    for (let i = 0; i < 100; i++) recordWarning(res, `w${i} ${'y'.repeat(300)}`);
    const list = res.headers.get('warning') as string[];
    assert.equal(list[0], '299 - "small"');
    assert.ok(list.every(h => h.length <= 256 + 12), 'every item truncated');
    const total = list.reduce((n, h) => n + h.length, 0);
    assert.ok(total < 8 * 1024, `total ${total}`);
  });

  it('quotes as Go and sends non-ASCII text as UTF-8 bytes', () => {
    const res = fakeResponse();
    recordWarning(res, 'a "q" \\ é€');
    const [h] = res.headers.get('warning') as string[];
    assert.equal(Buffer.from(h!, 'latin1').toString('utf8'), '299 - "a \\"q\\" \\\\ é€"');
  });
});

describe('percent-escapes in paths', () => {
  it('detects malformed escapes and decodes invalid UTF-8 without throwing', () => {
    for (const p of ['/api/v1/%', '/api/v1/namespaces/%ZZ', '/api/v1/x%4']) assert.ok(hasInvalidEscape(p), p);
    assert.ok(!hasInvalidEscape('/api/v1/namespaces/a%2Fb'));
    assert.equal(decodePathSegment('a%C3'), 'a\ufffd');
    assert.equal(decodePathSegment('%E2%82%AC'), '€');
    assert.equal(parseRequestInfo('GET', '/api/v1/namespaces/%C3/pods', new URLSearchParams()).namespace, '\ufffd');
  });
});

describe('oversize etcd writes', () => {
  it('are refused before the call, as 413, and stack overflows are 400', () => {
    assert.doesNotThrow(() => checkSendable('/registry/configmaps/d/c', Buffer.alloc(1024 * 1024)));
    let thrown: unknown;
    try {
      checkSendable('/registry/configmaps/d/c', Buffer.alloc(maxCallSendBytes));
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof StorageError && thrown.code === 'RequestTooLarge');
    const status = toApiError(thrown);
    assert.equal(status.code, 413);
    assert.equal(status.reason, 'RequestEntityTooLarge');
    assert.equal(toApiError(new StorageError('RequestTooLarge', 'k', 'etcdserver: request is too large')).message, 'etcdserver: request is too large');
    assert.equal(toApiError(new RangeError('Maximum call stack size exceeded')).code, 400);
  });
});

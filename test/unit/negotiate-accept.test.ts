// Accept negotiation as upstream does it (issue 18 item 9): goautoneg's parsing and order, q only
// ordering clauses (a q=0 clause still matches), acceptMediaTypeOptions' parameter checks, the
// 406 messages of a metadata view of the wrong shape, and watch's streaming-only media types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { ApiError } from '../../src/api/errors.js';
import { negotiate, negotiateWatch, parseAccept } from '../../src/endpoints/negotiate.js';

function req(accept: string | undefined, group = '', resource = 'configmaps'): Request {
  return {
    headers: accept === undefined ? {} : { accept },
    requestInfo: { isResourceRequest: true, apiGroup: group, apiVersion: 'v1', resource },
  } as unknown as Request;
}

const item = ['Table', 'PartialObjectMetadata'] as const;
const list = ['Table', 'PartialObjectMetadataList'] as const;

function refused(accept: string, allowed: readonly string[], message?: string): void {
  assert.throws(() => negotiate(req(accept), [...allowed] as never), (e: unknown) =>
    e instanceof ApiError && e.code === 406 && (message === undefined || e.message === message));
}

describe('parseAccept as goautoneg', () => {
  it('keeps q=0 clauses, sorted last', () => {
    assert.deepEqual(parseAccept('*/*;q=0, application/yaml').map(c => `${c.type}/${c.subtype}:${c.q}`), ['application/yaml:1', '*/*:0']);
  });
  it('reads a malformed q as 0 and keeps case, quotes and spaces inside values', () => {
    const [c] = parseAccept('Application/JSON;q= 0.5;as="Table"');
    assert.equal(c?.type, 'Application');
    assert.equal(c?.q, 0);
    assert.equal(c?.params['as'], '"Table"');
  });
  it('drops clauses without a subtype, with two slashes, and parameters without a value', () => {
    assert.deepEqual(parseAccept('text, a/b/c, *, application/json;x;y=;z=1=2').map(c => [`${c.type}/${c.subtype}`, Object.keys(c.params)]), [['application/json', []], ['*/*', []]]);
  });
  it('orders a concrete type before a wildcard at the same q', () => {
    assert.deepEqual(parseAccept('*/*, application/*, application/yaml').map(c => `${c.type}/${c.subtype}`), ['application/yaml', 'application/*', '*/*']);
  });
  it('parameter names like Object.prototype members are plain keys', () => {
    assert.equal(parseAccept('application/json;__proto__=x')[0]?.params['__proto__'], 'x');
  });
});

describe('negotiate as NegotiateMediaTypeOptions', () => {
  it('*/*;q=0 and a q=0 JSON clause are still JSON', () => {
    for (const accept of ['*/*;q=0', 'application/json;q=0', 'text/html, */*;q=0']) assert.equal(negotiate(req(accept), [...item]).format, 'json');
  });
  it('matches types case-sensitively, as Go does', () => refused('Application/JSON', item));
  it('a g or v without as asks for a conversion and is refused', () => {
    refused('application/json;v=v1', item);
    refused('application/json;g=meta.k8s.io', item);
  });
  it('stream must be watch on a streaming serializer; sv must be v1', () => {
    assert.equal(negotiate(req('application/json;stream=watch'), [...item]).format, 'json');
    refused('application/json;stream=other', item);
    refused('application/yaml;stream=watch', item);
    refused('application/json;sv=v2', item);
    assert.equal(negotiate(req('application/yaml;sv=v1'), [...item]).format, 'yaml');
  });
  it('answers a Table or PartialObjectMetadata with the bare media type', () => {
    assert.deepEqual(negotiate(req('application/json;as=Table;v=v1;g=meta.k8s.io'), [...list]), { format: 'json', view: 'Table', contentType: 'application/json' });
    assert.deepEqual(negotiate(req('application/yaml;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io'), [...item]), { format: 'yaml', view: 'PartialObjectMetadata', contentType: 'application/yaml' });
  });
  it('either metadata view is negotiated where one is; neither where none is', () => {
    assert.equal(negotiate(req('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'), [...item]).view, 'PartialObjectMetadataList');
    assert.equal(negotiate(req('application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io'), [...list]).view, 'PartialObjectMetadata');
    refused('application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io', []);
    refused('application/json;as=Table;v=v1;g=meta.k8s.io', ['PartialObjectMetadata']);
  });
  it('a watch in YAML is 406: YAML has no stream serializer', () => {
    assert.equal(negotiateWatch(req('application/json'), [...item]).format, 'json');
    assert.throws(() => negotiateWatch(req('application/yaml, application/json'), [...item]), (e: unknown) => e instanceof ApiError && e.code === 406 &&
      e.message === 'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch');
  });
});

// Negotiating protobuf: responses for built-in resources, PartialObjectMetadata for any resource,
// never a Table; protobuf request bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { ApiError } from '../../src/api/errors.js';
import { negotiate, requestBodyType, statusInProtobuf } from '../../src/endpoints/negotiate.js';

const PB = 'application/vnd.kubernetes.protobuf';

function req(accept: string | undefined, resource: { group: string; version: string; resource: string }, contentType?: string): Request {
  return {
    headers: { ...(accept !== undefined ? { accept } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    requestInfo: { isResourceRequest: true, apiGroup: resource.group, apiVersion: resource.version, resource: resource.resource },
  } as unknown as Request;
}

const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const crontabs = { group: 'stable.example.com', version: 'v1', resource: 'crontabs' };

test('client-go\'s Accept gets protobuf for built-in resources and JSON for custom ones', () => {
  assert.deepEqual(negotiate(req(`${PB}, application/json`, configmaps), ['Table']), { format: 'protobuf', view: 'object', contentType: PB });
  assert.deepEqual(negotiate(req(`${PB}, application/json`, crontabs), ['Table']), { format: 'json', view: 'object', contentType: 'application/json' });
  assert.throws(() => negotiate(req(PB, crontabs), []), (e: unknown) => e instanceof ApiError && e.code === 406);
  // A lower q loses.
  assert.equal(negotiate(req(`${PB};q=0.5, application/json`, configmaps), []).format, 'json');
});

test('PartialObjectMetadata in protobuf for any resource; a Table never', () => {
  const pom = `${PB};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`;
  for (const r of [configmaps, crontabs]) {
    assert.deepEqual(negotiate(req(`${pom}, application/json`, r), ['Table', 'PartialObjectMetadataList']), { format: 'protobuf', view: 'PartialObjectMetadataList', contentType: PB });
  }
  const table = `${PB};as=Table;g=meta.k8s.io;v=v1`;
  assert.equal(negotiate(req(`${table}, application/json;as=Table;g=meta.k8s.io;v=v1`, configmaps), ['Table']).format, 'json');
  assert.throws(() => negotiate(req(table, configmaps), ['Table']), (e: unknown) => e instanceof ApiError && e.code === 406);
});

test('request bodies: protobuf for create and update, 415 for patch', () => {
  assert.equal(requestBodyType(req(undefined, configmaps, PB), false), 'protobuf');
  assert.throws(() => requestBodyType(req(undefined, configmaps, PB), true), (e: unknown) => e instanceof ApiError && e.code === 415);
});

test('error Status bodies follow the client\'s preference', () => {
  assert.equal(statusInProtobuf(req(`${PB}, application/json`, configmaps)), true);
  assert.equal(statusInProtobuf(req(`application/json, ${PB}`, configmaps)), false);
  assert.equal(statusInProtobuf(req(`${PB}, application/json`, crontabs)), false);
  assert.equal(statusInProtobuf(req(undefined, configmaps)), false);
});

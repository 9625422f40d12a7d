// Strict field validation reports every unknown and duplicate field in one error, for JSON and
// YAML bodies as they arrive over HTTP (apimachinery's json serializer: YAMLToJSONStrict's error
// first, then sigs.k8s.io/json's strict errors in document order).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeObject } from '../../src/api/decode.js';
import { isApiError } from '../../src/api/errors.js';
import { untypedStrictErrors, yamlDuplicateKeyError } from '../../src/api/strict-errors.js';
import { parseBody } from '../../src/endpoints/body.js';
import { addWarnings } from '../../src/endpoints/handlers/decode-body.js';
import type { Response } from 'express';

const deployments = builtinCatalog().lookup('apps', 'v1', 'deployments')!;

const json = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","unknownMeta":"x"},
"spec":{"unknownField":"foo","replicas":1,"replicas":3,"selector":{"matchLabels":{"app":"a"}},
"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i","unknownNested":"x"}]}}}}`;

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  unknownField: foo
  replicas: 1
  replicas: 3
  paused: true
  paused: false
  selector:
    matchLabels: {app: a}
  template:
    metadata:
      labels: {app: a}
    spec:
      containers:
      - name: c
        image: i
`;

function strictMessage(data: unknown): string {
  try {
    decodeObject(deployments, data, { fieldValidation: 'Strict' });
  } catch (e) {
    assert.ok(isApiError(e));
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail('decoded without a strict error');
}

describe('strict decoding over HTTP bodies', () => {
  it('JSON: unknown and duplicate fields together, in document order', () => {
    assert.equal(strictMessage(parseBody(Buffer.from(json), 'json')),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.unknownMeta", ' +
      'unknown field "spec.unknownField", duplicate field "spec.replicas", unknown field "spec.template.spec.containers[0].unknownNested"');
  });

  it('JSON under Warn: each problem is a warning and the last duplicate wins', () => {
    const { obj, warnings } = decodeObject(deployments, parseBody(Buffer.from(json), 'json'), { fieldValidation: 'Warn' });
    assert.equal(warnings.length, 4);
    assert.equal(warnings[2], 'duplicate field "spec.replicas"');
    assert.equal((obj['spec'] as { replicas: number }).replicas, 3);
  });

  it('YAML: go-yaml duplicate-key error first (value lines), then unknown fields', () => {
    assert.equal(strictMessage(parseBody(Buffer.from(yaml), 'yaml')),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: yaml: unmarshal errors:\n' +
      '  line 8: key "replicas" already set in map\n  line 10: key "paused" already set in map, unknown field "spec.unknownField"');
  });

  it('YAML duplicate keys in nested blocks and lists; none in clean YAML', () => {
    assert.equal(yamlDuplicateKeyError('a:\n  b: 1\nlist:\n- x: 1\n  x: 2\na:\n  c: 1\n'),
      'yaml: unmarshal errors:\n  line 5: key "x" already set in map\n  line 7: key "a" already set in map');
    assert.equal(yamlDuplicateKeyError('a: 1\nb: {c: 2}\n'), undefined);
  });

  it('untyped (custom resource) bodies: YAML error, then duplicates at any depth', () => {
    const body = parseBody(Buffer.from('{"spec":{"a":1,"a":2,"m":{"k":"1","k":"2"}},"list":[{"x":1,"x":2}]}'), 'json');
    assert.deepEqual(untypedStrictErrors(body), ['duplicate field "spec.a"', 'duplicate field "spec.m.k"', 'duplicate field "list[0].x"']);
    assert.deepEqual(untypedStrictErrors(parseBody(Buffer.from('a: 1\na: 2\n'), 'yaml')), ['yaml: unmarshal errors:\n  line 2: key "a" already set in map']);
  });

  it('Warn headers: each text once, multi-line texts dropped as net.NewWarningHeader refuses them', () => {
    const headers: Record<string, unknown> = {};
    const res = { getHeader: (k: string) => headers[k], setHeader: (k: string, v: unknown) => { headers[k] = v; } } as unknown as Response;
    addWarnings(res, ['unknown field "spec.a"', 'yaml: unmarshal errors:\n  line 2: key "a" already set in map']);
    addWarnings(res, ['unknown field "spec.a"', 'duplicate field "spec.b"']);
    assert.deepEqual(headers['Warning'], ['299 - "unknown field \\"spec.a\\""', '299 - "duplicate field \\"spec.b\\""']);
  });
});

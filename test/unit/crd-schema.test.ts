import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { JSONSchemaProps } from '../../src/apiextensions/types.js';
import {
  decodeCustomResource, defaultCustomResource, pruneCustomResource, pruneDefaults, validateCustomResource,
} from '../../src/apiextensions/schema/index.js';

const spec = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps =>
  ({ type: 'object', properties: { spec: { type: 'object', properties, ...extra } } });

const messages = (obj: unknown, s: JSONSchemaProps) => validateCustomResource(obj, s).map(c => `${c.field}: ${c.message}`);

test('pruning drops unknown fields and reports sorted paths', () => {
  const s = spec({ a: { type: 'string' }, list: { type: 'array', items: { type: 'object', properties: { x: { type: 'integer' } } } } });
  const obj = { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n' }, spec: { a: 'v', z: 1, b: 2, list: [{ x: 1, y: 2 }] }, extra: true };
  assert.deepEqual(pruneCustomResource(obj, s, { isResourceRoot: true }), ['extra', 'spec.b', 'spec.list[0].y', 'spec.z']);
  assert.deepEqual(obj, { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n' }, spec: { a: 'v', list: [{ x: 1 }] } });
});

test('pruning keeps preserve-unknown-fields, additionalProperties and embedded type meta', () => {
  const s = spec({
    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: {} } } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    tmpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
  });
  const obj = { spec: { free: { any: 1, known: { gone: 1 } }, labels: { a: 'b' }, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {}, status: {} } } };
  assert.deepEqual(pruneCustomResource(obj, s, { isResourceRoot: true }), ['spec.free.known.gone', 'spec.tmpl.status']);
  assert.deepEqual(obj.spec.free, { any: 1, known: {} });
  assert.deepEqual(Object.keys(obj.spec.tmpl), ['apiVersion', 'kind', 'metadata', 'spec']);
});

test('non-root apiVersion/kind/metadata are unknown below the root', () => {
  const s = spec({ o: { type: 'object', properties: {} } });
  const obj = { spec: { o: { kind: 'x' } } };
  assert.deepEqual(pruneCustomResource(obj, s, { isResourceRoot: true }), ['spec.o.kind']);
});

test('decode reports unknown metadata fields, pruned fields, then embedded metadata fields', () => {
  const s = spec({ t: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} } });
  const obj = { apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', bogus: 1, ownerReferences: [{ name: 'o', extra: 1 }] }, spec: { t: { apiVersion: 'v1', kind: 'P', metadata: { name: 'm', nope: 1 } }, junk: 1 } };
  const r = decodeCustomResource(obj, s);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.unknownFields, ['metadata.bogus', 'metadata.ownerReferences[0].extra', 'spec.junk', 'spec.t.metadata.nope']);
  assert.deepEqual(obj.metadata, { name: 'n', ownerReferences: [{ name: 'o' }] });
  assert.deepEqual(obj.spec.t.metadata, { name: 'm' });
});

test('decode fails on malformed metadata unless reading from storage', () => {
  const bad = () => ({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 5, namespace: 'ns' } });
  assert.equal(decodeCustomResource(bad(), spec({})).error, 'json: cannot unmarshal number into Go struct field ObjectMeta.name of type string');
  const stored = bad();
  assert.equal(decodeCustomResource(stored, spec({}), { dropInvalidMetadata: true }).error, undefined);
  assert.deepEqual(stored.metadata, { namespace: 'ns' });
});

test('decode drops non-nullable nulls without defaults', () => {
  const s = spec({ a: { type: 'string' }, b: { type: 'string', nullable: true }, c: { type: 'string', default: 'x' } });
  const obj = { spec: { a: null, b: null, c: null } };
  decodeCustomResource(obj, s);
  assert.deepEqual(obj.spec, { b: null, c: null });
});

test('defaulting fills absent fields and non-nullable nulls, deeply and in arrays', () => {
  const s = spec({
    replicas: { type: 'integer', default: 1 },
    n: { type: 'string', nullable: true, default: 'd' },
    m: { type: 'object', additionalProperties: { type: 'object', properties: { p: { type: 'string', default: 'q' } } } },
    items: { type: 'array', items: { type: 'object', default: {}, properties: { k: { type: 'string', default: 'v' } } } },
    obj: { type: 'object', default: { inner: 1 } },
  });
  const obj: Record<string, unknown> = { spec: { n: null, m: { a: {} }, items: [null, {}] } };
  defaultCustomResource(obj, s);
  assert.deepEqual(obj['spec'], { replicas: 1, n: null, m: { a: { p: 'q' } }, items: [{ k: 'v' }, { k: 'v' }], obj: { inner: 1 } });
  const o2: Record<string, unknown> = {};
  defaultCustomResource(o2, s);
  assert.deepEqual(o2, {});
});

test('pruneDefaults prunes unknown fields of defaults', () => {
  const s = spec({ o: { type: 'object', default: { a: 1, b: 2 }, properties: { a: { type: 'integer' } } } });
  const pruned = pruneDefaults(s);
  assert.deepEqual(pruned.properties!['spec']!.properties!['o']!.default, { a: 1 });
  assert.deepEqual(s.properties!['spec']!.properties!['o']!.default, { a: 1, b: 2 });
});

test('type errors', () => {
  const s = spec({ replicas: { type: 'integer' }, b: { type: 'boolean' }, o: { type: 'object' }, n: { type: 'number' }, ios: { 'x-kubernetes-int-or-string': true } });
  assert.deepEqual(messages({ spec: { replicas: 'string', b: 1, o: [], n: 1, ios: true } }, s), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.b: Invalid value: "integer": spec.b in body must be of type boolean: "integer"',
    'spec.o: Invalid value: "array": spec.o in body must be of type object: "array"',
    'spec.ios: Invalid value: "boolean": spec.ios in body must be of type integer,string: "boolean"',
  ]);
  assert.equal(validateCustomResource({ spec: { replicas: 1.5 } }, s)[0]!.reason, 'FieldValueTypeInvalid');
  assert.deepEqual(messages({ spec: { replicas: null } }, s), ['spec.replicas: Invalid value: "null": spec.replicas in body must be of type integer: "null"']);
  assert.deepEqual(messages({ spec: { ios: 'x' } }, s), []);
});

test('required, enum, nullable', () => {
  const s = spec({ x: { type: 'string' }, mode: { type: 'string', enum: ['a', 'b'] }, num: { type: 'integer', enum: [1, 2] }, z: { type: 'string', nullable: true } }, { required: ['x'] });
  assert.deepEqual(validateCustomResource({ spec: { mode: 'x', num: 3, z: null } }, s), [
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "x": supported values: "a", "b"', field: 'spec.mode' },
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: 3: supported values: "1", "2"', field: 'spec.num' },
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.x' },
  ]);
  assert.deepEqual(messages({}, { type: 'object', required: ['spec'] }), ['spec: Required value']);
});

test('string limits count code points; pattern', () => {
  const s = spec({ s: { type: 'string', maxLength: 3 }, t: { type: 'string', minLength: 2 }, p: { type: 'string', pattern: '^[a-z]+$' } });
  assert.deepEqual(messages({ spec: { s: 'ééé', t: 'é', p: 'A1' } }, s), [
    'spec.t: Invalid value: "é": spec.t in body should be at least 2 chars long',
    'spec.p: Invalid value: "A1": spec.p in body should match \'^[a-z]+$\'',
  ]);
  assert.deepEqual(validateCustomResource({ spec: { s: 'abcd' } }, s), [{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes', field: 'spec.s' }]);
});

test('numeric bounds and multipleOf', () => {
  const s = spec({
    a: { type: 'integer', minimum: 1, maximum: 10 }, b: { type: 'integer', minimum: 1, exclusiveMinimum: true },
    c: { type: 'number', maximum: 2.5, exclusiveMaximum: true }, d: { type: 'integer', multipleOf: 3 }, e: { type: 'number', multipleOf: 0.5 },
  });
  assert.deepEqual(messages({ spec: { a: 11, b: 1, c: 2.5, d: 4, e: 0.7 } }, s), [
    'spec.a: Invalid value: 11: spec.a in body should be less than or equal to 10',
    'spec.b: Invalid value: 1: spec.b in body should be greater than 1',
    'spec.c: Invalid value: 2.5: spec.c in body should be less than 2.5',
    'spec.d: Invalid value: 4: spec.d in body should be a multiple of 3',
    'spec.e: Invalid value: 0.7: spec.e in body should be a multiple of 0.5',
  ]);
  assert.deepEqual(messages({ spec: { a: 0 } }, s), ['spec.a: Invalid value: 0: spec.a in body should be greater than or equal to 1']);
  assert.deepEqual(messages({ spec: { a: 5, e: 1.5 } }, s), []);
});

test('array and object size limits, uniqueItems, additionalProperties', () => {
  const s = spec({
    l: { type: 'array', minItems: 2, items: { type: 'string' } }, m: { type: 'array', maxItems: 1, items: { type: 'integer' } },
    u: { type: 'array', uniqueItems: true, items: { type: 'integer' } },
    o: { type: 'object', minProperties: 1 }, p: { type: 'object', maxProperties: 1, additionalProperties: { type: 'integer', maximum: 5 } },
  });
  assert.deepEqual(validateCustomResource({ spec: { l: ['a'], m: [1, 2], u: [1, 1], o: {}, p: { a: 6, b: 1 } } }, s).map(c => `${c.reason} ${c.field}: ${c.message}`), [
    'FieldValueInvalid spec.l: Invalid value: 1: spec.l in body should have at least 2 items',
    'FieldValueTooMany spec.m: Too many: 2: must have at most 1 items',
    'FieldValueInvalid spec.u: Invalid value: "": spec.u in body shouldn\'t contain duplicates',
    'FieldValueInvalid spec.o: Invalid value: 0: spec.o in body should have at least 1 properties',
    'FieldValueTooMany spec.p: Too many: 2: must have at most 1 items',
    'FieldValueInvalid spec.p.a: Invalid value: 6: spec.p.a in body should be less than or equal to 5',
  ]);
});

test('formats: only supported formats are checked', () => {
  const s = spec({ u: { type: 'string', format: 'uuid' }, d: { type: 'string', format: 'date-time' }, i: { type: 'string', format: 'int32' }, h: { type: 'string', format: 'hostname' }, b: { type: 'string', format: 'byte' }, dur: { type: 'string', format: 'duration' } });
  assert.deepEqual(messages({ spec: { u: 'nope', d: '2024-13-01T00:00:00Z', i: 'x', h: 'ok.example.com', b: 'aGk=', dur: '5m' } }, s), [
    'spec.u: Invalid value: "nope": spec.u in body must be of type uuid: "nope"',
    'spec.d: Invalid value: "2024-13-01T00:00:00Z": spec.d in body must be of type date-time: "2024-13-01T00:00:00Z"',
  ]);
  assert.deepEqual(messages({ spec: { u: '123e4567-e89b-12d3-a456-426614174000', d: '2024-01-01T10:00:00.5+01:00', h: '-bad', dur: '3 days' } }, s), [
    'spec.h: Invalid value: "-bad": spec.h in body must be of type hostname: "-bad"',
  ]);
});

test('anyOf/oneOf/allOf/not report with a nil field path', () => {
  const s = spec({}, { anyOf: [{ required: ['a'] }, { required: ['b'] }] });
  assert.deepEqual(messages({ spec: {} }, s), ['<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf)', 'spec.a: Required value']);
  const one = spec({}, { oneOf: [{ required: ['a'] }, { required: ['b'] }] });
  assert.deepEqual(messages({ spec: { a: 1, b: 1 } }, one), ['<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives']);
  const not = spec({}, { not: { required: ['a'] } });
  assert.deepEqual(messages({ spec: { a: 1 } }, not), ['<nil>: Invalid value: "": "spec" must not validate the schema (not)']);
  const all = spec({ n: { type: 'integer', allOf: [{ minimum: 2 }, { maximum: 5 }] } });
  assert.deepEqual(messages({ spec: { n: 1 } }, all), ['spec.n: Invalid value: 1: spec.n in body should be greater than or equal to 2', '<nil>: Invalid value: "": "spec.n" must validate all the schemas (allOf)']);
});

test('list-type set and map duplicates', () => {
  const s = spec({
    set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    map: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } },
    map2: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['a', 'b'], items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } } },
  });
  assert.deepEqual(messages({ spec: { set: ['a', 'b', 'a', 'a'], map: [{ name: 'x' }, { name: 'x' }, {}, {}], map2: [{ a: 'p', b: 1 }, { b: 1, a: 'p' }] } }, s), [
    'spec.set[2]: Duplicate value: "a"',
    'spec.map[1]: Duplicate value: map[string]interface {}{"name":"x"}',
    'spec.map[3]: Duplicate value: map[string]interface {}{}',
    'spec.map2[1]: Duplicate value: map[string]interface {}{"a":"p", "b":1}',
  ]);
});

test('embedded resources need apiVersion and kind and valid metadata', () => {
  const s = spec({ t: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } });
  assert.deepEqual(messages({ spec: { t: { metadata: { labels: { 'bad key!': 'v' } } } } }, s), [
    'spec.t.apiVersion: Required value: must not be empty',
    'spec.t.kind: Required value: must not be empty',
    'spec.t.metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
  ]);
  assert.deepEqual(messages({ spec: { t: { apiVersion: 'a/b/c', kind: 'my_kind', metadata: { name: 1 } } } }, s), [
    'spec.t.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
    'spec.t.kind: Invalid value: "my_kind": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    'spec.t.metadata: Invalid value: map[string]interface {}{"name":1}: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string',
  ]);
  assert.deepEqual(messages({ spec: { t: { apiVersion: 'v1', kind: 'Pod' } } }, s), []);
});

const certManager = join(process.cwd(), '..', 'shared', 'crds', 'cert-manager-v1.19.6', 'cert-manager.io_certificates.yaml');

test('cert-manager Certificate: a valid object passes, unknown fields are pruned', t => {
  if (!existsSync(certManager)) {
    t.skip(`cert-manager CRDs not found at ${certManager}`);
    return;
  }
  const crd = parse(readFileSync(certManager, 'utf8')) as { spec: { versions: { name: string; schema: { openAPIV3Schema: JSONSchemaProps } }[] } };
  const schema = crd.spec.versions.find(v => v.name === 'v1')!.schema.openAPIV3Schema;
  const cert: Record<string, unknown> = {
    apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web', namespace: 'default' },
    spec: {
      secretName: 'web-tls', dnsNames: ['example.com'], duration: '2160h', issuerRef: { name: 'ca', kind: 'ClusterIssuer', bogus: 1 },
      privateKey: { algorithm: 'ECDSA', size: 256 }, usages: ['digital signature', 'key encipherment'], unknownTop: true,
    },
  };
  const r = decodeCustomResource(cert, schema);
  assert.deepEqual(r.unknownFields, ['spec.issuerRef.bogus', 'spec.unknownTop']);
  assert.deepEqual(validateCustomResource(cert, schema), []);
  const bad = structuredClone(cert) as { spec: Record<string, unknown> };
  bad.spec['privateKey'] = { algorithm: 'DSA' };
  bad.spec['usages'] = ['nonsense'];
  delete bad.spec['issuerRef'];
  const msgs = messages(bad, schema);
  assert.ok(msgs.includes('spec.issuerRef: Required value'), msgs.join('\n'));
  assert.ok(msgs.includes('spec.privateKey.algorithm: Unsupported value: "DSA": supported values: "RSA", "ECDSA", "Ed25519"'), msgs.join('\n'));
  assert.ok(msgs.some(m => m.startsWith('spec.usages[0]: Unsupported value: "nonsense": supported values: "signing", ')), msgs.join('\n'));
});

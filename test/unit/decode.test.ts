// Request-body decoding: upstream's 400s for wrong types, strict/warn/ignore field validation,
// and the object a Go decode/encode round trip leaves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeObject, type FieldValidation } from '../../src/api/decode.js';
import { ApiError } from '../../src/api/errors.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import { parseJson } from '../../src/api/decode/json-parse.js';

const catalog = builtinCatalog();
function info(group: string, version: string, resource: string): ResourceInfo {
  const r = catalog.lookup(group, version, resource);
  assert.ok(r, `${group}/${version} ${resource} in the catalog`);
  return r;
}
const deployments = info('apps', 'v1', 'deployments');
const pods = info('', 'v1', 'pods');
const services = info('', 'v1', 'services');
const secrets = info('', 'v1', 'secrets');

function decode(i: ResourceInfo, body: unknown, fieldValidation: FieldValidation = 'Strict') {
  return decodeObject(i, body, { fieldValidation });
}

function badRequest(i: ResourceInfo, body: unknown, fieldValidation: FieldValidation = 'Strict'): string {
  try {
    decode(i, body, fieldValidation);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  assert.fail('expected a 400');
}

// The body of the conformance test "should detect unknown and duplicate fields of a typed object".
const conformanceBody = `{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "my-dep", "labels": {"app": "nginx"}},
  "spec": {
    "unknownField": "foo", "replicas": 2, "replicas": 3,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {"metadata": {"labels": {"app": "nginx"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": 1}]}}
  }
}`;

describe('decodeObject field validation', () => {
  it('Strict rejects unknown and duplicate fields with their paths, in document order', () => {
    assert.equal(badRequest(deployments, conformanceBody),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas", unknown field "spec.template.spec.containers[0].unknownNested"');
  });

  it('Warn returns one warning per field and drops unknown fields; the last duplicate wins', () => {
    const { obj, warnings } = decode(deployments, conformanceBody, 'Warn');
    assert.deepEqual(warnings, ['unknown field "spec.unknownField"', 'duplicate field "spec.replicas"', 'unknown field "spec.template.spec.containers[0].unknownNested"']);
    const spec = obj['spec'] as Record<string, unknown>;
    assert.equal(spec['replicas'], 3);
    assert.equal('unknownField' in spec, false);
  });

  it('Ignore drops unknown fields silently', () => {
    const { obj, warnings } = decode(deployments, { metadata: { name: 'x', unknownMeta: 1 }, spec: { foo: 1 } }, 'Ignore');
    assert.deepEqual(warnings, []);
    assert.equal('unknownMeta' in obj.metadata, false);
    assert.equal('foo' in (obj['spec'] as object), false);
  });

  it('names unknown metadata fields and duplicate map keys', () => {
    assert.match(badRequest(deployments, { metadata: { name: 'x', unknownMeta: 'foo' } }), /strict decoding error: unknown field "metadata.unknownMeta"$/);
    assert.match(badRequest(pods, '{"metadata":{"labels":{"a":"1","a":"2"}}}'), /strict decoding error: duplicate field "metadata.labels.a"$/);
  });
});

describe('decodeObject type checks', () => {
  it('gives Go unmarshal errors with the struct and field path', () => {
    assert.equal(badRequest(deployments, { spec: { replicas: '3' } }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(badRequest(pods, { spec: { containers: [{ name: 5 }] } }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string');
    assert.equal(badRequest(deployments, { spec: 'x' }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
    assert.equal(badRequest(pods, { spec: { containers: {} } }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container');
    assert.equal(badRequest(deployments, { spec: { replicas: 1.5 } }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(badRequest(deployments, { spec: { replicas: 2 ** 31 } }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('accepts int-or-string as either, and rejects other JSON types', () => {
    const { obj } = decode(services, { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } });
    const ports = (obj['spec'] as { ports: Array<{ targetPort: unknown }> }).ports;
    assert.deepEqual(ports.map(p => p.targetPort), ['http', 8081]);
    assert.equal(badRequest(services, { spec: { ports: [{ port: 80, targetPort: true }] } }),
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32');
    assert.equal(badRequest(services, { spec: { ports: [{ port: 80, targetPort: 1.5 }] } }),
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.targetPort of type int32');
  });

  it('accepts quantities as strings or numbers and writes them canonically', () => {
    const { obj } = decode(pods, { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { cpu: '1000', memory: '1.5Gi' } } }] } });
    const res = (obj['spec'] as { containers: Array<{ resources: unknown }> }).containers[0]?.resources;
    assert.deepEqual(res, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '1k', memory: '1536Mi' } });
    assert.equal(badRequest(pods, { spec: { overhead: { cpu: '1 core' } } }),
      "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert.equal(badRequest(pods, { spec: { overhead: { cpu: '1ki' } } }), 'Pod in version "v1" cannot be handled as a Pod: unable to parse quantity\'s suffix');
  });

  it('checks base64 for []byte fields', () => {
    assert.equal(badRequest(secrets, { data: { a: 'abc$' } }), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    assert.equal(badRequest(secrets, { data: { a: 'YWJj=' } }), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4');
    assert.deepEqual(decode(secrets, { data: { a: 'YWJj' } }).obj['data'], { a: 'YWJj' });
  });

  it('parses RFC 3339 times as Go does and stores them in UTC', () => {
    const { obj } = decode(pods, { metadata: { deletionTimestamp: '2024-03-01T02:30:00.25+02:00' } });
    assert.equal(obj.metadata.deletionTimestamp, '2024-03-01T00:30:00Z');
    assert.equal(badRequest(pods, { metadata: { deletionTimestamp: '2024-13-01T00:00:00Z' } }), 'Pod in version "v1" cannot be handled as a Pod: parsing time "2024-13-01T00:00:00Z": month out of range');
    assert.equal(badRequest(pods, { metadata: { deletionTimestamp: 'yesterday' } }),
      'Pod in version "v1" cannot be handled as a Pod: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    assert.equal(badRequest(pods, { metadata: { deletionTimestamp: 5 } }),
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.deletionTimestamp of type string');
  });
});

describe('decodeObject round trip', () => {
  it('drops nulls and empty optional lists, writes value structs, fills apiVersion and kind', () => {
    const { obj } = decode(deployments, { metadata: { name: 'd', annotations: null, finalizers: [] }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i', args: [] }] } } } });
    assert.equal(obj.apiVersion, 'apps/v1');
    assert.equal(obj.kind, 'Deployment');
    assert.deepEqual(obj.metadata, { name: 'd', creationTimestamp: null });
    assert.deepEqual(obj['spec'], {
      template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'i', resources: {} }] } },
      strategy: {},
    });
  });

  it('turns null list items into zero values', () => {
    const { obj } = decode(pods, { spec: { containers: [null] } });
    assert.deepEqual((obj['spec'] as { containers: unknown[] }).containers, [{ resources: {} }]);
  });
});

describe('decodeObject apiVersion, kind and syntax', () => {
  it('rejects another version or kind of the resource', () => {
    assert.equal(badRequest(deployments, { apiVersion: 'apps/v2', kind: 'Deployment' }), 'the API version in the data (apps/v2) does not match the expected API version (apps/v1)');
    assert.equal(badRequest(deployments, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }),
      'ReplicaSet in version "v1" cannot be handled as a Deployment: converting (v1.ReplicaSet) to (apps.Deployment): unknown conversion');
    assert.equal(badRequest(deployments, { apiVersion: 'apps/v1', kind: 'Widget' }),
      'Widget in version "v1" cannot be handled as a Deployment: no kind "Widget" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"');
  });

  it('reports JSON syntax errors with Go wording', () => {
    assert.equal(badRequest(pods, '{"metadata": {"name": "x",}}'),
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: invalid character \'}\' looking for beginning of object key string ({"metadata": {"name": "x",}})');
    assert.equal(badRequest(pods, Buffer.from('{"a":')), 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"a":)');
  });

  it('keeps a "__proto__" key an ordinary key', () => {
    const v = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });
});

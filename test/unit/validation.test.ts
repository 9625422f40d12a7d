// 422 Invalid causes (field, reason, message) as upstream's validation gives them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinCatalog } from '../../src/api/catalog.js';
import { decodeObject } from '../../src/api/decode.js';
import { applyDefaults } from '../../src/api/defaults/index.js';
import { ApiError } from '../../src/api/errors.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject, StatusCause } from '../../src/api/types.js';
import { assertValid, validateCreate, validateUpdate } from '../../src/api/validation/index.js';

const catalog = builtinCatalog();
function info(group: string, version: string, resource: string): ResourceInfo {
  const r = catalog.lookup(group, version, resource);
  assert.ok(r);
  return r;
}

/** An object as the store validates it at create: decoded, server metadata set, defaulted. */
function prepared(i: ResourceInfo, body: Record<string, unknown>): KubeObject {
  const { obj } = decodeObject(i, body, { fieldValidation: 'Strict' });
  if (i.namespaced) obj.metadata.namespace ??= 'default';
  obj.metadata.uid = 'uid-1';
  obj.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
  applyDefaults(i, obj);
  return obj;
}

const create = (i: ResourceInfo, body: Record<string, unknown>): StatusCause[] => validateCreate(i, prepared(i, body));

const pods = info('', 'v1', 'pods');
const configmaps = info('', 'v1', 'configmaps');
const deployments = info('apps', 'v1', 'deployments');
const container = { name: 'web', image: 'nginx' };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };

describe('metadata validation', () => {
  it('requires a name and checks its format per resource', () => {
    assert.deepEqual(create(configmaps, { metadata: {} }), [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    assert.deepEqual(create(configmaps, { metadata: { name: 'Bad_Name' } }), [{
      reason: 'FieldValueInvalid', field: 'metadata.name',
      message: "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    }]);
    assert.deepEqual(create(info('', 'v1', 'services'), { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } }).map(c => c.message), [
      "Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(create(info('', 'v1', 'namespaces'), { metadata: { name: 'a.b' } }).map(c => c.message), ['Invalid value: "a.b": must not contain dots']);
    assert.deepEqual(create(info('rbac.authorization.k8s.io', 'v1', 'clusterroles'), { metadata: { name: 'system:a/b' } }).map(c => c.message), ["Invalid value: \"system:a/b\": may not contain '/'"]);
  });

  it('checks labels, annotations and finalizers', () => {
    const causes = create(configmaps, { metadata: { name: 'c', labels: { 'a/b/c': 'x', ok: 'bad value' }, finalizers: ['custom'] } });
    assert.deepEqual(causes.map(c => `${c.field}: ${c.message}`), [
      "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    const big = create(configmaps, { metadata: { name: 'c', annotations: { a: 'x'.repeat(256 * 1024) } } });
    assert.deepEqual(big, [{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: 'metadata.annotations' }]);
  });

  it('keeps identity fields immutable on update', () => {
    const old = prepared(configmaps, { metadata: { name: 'c' } });
    const next = structuredClone(old);
    next.metadata.uid = 'other';
    assert.deepEqual(validateUpdate(configmaps, next, old), [{ reason: 'FieldValueInvalid', message: 'Invalid value: "other": field is immutable', field: 'metadata.uid' }]);
  });
});

describe('pod validation', () => {
  it('requires containers', () => {
    assert.deepEqual(create(pods, { metadata: { name: 'p' }, spec: {} }), [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
  });

  it('checks container names, images, ports and resources', () => {
    const causes = create(pods, {
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'Web', image: 'nginx', ports: [{ containerPort: 70000, protocol: 'HTTP' }] },
          { name: 'db', resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } },
          { name: 'db', image: 'x' },
        ],
      },
    });
    assert.deepEqual(causes.map(c => `${c.field}: ${c.message}`), [
      "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[1].image: Required value',
      'spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      'spec.containers[2].name: Duplicate value: "db"',
    ]);
  });

  it('allows only image, activeDeadlineSeconds, tolerations and grace-period changes on update', () => {
    const old = prepared(pods, { metadata: { name: 'p' }, spec: { containers: [container] } });
    const imageOnly = structuredClone(old);
    (imageOnly['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image = 'nginx:2';
    assert.deepEqual(validateUpdate(pods, imageOnly, old), []);
    const restart = structuredClone(old);
    (restart['spec'] as Record<string, unknown>)['restartPolicy'] = 'Never';
    const causes = validateUpdate(pods, restart, old);
    assert.equal(causes.length, 1);
    assert.equal(causes[0]?.field, 'spec');
    assert.equal(causes[0]?.reason, 'FieldValueForbidden');
    assert.ok(causes[0]?.message?.startsWith('Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'));
  });
});

describe('workload validation', () => {
  it('requires a selector matching the template labels', () => {
    assert.deepEqual(create(deployments, { metadata: { name: 'd' }, spec: { template } }).map(c => `${c.field}: ${c.message}`), ['spec.selector: Required value']);
    assert.deepEqual(create(deployments, { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'other' } }, template } }).map(c => `${c.field}: ${c.message}`),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
    assert.deepEqual(create(deployments, { metadata: { name: 'd' }, spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template } }).map(c => `${c.field}: ${c.message}`),
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('keeps the selector immutable', () => {
    const old = prepared(deployments, { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'web' } }, template } });
    const next = structuredClone(old);
    const spec = next['spec'] as { selector: unknown; template: { metadata: { labels: unknown } } };
    spec.selector = { matchLabels: { app: 'web2' } };
    spec.template.metadata.labels = { app: 'web2' };
    assert.deepEqual(validateUpdate(deployments, next, old), [{
      reason: 'FieldValueInvalid', field: 'spec.selector',
      message: 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    }]);
  });

  it('accepts a defaulted job and rejects restartPolicy Always', () => {
    const jobs = info('batch', 'v1', 'jobs');
    assert.deepEqual(create(jobs, { metadata: { name: 'pi' }, spec: { template: { spec: { containers: [container], restartPolicy: 'Never' } } } }), []);
    assert.deepEqual(create(jobs, { metadata: { name: 'pi' }, spec: { template: { spec: { containers: [container] } } } }).map(c => `${c.field}: ${c.message}`),
      ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  it('checks cron schedules with robfig/cron messages', () => {
    const cronjobs = info('batch', 'v1', 'cronjobs');
    const body = (schedule: string) => ({ metadata: { name: 'c' }, spec: { schedule, jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: 'OnFailure' } } } } } });
    assert.deepEqual(create(cronjobs, body('*/5 * * * *')), []);
    assert.deepEqual(create(cronjobs, body('@hourly')), []);
    assert.deepEqual(create(cronjobs, body('foo')), [{ reason: 'FieldValueInvalid', field: 'spec.schedule', message: 'Invalid value: "foo": expected exactly 5 fields, found 1: [foo]' }]);
    assert.deepEqual(create(cronjobs, body('61 * * * *')).map(c => c.message), ['Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
    assert.deepEqual(create(cronjobs, body('* * * * mon-x')).map(c => c.message), ['Invalid value: "* * * * mon-x": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax']);
  });
});

describe('core object validation', () => {
  it('checks configmap keys and size', () => {
    assert.deepEqual(create(configmaps, { metadata: { name: 'c' }, data: { 'bad key': 'v', '': 'v', '..x': 'v' } }).map(c => `${c.field}: ${c.message}`), [
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      "data[]: Invalid value: \"\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      "data[..x]: Invalid value: \"..x\": must not start with '..'",
    ]);
    assert.deepEqual(create(configmaps, { metadata: { name: 'c' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } }), [{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes', field: '[]' }]);
  });

  it('forbids data changes of immutable configmaps and secret type changes', () => {
    const old = prepared(configmaps, { metadata: { name: 'c' }, immutable: true, data: { a: '1' } });
    const next = structuredClone(old);
    next['data'] = { a: '2' };
    assert.deepEqual(validateUpdate(configmaps, next, old), [{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }]);
    const secrets = info('', 'v1', 'secrets');
    const s = prepared(secrets, { metadata: { name: 's' } });
    const retyped = structuredClone(s);
    retyped['type'] = 'kubernetes.io/tls';
    assert.deepEqual(validateUpdate(secrets, retyped, s).map(c => `${c.field}: ${c.message}`),
      ['type: Invalid value: "kubernetes.io/tls": field is immutable', 'data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  });

  it('checks service ports and keeps clusterIPs', () => {
    const services = info('', 'v1', 'services');
    assert.deepEqual(create(services, { metadata: { name: 's' }, spec: {} }).map(c => `${c.field}: ${c.message}`), ['spec.ports: Required value']);
    assert.deepEqual(create(services, { metadata: { name: 's' }, spec: { clusterIP: 'None', clusterIPs: ['None'] } }), []);
    assert.deepEqual(create(services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 0, name: 'b' }] } }).map(c => `${c.field}: ${c.message}`), [
      'spec.ports[0].name: Required value',
      'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    const old = prepared(services, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }], clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] } });
    const next = structuredClone(old);
    Object.assign(next['spec'] as object, { clusterIP: '10.0.0.6', clusterIPs: ['10.0.0.6'] });
    assert.deepEqual(validateUpdate(services, next, old).map(c => `${c.field}: ${c.message}`), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.6"}: may not change once set']);
  });

  it('requires rbac verbs and keeps roleRef', () => {
    const roles = info('rbac.authorization.k8s.io', 'v1', 'roles');
    assert.deepEqual(create(roles, { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }).map(c => `${c.field}: ${c.message}`),
      ['rules[0].verbs: Required value: verbs must contain at least one value']);
    const rbs = info('rbac.authorization.k8s.io', 'v1', 'rolebindings');
    const old = prepared(rbs, { metadata: { name: 'rb' }, roleRef: { kind: 'Role', name: 'a' }, subjects: [{ kind: 'User', name: 'u' }] });
    const next = structuredClone(old);
    (next['roleRef'] as Record<string, string>)['name'] = 'b';
    assert.deepEqual(validateUpdate(rbs, next, old).map(c => `${c.field}: ${c.message}`),
      ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef']);
  });
});

describe('assertValid', () => {
  it('throws upstream\'s 422 with an aggregated message', () => {
    const obj = prepared(deployments, { metadata: { name: 'd' }, spec: { replicas: -1, template: { spec: {} } } });
    const causes = validateCreate(deployments, obj);
    assert.throws(() => assertValid(deployments, obj, causes), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.equal(e.reason, 'Invalid');
      assert.deepEqual(e.details, { name: 'd', kind: 'Deployment', group: 'apps', causes });
      assert.equal(e.message, 'Deployment.apps "d" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value, spec.template.spec.containers: Required value]');
      return true;
    });
    assert.doesNotThrow(() => assertValid(deployments, obj, []));
  });
});

/** CustomResourceDefinition validation and v1 defaulting against upstream's messages and paths. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { applyDefaults } from '../../src/api/defaults/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject, StatusCause } from '../../src/api/types.js';
import { validateCreate } from '../../src/api/validation/index.js';
import { defaultCustomResourceDefinition } from '../../src/apiextensions/defaults.js';
import {
  validateCustomResourceDefinition, validateCustomResourceDefinitionStatusUpdate, validateCustomResourceDefinitionUpdate,
} from '../../src/apiextensions/validation/crd.js';

const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);
type Obj = Record<string, unknown>;

const specSchema = (): Obj => ({
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { replicas: { type: 'integer' }, name: { type: 'string' } } },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
});

function crd(mutate: (c: Obj & { spec: Obj & { versions: Obj[] } }) => void = () => {}): KubeObject {
  const c = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: specSchema() } }],
    },
  };
  mutate(c);
  defaultCustomResourceDefinition(c as KubeObject);
  return c as KubeObject;
}

/** A CRD whose single version has this root schema. */
const withSchema = (schema: Obj) => crd(c => { (c.spec.versions[0] as Obj)['schema'] = { openAPIV3Schema: schema }; });
const root = (props: Obj, extra: Obj = {}) => withSchema({ type: 'object', properties: props, ...extra });

const brief = (causes: StatusCause[]) => causes.map(c => `${c.field}: ${c.message}`);

test('defaulting fills singular, listKind, conversion and the stored version', () => {
  const c = crd(x => { x.spec['conversion'] = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n' } }, conversionReviewVersions: ['v1'] } }; });
  const spec = c['spec'] as Obj;
  assert.deepEqual(spec['names'], { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' });
  assert.equal(((spec['conversion'] as Obj)['webhook'] as { clientConfig: { service: Obj } }).clientConfig.service['port'], 443);
  assert.deepEqual(c['status'], { storedVersions: ['v1'] });
  const plain = crd();
  assert.deepEqual((plain['spec'] as Obj)['conversion'], { strategy: 'None' });
});

test('a valid CRD passes', () => {
  assert.deepEqual(brief(validateCustomResourceDefinition(crd())), []);
});

test('a valid CRD with per-version schemas, columns, subresources and selectable fields passes', () => {
  const c = crd(x => {
    const other = specSchema();
    (other['properties'] as Obj)['extra'] = { type: 'string' };
    x.spec.versions = [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: specSchema() }, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }], selectableFields: [{ jsonPath: '.spec.name' }] },
      { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: other } },
    ];
  });
  assert.deepEqual(brief(validateCustomResourceDefinition(c)), []);
});

test('allowed shapes: int-or-string anyOf, metadata with only name, embedded resources, list maps', () => {
  const c = root({
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9a-z]+$' },
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
    ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } } },
  }, { oneOf: [{ required: ['port'] }, { required: ['ports'] }] });
  assert.deepEqual(brief(validateCustomResourceDefinition(c)), []);
});

test('the cert-manager CRDs pass', t => {
  const dir = resolve(repoRoot, '../shared/crds/cert-manager-v1.19.6');
  if (!existsSync(dir)) {
    t.skip(`${dir} is absent`);
    return;
  }
  const files = readdirSync(dir).filter(f => f.endsWith('.yaml'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const obj = parse(readFileSync(resolve(dir, f), 'utf8')) as KubeObject;
    defaultCustomResourceDefinition(obj);
    assert.deepEqual(brief(validateCustomResourceDefinition(obj)), [], f);
  }
});

const invalid: Array<[string, () => KubeObject, string[]]> = [
  ['missing type on a field', () => root({ spec: { properties: { a: { type: 'string' } } } }),
    ['spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']],
  ['missing type at the root', () => withSchema({ properties: { spec: { type: 'object' } } }),
    ['spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root']],
  ['items as an array', () => root({ list: { type: 'array', items: [{ type: 'string' }] } }),
    ['spec.validation.openAPIV3Schema.properties[list].items: Forbidden: items must be a schema object and not an array']],
  ['array without items', () => root({ list: { type: 'array' } }),
    ['spec.validation.openAPIV3Schema.properties[list].items: Required value: must be specified']],
  ['additionalProperties with properties', () => root({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
    ['spec.validation.openAPIV3Schema.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive']],
  ['metadata fields other than name', () => root({ metadata: { type: 'object', properties: { labels: { type: 'object' } } } }),
    ['spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified']],
  ['int-or-string with preserve-unknown-fields', () => root({ v: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true } }),
    ['spec.validation.openAPIV3Schema.properties[v].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true']],
  ['type inside anyOf', () => root({ v: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'boolean' }] } }),
    ['spec.validation.openAPIV3Schema.properties[v].anyOf[0].type: Forbidden: must be empty to be structural',
      'spec.validation.openAPIV3Schema.properties[v].anyOf[1].type: Forbidden: must be empty to be structural']],
  ['a junctor naming an undeclared field', () => root({ a: { type: 'string' } }, { anyOf: [{ required: ['a'] }, { properties: { b: { minLength: 1 } } }] }),
    ['spec.validation.openAPIV3Schema.properties[b]: Required value: because it is defined in spec.validation.openAPIV3Schema.anyOf[1].properties[b]']],
  ['list-type map without keys', () => root({ l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { k: { type: 'string' } } } } }),
    ['spec.validation.openAPIV3Schema.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map']],
  ['map key neither required nor defaulted', () => root({ l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', properties: { k: { type: 'string' } } } } }),
    ['spec.validation.openAPIV3Schema.properties[l].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property']],
  ['list-type on a non-array', () => root({ l: { type: 'string', 'x-kubernetes-list-type': 'set' } }),
    ['spec.validation.openAPIV3Schema.properties[l].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified']],
  ['unknown list-type', () => root({ l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' } }),
    ['spec.validation.openAPIV3Schema.properties[l].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"']],
  ['set of granular objects', () => root({ l: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } } }),
    ['spec.validation.openAPIV3Schema.properties[l].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set']],
  ['default in metadata', () => root({ metadata: { type: 'object', default: {} } }),
    ['spec.validation.openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata']],
  ['invalid type', () => root({ a: { type: 'str' } }),
    ['spec.validation.openAPIV3Schema.properties[a].type: Unsupported value: "str": supported values: "array", "boolean", "integer", "number", "object", "string"']],
  ['$ref', () => root({ a: { type: 'string', $ref: '#/x' } }),
    ['spec.validation.openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported']],
  ['uniqueItems', () => root({ a: { type: 'array', items: { type: 'string' }, uniqueItems: true } }),
    ['spec.validation.openAPIV3Schema.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic']],
  ['rule without text', () => root({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: ' ' }] } }),
    ['spec.validation.openAPIV3Schema.properties[a].x-kubernetes-validations[0].rule: Required value: rule is not specified']],
  ['status root with anyOf', () => crd(x => { const v = x.spec.versions[0] as Obj; v['subresources'] = { status: {} }; (v['schema'] as { openAPIV3Schema: Obj }).openAPIV3Schema['anyOf'] = [{ required: ['spec'] }]; }),
    [/^spec\.validation\.openAPIV3Schema: Invalid value: .*: only \[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations\] fields are allowed at the root of the schema if the status subresource is enabled$/.source]],
  ['two storage versions', () => crd(x => { x.spec.versions = [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: specSchema() } }, { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: specSchema() } }]; }),
    ['spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:true, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}, apiextensions.CustomResourceDefinitionVersion{Name:"v2", Served:true, Storage:true, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version v2']],
  ['bad version name', () => crd(x => { (x.spec.versions[0] as Obj)['name'] = 'V1'; x['status'] = { storedVersions: ['V1'] }; }),
    ['spec.versions[0].name: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
      'spec.version: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')']],
  ['name not plural.group', () => crd(x => { (x['metadata'] as Obj)['name'] = 'gadgets.example.com'; }),
    ['metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group']],
  ['group without a dot', () => crd(x => { x.spec['group'] = 'example'; (x['metadata'] as Obj)['name'] = 'widgets.example'; }),
    ['spec.group: Invalid value: "example": should be a domain with at least one dot']],
  ['bad scope', () => crd(x => { x.spec['scope'] = 'Global'; }),
    ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
  ['kind equals listKind', () => crd(x => { (x.spec['names'] as Obj)['listKind'] = 'Widget'; }),
    ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same']],
  ['bad short name', () => crd(x => { (x.spec['names'] as Obj)['shortNames'] = ['W'] }),
    ['spec.names.shortNames[0]: Invalid value: "W": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')']],
  ['missing schema', () => crd(x => { delete (x.spec.versions[0] as Obj)['schema']; }),
    ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']],
  ['preserveUnknownFields true', () => crd(x => { x.spec['preserveUnknownFields'] = true; }),
    ['spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead']],
  ['webhook conversion without client config', () => crd(x => { x.spec['conversion'] = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v2'] } }; }),
    ['spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
      'spec.conversion.conversionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1']],
  ['webhook url over http', () => crd(x => { x.spec['conversion'] = { strategy: 'Webhook', webhook: { clientConfig: { url: 'http://h/x?y=1' }, conversionReviewVersions: ['v1'] } }; }),
    ['spec.conversion.webhookClientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
      'spec.conversion.webhookClientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL']],
  ['bad column', () => crd(x => { (x.spec.versions[0] as Obj)['additionalPrinterColumns'] = [{ name: 'A', type: 'int', jsonPath: 'spec.a' }]; }),
    ['spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.a": must be a simple json path starting with .']],
  ['selectable field of a wrong type', () => crd(x => { (x.spec.versions[0] as Obj)['selectableFields'] = [{ jsonPath: '.spec' }, { jsonPath: '.spec.nope' }]; }),
    ['spec.selectableFields[0].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
      'spec.selectableFields[1].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field']],
  ['scale path outside spec', () => crd(x => { (x.spec.versions[0] as Obj)['subresources'] = { scale: { specReplicasPath: '.status.r', statusReplicasPath: '.status.replicas' } }; }),
    ['spec.subresources.scale.specReplicasPath: Invalid value: ".status.r": should be a json path under .spec']],
  ['protected group without approval', () => crd(x => { x.spec['group'] = 'foo.k8s.io'; (x['metadata'] as Obj)['name'] = 'widgets.foo.k8s.io'; }),
    ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']],
  ['deprecation warning on a served version', () => crd(x => { (x.spec.versions[0] as Obj)['deprecationWarning'] = 'old'; }),
    ['spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions']],
  ['a bad regular expression', () => root({ a: { type: 'string', pattern: '(?=x)' } }),
    ['spec.validation.openAPIV3Schema.properties[a].pattern: Invalid value: "(?=x)": must be a valid regular expression, but isn\'t: error parsing regexp: invalid or unsupported Perl syntax: `(?=`']],
  ['service path segments', () => crd(x => { x.spec['conversion'] = { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n', path: '/a//B' } }, conversionReviewVersions: ['v1', 'v1'] } }; }),
    ['spec.conversion.webhookClientConfig.service.path: Invalid value: "/a//B": segment[1] may not be empty',
      'spec.conversion.webhookClientConfig.service.path: Invalid value: "/a//B": segment[2]: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'spec.conversion.conversionReviewVersions[1]: Invalid value: "v1": duplicate version']],
  ['stored version not in spec', () => crd(x => { x['status'] = { storedVersions: ['v1', 'v0'] }; }),
    ['status.storedVersions[1]: Invalid value: "v0": must appear in spec.versions']],
];

for (const [name, build, want] of invalid) {
  test(`invalid: ${name}`, () => {
    const got = brief(validateCustomResourceDefinition(build()));
    if (want.length === 1 && want[0]?.startsWith('^')) {
      assert.equal(got.length, 1, got.join('\n'));
      assert.match(got[0] ?? '', new RegExp(want[0]));
    } else {
      assert.deepEqual(got, want);
    }
  });
}

test('per-version schemas keep per-version paths', () => {
  const c = crd(x => {
    const bad = specSchema();
    (bad['properties'] as Obj)['x'] = {};
    x.spec.versions = [
      { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: specSchema() } },
      { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: bad } },
    ];
  });
  assert.deepEqual(brief(validateCustomResourceDefinition(c)), ['spec.versions[1].schema.openAPIV3Schema.properties[x].type: Required value: must not be empty for specified object fields']);
});

test('the cel hook runs on structural schemas with the openAPIV3Schema path', () => {
  const seen: string[] = [];
  const c = root({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 1' }] } });
  validateCustomResourceDefinition(c, { celRules: (s, p) => { seen.push(`${p}:${String(s.type)}`); return []; } });
  assert.deepEqual(seen, ['spec.validation.openAPIV3Schema:object']);
  seen.length = 0;
  validateCustomResourceDefinition(root({ a: {} }), { celRules: (_s, p) => { seen.push(p); return []; } });
  assert.deepEqual(seen, []);
});

test('update: group and plural are immutable, scope and kind once established', () => {
  const old = crd();
  old['status'] = { storedVersions: ['v1'], conditions: [{ type: 'Established', status: 'True' }] };
  const next = crd(x => { x.spec['scope'] = 'Cluster'; (x.spec['names'] as Obj)['kind'] = 'Gadget'; (x.spec['names'] as Obj)['listKind'] = 'GadgetList'; });
  next['status'] = old['status'];
  assert.deepEqual(brief(validateCustomResourceDefinitionUpdate(next, old)), [
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.names.kind: Invalid value: "Gadget": field is immutable',
  ]);
  const notEstablished = crd();
  assert.deepEqual(brief(validateCustomResourceDefinitionUpdate(next, notEstablished)), []);
});

test('update: a stored non-structural schema with preserveUnknownFields may stay so', () => {
  const legacy = (props: Obj) => {
    const c = root(props);
    (c['spec'] as Obj)['preserveUnknownFields'] = true;
    return c;
  };
  const old = legacy({ a: {} });
  assert.ok(validateCustomResourceDefinition(old).length > 0);
  const next = legacy({ a: {}, b: { type: 'string' } });
  assert.deepEqual(brief(validateCustomResourceDefinitionUpdate(next, old)), []);
});

test('status update checks the accepted names', () => {
  const old = crd();
  const next = crd(x => { x['status'] = { storedVersions: ['v1'], acceptedNames: { plural: 'Widgets', kind: 'Widget' } }; });
  assert.deepEqual(brief(validateCustomResourceDefinitionStatusUpdate(next, old)), [
    'status.acceptedNames.plural: Invalid value: "Widgets": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
  ]);
});

test('the CRD resource uses these defaults and validators', () => {
  const info = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false } as ResourceInfo;
  const c = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: specSchema() } }] } } as KubeObject;
  applyDefaults(info, c);
  assert.deepEqual(c['status'], { storedVersions: ['v1'] });
  assert.deepEqual(brief(validateCreate(info, c)), []);
  (c['spec'] as Obj)['scope'] = '';
  assert.deepEqual(brief(validateCreate(info, c)), ['spec.scope: Required value']);
});

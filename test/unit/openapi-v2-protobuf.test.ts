// The /openapi/v2 protobuf form, decoded with protobufjs from a schema written here
// independently of the encoder (openapi.v2 in gnostic's OpenAPIv2.proto, the messages a swagger
// document can use), then rebuilt into JSON and compared with the JSON document served.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { parse as parseYaml } from 'yaml';
import { encodeOpenAPIv2Document } from '../../src/endpoints/openapi-v2-protobuf.js';

/** The four non-body parameter messages differ only in allow_empty_value = 5 shifting the rest. */
function subSchema(name: string, allowEmpty: boolean): string {
  const o = allowEmpty ? 1 : 0;
  const rest = ['string type', 'string format', 'PrimitivesItems items', 'string collection_format', 'Any default', 'double maximum',
    'bool exclusive_maximum', 'double minimum', 'bool exclusive_minimum', 'int64 max_length', 'int64 min_length', 'string pattern',
    'int64 max_items', 'int64 min_items', 'bool unique_items', 'repeated Any enum', 'double multiple_of', 'repeated NamedAny vendor_extension'];
  const fields = ['bool required = 1', 'string in = 2', 'string description = 3', 'string name = 4',
    ...(allowEmpty ? ['bool allow_empty_value = 5'] : []), ...rest.map((f, n) => `${f} = ${5 + o + n}`)];
  return `message ${name} { ${fields.join('; ')}; }`;
}

const PROTO = `
syntax = "proto3";
package openapi.v2;
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Any { bytes value = 1; string yaml = 2; }
message ApiKeySecurity { string type = 1; string name = 2; string in = 3; string description = 4; repeated NamedAny vendor_extension = 5; }
message BasicAuthenticationSecurity { string type = 1; string description = 2; repeated NamedAny vendor_extension = 3; }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; repeated NamedAny vendor_extension = 6; }
message Contact { string name = 1; string url = 2; string email = 3; repeated NamedAny vendor_extension = 4; }
message Definitions { repeated NamedSchema additional_properties = 1; }
message Document {
  string swagger = 1; Info info = 2; string host = 3; string base_path = 4; repeated string schemes = 5;
  repeated string consumes = 6; repeated string produces = 7; Paths paths = 8; Definitions definitions = 9;
  ParameterDefinitions parameters = 10; ResponseDefinitions responses = 11; repeated SecurityRequirement security = 12;
  SecurityDefinitions security_definitions = 13; repeated Tag tags = 14; ExternalDocs external_docs = 15;
  repeated NamedAny vendor_extension = 16;
}
message Examples { repeated NamedAny additional_properties = 1; }
message ExternalDocs { string description = 1; string url = 2; repeated NamedAny vendor_extension = 3; }
message Headers { repeated NamedHeader additional_properties = 1; }
message Header {
  string type = 1; string format = 2; PrimitivesItems items = 3; string collection_format = 4; Any default = 5;
  double maximum = 6; bool exclusive_maximum = 7; double minimum = 8; bool exclusive_minimum = 9; int64 max_length = 10;
  int64 min_length = 11; string pattern = 12; int64 max_items = 13; int64 min_items = 14; bool unique_items = 15;
  repeated Any enum = 16; double multiple_of = 17; string description = 18; repeated NamedAny vendor_extension = 19;
}
message Info { string title = 1; string version = 2; string description = 3; string terms_of_service = 4; Contact contact = 5; License license = 6; repeated NamedAny vendor_extension = 7; }
message ItemsItem { repeated Schema schema = 1; }
message JsonReference { string _ref = 1; string description = 2; }
message License { string name = 1; string url = 2; repeated NamedAny vendor_extension = 3; }
message NamedAny { string name = 1; Any value = 2; }
message NamedHeader { string name = 1; Header value = 2; }
message NamedParameter { string name = 1; Parameter value = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message NamedResponse { string name = 1; Response value = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message NamedSchema { string name = 1; Schema value = 2; }
message NamedSecurityDefinitionsItem { string name = 1; SecurityDefinitionsItem value = 2; }
message NamedStringArray { string name = 1; StringArray value = 2; }
message NonBodyParameter {
  oneof oneof {
    HeaderParameterSubSchema header_parameter_sub_schema = 1; FormDataParameterSubSchema form_data_parameter_sub_schema = 2;
    QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4;
  }
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; ExternalDocs external_docs = 4; string operation_id = 5;
  repeated string produces = 6; repeated string consumes = 7; repeated ParametersItem parameters = 8; Responses responses = 9;
  repeated string schemes = 10; bool deprecated = 11; repeated SecurityRequirement security = 12; repeated NamedAny vendor_extension = 13;
}
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message ParameterDefinitions { repeated NamedParameter additional_properties = 1; }
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation options = 6;
  Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9; repeated NamedAny vendor_extension = 10;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message PrimitivesItems {
  string type = 1; string format = 2; PrimitivesItems items = 3; string collection_format = 4; Any default = 5;
  double maximum = 6; bool exclusive_maximum = 7; double minimum = 8; bool exclusive_minimum = 9; int64 max_length = 10;
  int64 min_length = 11; string pattern = 12; int64 max_items = 13; int64 min_items = 14; bool unique_items = 15;
  repeated Any enum = 16; double multiple_of = 17; repeated NamedAny vendor_extension = 18;
}
message Properties { repeated NamedSchema additional_properties = 1; }
${subSchema('HeaderParameterSubSchema', false)}
${subSchema('PathParameterSubSchema', false)}
${subSchema('QueryParameterSubSchema', true)}
${subSchema('FormDataParameterSubSchema', true)}
message Response { string description = 1; SchemaItem schema = 2; Headers headers = 3; Examples examples = 4; repeated NamedAny vendor_extension = 5; }
message ResponseDefinitions { repeated NamedResponse additional_properties = 1; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5; double multiple_of = 6;
  double maximum = 7; bool exclusive_maximum = 8; double minimum = 9; bool exclusive_minimum = 10; int64 max_length = 11;
  int64 min_length = 12; string pattern = 13; int64 max_items = 14; int64 min_items = 15; bool unique_items = 16;
  int64 max_properties = 17; int64 min_properties = 18; repeated string required = 19; repeated Any enum = 20;
  AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23; repeated Schema all_of = 24;
  Properties properties = 25; string discriminator = 26; bool read_only = 27; Xml xml = 28; ExternalDocs external_docs = 29;
  Any example = 30; repeated NamedAny vendor_extension = 31;
}
message FileSchema {
  string format = 1; string title = 2; string description = 3; Any default = 4; repeated string required = 5; string type = 6;
  bool read_only = 7; ExternalDocs external_docs = 8; Any example = 9; repeated NamedAny vendor_extension = 10;
}
message SchemaItem { oneof oneof { Schema schema = 1; FileSchema file_schema = 2; } }
message SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
message SecurityDefinitionsItem { oneof oneof { BasicAuthenticationSecurity basic_authentication_security = 1; ApiKeySecurity api_key_security = 2; } }
message SecurityRequirement { repeated NamedStringArray additional_properties = 1; }
message StringArray { repeated string value = 1; }
message Tag { string name = 1; string description = 2; ExternalDocs external_docs = 3; repeated NamedAny vendor_extension = 4; }
message TypeItem { repeated string value = 1; }
message Xml { string name = 1; string namespace = 2; string prefix = 3; bool attribute = 4; bool wrapped = 5; repeated NamedAny vendor_extension = 6; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const Document = root.lookupType('openapi.v2.Document');

type Obj = Record<string, unknown>;
const camel = (k: string) => (k === '_ref' ? '$ref' : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

function entries(list: unknown, field: protobuf.Field): [string, unknown][] {
  const valueField = (field.resolvedType as protobuf.Type).fields['value']!;
  return ((list as Obj[] | undefined) ?? []).map(e => [String(e['name'] ?? ''), rebuildField(valueField, e['value'])]);
}

function rebuildField(f: protobuf.Field, v: unknown): unknown {
  const t = f.resolvedType;
  if (!(t instanceof protobuf.Type)) return v;
  return f.repeated ? (v as Obj[]).map(x => rebuild(t, x)) : rebuild(t, v as Obj);
}

/** The JSON a decoded message stands for, undoing gnostic's shapes. */
function rebuild(t: protobuf.Type, o: Obj): unknown {
  switch (t.name) {
    case 'Any': return parseYaml(String(o['yaml']));
    case 'TypeItem': { const v = o['value'] as string[]; return v.length === 1 ? v[0] : v; }
    case 'StringArray': return o['value'] ?? [];
    case 'ItemsItem': { const v = (o['schema'] as Obj[]).map(x => rebuild(t.fields['schema']!.resolvedType as protobuf.Type, x)); return v.length === 1 ? v[0] : v; }
    case 'Paths': return Object.fromEntries([...entries(o['vendor_extension'], t.fields['vendor_extension']!), ...entries(o['path'], t.fields['path']!)]);
    case 'Responses': return Object.fromEntries([...entries(o['response_code'], t.fields['response_code']!), ...entries(o['vendor_extension'], t.fields['vendor_extension']!)]);
  }
  if (t.oneofs?.['oneof']) {
    const set = Object.keys(o).filter(k => t.fields[k]);
    assert.equal(set.length, 1, `${t.name} must set exactly one member`);
    return rebuildField(t.fields[set[0]!]!, o[set[0]!]);
  }
  const keys = Object.keys(t.fields);
  if (keys.length === 1 && keys[0] === 'additional_properties') return Object.fromEntries(entries(o['additional_properties'], t.fields['additional_properties']!));
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'vendor_extension') Object.assign(out, Object.fromEntries(entries(v, t.fields[k]!)));
    else out[camel(k)] = rebuildField(t.fields[k]!, v);
  }
  return out;
}

function decode(body: Uint8Array): unknown {
  const msg = Document.decode(body);
  return rebuild(Document, Document.toObject(msg, { longs: Number, defaults: false }));
}

const served = JSON.parse(readFileSync(new URL('../../src/generated/openapi-v2.json', import.meta.url), 'utf8')) as Obj;

test('the served document survives JSON -> protobuf -> JSON, with nothing gnostic cannot carry', () => {
  const { body, unknown } = encodeOpenAPIv2Document(served);
  assert.deepEqual(unknown, []);
  assert.deepStrictEqual(decode(body), served);
});

test('definitions and paths keep the JSON order', () => {
  const msg = Document.toObject(Document.decode(encodeOpenAPIv2Document(served).body), { defaults: false }) as Obj;
  const names = ((msg['definitions'] as Obj)['additional_properties'] as Obj[]).map(e => e['name']);
  assert.deepEqual(names, Object.keys(served['definitions'] as Obj));
  const paths = ((msg['paths'] as Obj)['path'] as Obj[]).map(e => e['name']);
  assert.deepEqual(paths, Object.keys(served['paths'] as Obj));
});

test('every kind of value gnostic distinguishes round-trips', () => {
  const doc = {
    swagger: '2.0',
    info: { title: 'T', version: 'v', contact: { name: 'c', email: 'e@x' }, license: { name: 'Apache 2.0' }, 'x-info': { a: [1, 'two'] } },
    host: 'h', basePath: '/b', schemes: ['https'], consumes: ['application/json'], produces: ['application/json', 'application/yaml'],
    paths: {
      'x-paths': true,
      '/api/v1/{name}': {
        parameters: [{ $ref: '#/parameters/name' }, { name: 'pretty', in: 'query', type: 'string', uniqueItems: true, description: 'd' }],
        get: {
          operationId: 'op', tags: ['core_v1'], deprecated: true, schemes: ['https'],
          parameters: [
            { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/S' } },
            { name: 'h', in: 'header', type: 'integer', maximum: 10.5, minimum: -2, exclusiveMaximum: true, enum: ['a', 1, null] },
            { name: 'f', in: 'formData', type: 'array', items: { type: 'string', items: { type: 'integer', default: 3 } }, collectionFormat: 'csv', allowEmptyValue: true, maxItems: 4, minItems: 1 },
            { name: 'name', in: 'path', required: true, type: 'string', pattern: '^a', maxLength: 9, minLength: 1, multipleOf: 2 },
          ],
          responses: {
            200: { description: 'OK', schema: { type: 'object' }, headers: { 'X-H': { type: 'string', description: 'hd' } }, examples: { 'application/json': { k: 'v' } } },
            201: { description: 'file', schema: { type: 'file', title: 'F' } },
            401: { $ref: '#/responses/unauth' },
            default: { description: 'other' },
            'x-resp': 'yes',
          },
          security: [{ BearerToken: [] }, { oauth: ['read', 'write'] }],
          'x-kubernetes-action': 'get',
        },
      },
    },
    definitions: {
      S: {
        type: 'object', required: ['a'], description: 'an S', title: 'S', discriminator: 'kind', readOnly: true,
        maxProperties: 8, minProperties: 1, example: { a: 1 }, default: {},
        properties: {
          a: { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true },
          m: { type: 'object', additionalProperties: { $ref: '#/definitions/Q' } },
          closed: { type: 'object', additionalProperties: false },
          open: { type: 'object', additionalProperties: true },
          t: { type: ['string', 'null'], items: [{ type: 'string' }, { type: 'integer' }] },
          all: { allOf: [{ $ref: '#/definitions/Q' }, { type: 'object' }] },
          x: { type: 'string', xml: { name: 'n', attribute: true }, externalDocs: { url: 'u' } },
        },
        'x-kubernetes-group-version-kind': [{ group: '', kind: 'S', version: 'v1' }],
      },
      Q: { type: 'string' },
    },
    parameters: { name: { name: 'name', in: 'path', required: true, type: 'string', uniqueItems: true } },
    responses: { unauth: { description: 'Unauthorized' } },
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer' }, basic: { type: 'basic' } },
    security: [{ BearerToken: [] }],
    tags: [{ name: 't', description: 'td', externalDocs: { url: 'u' } }],
    externalDocs: { description: 'ed', url: 'https://example.com' },
    'x-doc': 'top',
  };
  const { body, unknown } = encodeOpenAPIv2Document(doc);
  assert.deepEqual(unknown, []);
  assert.deepStrictEqual(decode(body), JSON.parse(JSON.stringify(doc)));
});

test('keys OpenAPIv2.proto has no field for are reported', () => {
  const { unknown } = encodeOpenAPIv2Document({ swagger: '2.0', info: { title: 't', version: 'v' }, paths: {}, definitions: { A: { type: 'object', nullable: true } } });
  assert.deepEqual(unknown, ['/definitions/A/nullable']);
});

test('proto3 zero values are left out as Go leaves them out; a oneof false is kept', () => {
  const withZeros = encodeOpenAPIv2Document({ swagger: '2.0', definitions: { A: { type: 'object', description: '', readOnly: false, maxLength: 0 } } }).body;
  const without = encodeOpenAPIv2Document({ swagger: '2.0', definitions: { A: { type: 'object' } } }).body;
  assert.ok(withZeros.equals(without));
  const closed = Document.toObject(Document.decode(encodeOpenAPIv2Document({ definitions: { A: { additionalProperties: false } } }).body), { defaults: false }) as Obj;
  const schema = (((closed['definitions'] as Obj)['additional_properties'] as Obj[])[0]!['value'] as Obj);
  assert.deepEqual(schema['additional_properties'], { boolean: false });
});

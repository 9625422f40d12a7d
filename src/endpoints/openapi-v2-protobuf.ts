// /openapi/v2 in protobuf: the swagger JSON as a gnostic openapi.v2.Document (OpenAPIv2.proto),
// which kube-openapi builds with gnostic's ParseDocument and Go's proto.Marshal. Fields are
// written in field-number order and proto3 zero values are left out, as Go does; JSON object
// order becomes the order of the Named* entries; values gnostic keeps as `Any` (defaults,
// examples, enums, x-* extensions) are carried as YAML text.
import { stringify } from 'yaml';
import { ProtoWriter } from '../api/protobuf/writer.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

/** A field of a plain message; the JSON key is the map key. */
type Field =
  | { no: number; kind: 'string' | 'bool' | 'double' | 'int64' | 'strings' | 'any' | 'anys' }
  | { no: number; kind: 'message' | 'messages'; type: string };

interface PlainMessage {
  fields: Record<string, Field>;
  /** Field number of `repeated NamedAny vendor_extension` (the x-* keys), when the message has it. */
  extensions?: number;
}

const s = (no: number) => ({ no, kind: 'string' as const });
const b = (no: number) => ({ no, kind: 'bool' as const });
const d = (no: number) => ({ no, kind: 'double' as const });
const i = (no: number) => ({ no, kind: 'int64' as const });
const ss = (no: number) => ({ no, kind: 'strings' as const });
const any = (no: number) => ({ no, kind: 'any' as const });
const anys = (no: number) => ({ no, kind: 'anys' as const });
const m = (no: number, type: string) => ({ no, kind: 'message' as const, type });
const ms = (no: number, type: string) => ({ no, kind: 'messages' as const, type });

/** The validation keywords shared by header items, primitive items and non-body parameters, from `first` on. */
function primitiveFields(first: number, withDescription: boolean): Record<string, Field> {
  const keys: [string, (n: number) => Field][] = [
    ['collectionFormat', s], ['default', any], ['maximum', d], ['exclusiveMaximum', b], ['minimum', d],
    ['exclusiveMinimum', b], ['maxLength', i], ['minLength', i], ['pattern', s], ['maxItems', i], ['minItems', i],
    ['uniqueItems', b], ['enum', anys], ['multipleOf', d],
  ];
  const out: Record<string, Field> = {};
  keys.forEach(([k, f], n) => { out[k] = f(first + n); });
  if (withDescription) out['description'] = s(first + keys.length);
  return out;
}

function parameterSubSchema(withAllowEmpty: boolean): PlainMessage {
  const o = withAllowEmpty ? 1 : 0;
  return {
    fields: {
      required: b(1), in: s(2), description: s(3), name: s(4),
      ...(withAllowEmpty ? { allowEmptyValue: b(5) } : {}),
      type: s(5 + o), format: s(6 + o), items: m(7 + o, 'PrimitivesItems'), ...primitiveFields(8 + o, false),
    },
    extensions: 22 + o,
  };
}

const PLAIN: Record<string, PlainMessage> = {
  Document: {
    fields: {
      swagger: s(1), info: m(2, 'Info'), host: s(3), basePath: s(4), schemes: ss(5), consumes: ss(6), produces: ss(7),
      paths: m(8, 'Paths'), definitions: m(9, 'Definitions'), parameters: m(10, 'ParameterDefinitions'),
      responses: m(11, 'ResponseDefinitions'), security: ms(12, 'SecurityRequirement'),
      securityDefinitions: m(13, 'SecurityDefinitions'), tags: ms(14, 'Tag'), externalDocs: m(15, 'ExternalDocs'),
    },
    extensions: 16,
  },
  Info: { fields: { title: s(1), version: s(2), description: s(3), termsOfService: s(4), contact: m(5, 'Contact'), license: m(6, 'License') }, extensions: 7 },
  Contact: { fields: { name: s(1), url: s(2), email: s(3) }, extensions: 4 },
  License: { fields: { name: s(1), url: s(2) }, extensions: 3 },
  ExternalDocs: { fields: { description: s(1), url: s(2) }, extensions: 3 },
  Tag: { fields: { name: s(1), description: s(2), externalDocs: m(3, 'ExternalDocs') }, extensions: 4 },
  Xml: { fields: { name: s(1), namespace: s(2), prefix: s(3), attribute: b(4), wrapped: b(5) }, extensions: 6 },
  JsonReference: { fields: { $ref: s(1), description: s(2) } },
  PathItem: {
    fields: {
      $ref: s(1), get: m(2, 'Operation'), put: m(3, 'Operation'), post: m(4, 'Operation'), delete: m(5, 'Operation'),
      options: m(6, 'Operation'), head: m(7, 'Operation'), patch: m(8, 'Operation'), parameters: ms(9, 'ParametersItem'),
    },
    extensions: 10,
  },
  Operation: {
    fields: {
      tags: ss(1), summary: s(2), description: s(3), externalDocs: m(4, 'ExternalDocs'), operationId: s(5),
      produces: ss(6), consumes: ss(7), parameters: ms(8, 'ParametersItem'), responses: m(9, 'Responses'),
      schemes: ss(10), deprecated: b(11), security: ms(12, 'SecurityRequirement'),
    },
    extensions: 13,
  },
  BodyParameter: { fields: { description: s(1), name: s(2), in: s(3), required: b(4), schema: m(5, 'Schema') }, extensions: 6 },
  HeaderParameterSubSchema: parameterSubSchema(false),
  PathParameterSubSchema: parameterSubSchema(false),
  QueryParameterSubSchema: parameterSubSchema(true),
  FormDataParameterSubSchema: parameterSubSchema(true),
  PrimitivesItems: { fields: { type: s(1), format: s(2), items: m(3, 'PrimitivesItems'), ...primitiveFields(4, false) }, extensions: 18 },
  Header: { fields: { type: s(1), format: s(2), items: m(3, 'PrimitivesItems'), ...primitiveFields(4, true) }, extensions: 19 },
  Response: { fields: { description: s(1), schema: m(2, 'SchemaItem'), headers: m(3, 'Headers'), examples: m(4, 'Examples') }, extensions: 5 },
  FileSchema: {
    fields: {
      format: s(1), title: s(2), description: s(3), default: any(4), required: ss(5), type: s(6), readOnly: b(7),
      externalDocs: m(8, 'ExternalDocs'), example: any(9),
    },
    extensions: 10,
  },
  Schema: {
    fields: {
      $ref: s(1), format: s(2), title: s(3), description: s(4), default: any(5), multipleOf: d(6), maximum: d(7),
      exclusiveMaximum: b(8), minimum: d(9), exclusiveMinimum: b(10), maxLength: i(11), minLength: i(12), pattern: s(13),
      maxItems: i(14), minItems: i(15), uniqueItems: b(16), maxProperties: i(17), minProperties: i(18), required: ss(19),
      enum: anys(20), additionalProperties: m(21, 'AdditionalPropertiesItem'), type: m(22, 'TypeItem'),
      items: m(23, 'ItemsItem'), allOf: ms(24, 'Schema'), properties: m(25, 'Properties'), discriminator: s(26),
      readOnly: b(27), xml: m(28, 'Xml'), externalDocs: m(29, 'ExternalDocs'), example: any(30),
    },
    extensions: 31,
  },
  BasicAuthenticationSecurity: { fields: { type: s(1), description: s(2) }, extensions: 3 },
  ApiKeySecurity: { fields: { type: s(1), name: s(2), in: s(3), description: s(4) }, extensions: 5 },
  Oauth2ImplicitSecurity: { fields: { type: s(1), flow: s(2), scopes: m(3, 'Oauth2Scopes'), authorizationUrl: s(4), description: s(5) }, extensions: 6 },
  Oauth2PasswordSecurity: { fields: { type: s(1), flow: s(2), scopes: m(3, 'Oauth2Scopes'), tokenUrl: s(4), description: s(5) }, extensions: 6 },
  Oauth2ApplicationSecurity: { fields: { type: s(1), flow: s(2), scopes: m(3, 'Oauth2Scopes'), tokenUrl: s(4), description: s(5) }, extensions: 6 },
  Oauth2AccessCodeSecurity: {
    fields: { type: s(1), flow: s(2), scopes: m(3, 'Oauth2Scopes'), authorizationUrl: s(4), tokenUrl: s(5), description: s(6) },
    extensions: 7,
  },
};

/** Messages that are a JSON object's entries as `repeated Named<V> additional_properties = 1`. */
const MAPS: Record<string, string> = {
  Definitions: 'Schema',
  Properties: 'Schema',
  ParameterDefinitions: 'Parameter',
  ResponseDefinitions: 'Response',
  SecurityDefinitions: 'SecurityDefinitionsItem',
  Oauth2Scopes: 'string',
  Headers: 'Header',
  Examples: 'Any',
  SecurityRequirement: 'StringArray',
};

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one field a oneof message sets for a value: [field number, message type]. */
function oneofChoice(type: string, v: Json): [number, string] | undefined {
  const o = isObject(v) ? v : undefined;
  switch (type) {
    case 'ParametersItem':
      return o && '$ref' in o ? [2, 'JsonReference'] : [1, 'Parameter'];
    case 'Parameter':
      return o?.['in'] === 'body' ? [1, 'BodyParameter'] : [2, 'NonBodyParameter'];
    case 'NonBodyParameter': {
      const sub = ({ header: [1, 'HeaderParameterSubSchema'], formData: [2, 'FormDataParameterSubSchema'], query: [3, 'QueryParameterSubSchema'], path: [4, 'PathParameterSubSchema'] } as const)[String(o?.['in']) as 'header'];
      return sub ? [sub[0], sub[1]] : undefined;
    }
    case 'ResponseValue':
      return o && '$ref' in o ? [2, 'JsonReference'] : [1, 'Response'];
    case 'SchemaItem':
      return o?.['type'] === 'file' ? [2, 'FileSchema'] : [1, 'Schema'];
    case 'SecurityDefinitionsItem': {
      if (o?.['type'] === 'basic') return [1, 'BasicAuthenticationSecurity'];
      if (o?.['type'] === 'apiKey') return [2, 'ApiKeySecurity'];
      const flow = ({ implicit: [3, 'Oauth2ImplicitSecurity'], password: [4, 'Oauth2PasswordSecurity'], application: [5, 'Oauth2ApplicationSecurity'], accessCode: [6, 'Oauth2AccessCodeSecurity'] } as const)[String(o?.['flow']) as 'implicit'];
      return flow ? [flow[0], flow[1]] : undefined;
    }
    default:
      return undefined;
  }
}

class Encoder {
  readonly unknown: string[] = [];
  constructor(private readonly w: ProtoWriter) {}

  private tag(no: number, wireType: number): void {
    this.w.uint32((no << 3) | wireType);
  }

  private nested(no: number, body: () => void): void {
    this.tag(no, 2);
    this.w.fork();
    body();
    this.w.ldelim();
  }

  private str(no: number, v: string): void {
    this.tag(no, 2);
    this.w.string(v);
  }

  private named(no: number, name: string, valueType: string, value: Json, path: string): void {
    this.nested(no, () => {
      if (name !== '') this.str(1, name);
      this.value(2, valueType, value, `${path}/${name}`);
    });
  }

  /** Writes `value` as field `no` of type `type`, which may be a scalar pseudo-type. */
  value(no: number, type: string, value: Json, path: string): void {
    if (type === 'string') {
      // A map value: written even when empty, as it is a present string in a submessage.
      if (value !== '') this.str(no, String(value));
      return;
    }
    this.nested(no, () => this.body(type, value, path));
  }

  /** The body of a message of `type` built from `v`. */
  body(type: string, v: Json, path: string): void {
    if (type === 'Any') {
      this.str(2, stringify(v, { lineWidth: 0 }));
      return;
    }
    if (type === 'StringArray' || type === 'TypeItem') {
      for (const x of Array.isArray(v) ? v : [v]) this.str(1, String(x));
      return;
    }
    if (type === 'ItemsItem') {
      for (const [n, x] of (Array.isArray(v) ? v : [v]).entries()) this.value(1, 'Schema', x, `${path}/${n}`);
      return;
    }
    if (type === 'AdditionalPropertiesItem') {
      if (typeof v === 'boolean') {
        // A oneof member has presence, so false is written too.
        this.tag(2, 0);
        this.w.bool(v);
      } else this.value(1, 'Schema', v, path);
      return;
    }
    const mapValue = MAPS[type];
    if (mapValue) {
      for (const [k, x] of Object.entries(isObject(v) ? v : {})) this.named(1, k, mapValue, x, path);
      return;
    }
    if (type === 'Paths' || type === 'Responses') {
      const o = isObject(v) ? v : {};
      const ext = Object.entries(o).filter(([k]) => k.startsWith('x-'));
      const entries = Object.entries(o).filter(([k]) => !k.startsWith('x-'));
      // Paths lists its extensions first (field 1); Responses second (field 2).
      const [entryNo, extNo, entryType] = type === 'Paths' ? [2, 1, 'PathItem'] : [1, 2, 'ResponseValue'];
      const writeExt = () => { for (const [k, x] of ext) this.named(extNo, k, 'Any', x, path); };
      if (extNo < entryNo) writeExt();
      for (const [k, x] of entries) this.named(entryNo, k, entryType, x, path);
      if (extNo > entryNo) writeExt();
      return;
    }
    const choice = oneofChoice(type, v);
    if (choice) {
      this.value(choice[0], choice[1], v, path);
      return;
    }
    const spec = PLAIN[type];
    if (!spec || !isObject(v)) {
      this.unknown.push(`${path}: cannot encode as ${type}`);
      return;
    }
    this.plain(spec, v, path);
  }

  private plain(spec: PlainMessage, o: JsonObject, path: string): void {
    for (const k of Object.keys(o)) {
      if (!(k in spec.fields) && !(k.startsWith('x-') && spec.extensions)) this.unknown.push(`${path}/${k}`);
    }
    const fields = Object.entries(spec.fields).sort((a, z) => a[1].no - z[1].no);
    for (const [key, f] of fields) {
      const v = o[key];
      if (v === undefined || v === null) continue;
      this.field(f, v, `${path}/${key}`);
    }
    if (spec.extensions) {
      for (const [k, x] of Object.entries(o)) if (k.startsWith('x-')) this.named(spec.extensions, k, 'Any', x, path);
    }
  }

  private field(f: Field, v: Json, path: string): void {
    switch (f.kind) {
      case 'string':
        if (v !== '') this.str(f.no, String(v));
        return;
      case 'bool':
        if (v === true) { this.tag(f.no, 0); this.w.bool(true); }
        return;
      case 'double':
        if (v !== 0) { this.tag(f.no, 1); this.w.double(Number(v)); }
        return;
      case 'int64':
        if (v !== 0) { this.tag(f.no, 0); this.w.int64(Number(v)); }
        return;
      case 'strings':
        for (const x of Array.isArray(v) ? v : [v]) this.str(f.no, String(x));
        return;
      case 'any':
        this.value(f.no, 'Any', v, path);
        return;
      case 'anys':
        for (const x of Array.isArray(v) ? v : [v]) this.value(f.no, 'Any', x, path);
        return;
      case 'message':
        this.value(f.no, f.type, v, path);
        return;
      case 'messages':
        for (const [n, x] of (Array.isArray(v) ? v : [v]).entries()) this.value(f.no, f.type, x, `${path}/${n}`);
        return;
    }
  }
}

export interface EncodedDocument {
  body: Buffer;
  /** JSON pointers of keys OpenAPIv2.proto has no field for (gnostic would refuse them). */
  unknown: string[];
}

/** Encodes a swagger 2.0 document as an openapi.v2.Document message. */
export function encodeOpenAPIv2Document(doc: Json): EncodedDocument {
  const w = new ProtoWriter(1 << 20);
  const enc = new Encoder(w);
  enc.body('Document', doc, '');
  return { body: w.finish(), unknown: enc.unknown };
}

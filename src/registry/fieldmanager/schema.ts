// The structural types server-side apply walks, built from the served OpenAPI v3 documents as
// kube-openapi's schemaconv does: x-kubernetes-list-type / list-map-keys / map-type, falling back
// to the patch strategy and merge key when a list declares no list type. Values without a
// schema are "untyped": maps are granular and lists atomic, as SMD's deduced type.
import { readFileSync } from 'node:fs';
import type { ResourceInfo } from '../../api/resource-info.js';
import type { JsonValue } from '../../api/types.js';

interface SchemaObject {
  type?: string;
  format?: string;
  $ref?: string;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject | boolean;
  required?: string[];
  default?: JsonValue;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface ScalarType { readonly kind: 'scalar' }
export interface UntypedType { readonly kind: 'untyped' }
export interface ListType {
  readonly kind: 'list';
  readonly relationship: 'atomic' | 'set' | 'map';
  readonly keys: readonly string[];
  readonly element: TypeNode;
}
export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** A declared (struct) field's type. */
  field(name: string): TypeNode | undefined;
  /** The type of keys that are not declared fields (additionalProperties); untyped if none. */
  readonly element: TypeNode;
  /** The schema default of a declared field (used for missing list-map keys). */
  fieldDefault(name: string): JsonValue | undefined;
  /** What Go's encoding of the zero value of this struct holds (non-pointer structs, required fields). */
  zero(): Record<string, JsonValue>;
}
export type TypeNode = ScalarType | UntypedType | ListType | MapType;

export const UNTYPED: UntypedType = Object.freeze({ kind: 'untyped' });
const SCALAR: ScalarType = Object.freeze({ kind: 'scalar' });
const REF = '#/components/schemas/';

class StructType implements MapType {
  readonly kind = 'map';
  private readonly fields = new Map<string, TypeNode>();
  private elementType: TypeNode | undefined;

  constructor(private readonly index: SchemaIndex, private readonly s: SchemaObject, readonly atomic: boolean) {}

  field(name: string): TypeNode | undefined {
    const prop = this.s.properties?.[name];
    if (!prop) return undefined;
    let t = this.fields.get(name);
    if (!t) {
      t = this.index.typeOf(prop);
      this.fields.set(name, t);
    }
    return t;
  }

  get element(): TypeNode {
    if (!this.elementType) {
      const ap = this.s.additionalProperties;
      this.elementType = typeof ap === 'object' ? this.index.typeOf(ap) : UNTYPED;
    }
    return this.elementType;
  }

  fieldDefault(name: string): JsonValue | undefined {
    const prop = this.s.properties?.[name];
    return prop ? prop.default ?? this.index.resolve(prop).default : undefined;
  }

  zero(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    const required = new Set(this.s.required ?? []);
    for (const [name, prop] of Object.entries(this.s.properties ?? {})) {
      const t = this.field(name)!;
      const struct = isObjectDefault(prop.default) && t.kind === 'map';
      if (struct) out[name] = t.zero();
      // A non-pointer metav1.Time (default {}): Go encodes its zero as null.
      else if (isObjectDefault(prop.default) && this.index.resolve(prop).format === 'date-time') out[name] = null;
      else if (required.has(name)) out[name] = zeroScalar(this.index.resolve(prop));
    }
    return out;
  }
}

function isObjectDefault(v: JsonValue | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function zeroScalar(s: SchemaObject): JsonValue {
  switch (s.type) {
    case 'string': return '';
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    default: return null;
  }
}

class SchemaIndex {
  private readonly named = new Map<string, TypeNode>();

  constructor(private readonly schemas: Record<string, SchemaObject>) {}

  /** The named schemas, for an index that adds its own. */
  components(): Record<string, SchemaObject> {
    return this.schemas;
  }

  /** Follows $ref and single-element allOf wrappers. */
  resolve(s: SchemaObject): SchemaObject {
    let cur = s;
    for (let i = 0; i < 32; i++) {
      const ref = cur.$ref ?? (cur.allOf?.length === 1 ? cur.allOf[0]!.$ref : undefined);
      if (ref === undefined || !ref.startsWith(REF)) return cur;
      const next = this.schemas[ref.slice(REF.length)];
      if (!next) return {};
      cur = next;
    }
    return cur;
  }

  definition(name: string): TypeNode | undefined {
    const s = this.schemas[name];
    if (!s) return undefined;
    let t = this.named.get(name);
    if (!t) {
      t = this.shape(s);
      this.named.set(name, t);
    }
    return t;
  }

  typeOf(s: SchemaObject): TypeNode {
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]!.$ref : undefined);
    if (ref !== undefined && ref.startsWith(REF)) return this.definition(ref.slice(REF.length)) ?? UNTYPED;
    return this.shape(s);
  }

  private shape(s: SchemaObject): TypeNode {
    if (s['x-kubernetes-preserve-unknown-fields']) return UNTYPED;
    if (s.type === 'array') return this.list(s);
    if (s.properties || typeof s.additionalProperties === 'object') {
      return new StructType(this, s, s['x-kubernetes-map-type'] === 'atomic');
    }
    if (s.type === 'object' || (s.type === undefined && !s.oneOf)) return UNTYPED;
    return SCALAR;
  }

  private list(s: SchemaObject): ListType {
    const element = s.items ? this.typeOf(s.items) : UNTYPED;
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'map') return { kind: 'list', relationship: 'map', keys: s['x-kubernetes-list-map-keys'] ?? [], element };
    if (lt === 'set') return { kind: 'list', relationship: 'set', keys: [], element };
    if (lt === 'atomic') return { kind: 'list', relationship: 'atomic', keys: [], element };
    const strategy = (s['x-kubernetes-patch-strategy'] ?? '').split(',');
    if (strategy.includes('merge')) {
      const key = s['x-kubernetes-patch-merge-key'];
      return key ? { kind: 'list', relationship: 'map', keys: [key], element } : { kind: 'list', relationship: 'set', keys: [], element };
    }
    return { kind: 'list', relationship: 'atomic', keys: [], element };
  }
}

const indexes = new Map<string, SchemaIndex | null>();

function v3File(info: ResourceInfo): string {
  return info.group ? `apis__${info.group}__${info.version}.json` : `api__${info.version}.json`;
}

function indexFor(file: string): SchemaIndex | null {
  if (!indexes.has(file)) {
    let idx: SchemaIndex | null = null;
    try {
      const doc = JSON.parse(readFileSync(new URL(`../../generated/openapi-v3/${file}`, import.meta.url), 'utf8')) as { components?: { schemas?: Record<string, SchemaObject> } };
      idx = new SchemaIndex(doc.components?.schemas ?? {});
    } catch {
      idx = null;
    }
    indexes.set(file, idx);
  }
  return indexes.get(file) ?? null;
}

/** The type of a served resource's objects; untyped (deduced) when no schema is known. */
export function typeForResource(info: ResourceInfo): TypeNode {
  if (info.custom) return info.custom.applyType();
  return indexFor(v3File(info))?.definition(info.definition) ?? UNTYPED;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * The type of a custom resource from its CRD version's schema, with metadata typed as ObjectMeta
 * as upstream's CRD type converter does (the schema itself carries no references).
 */
export function typeForCustomSchema(schema: object | undefined): TypeNode {
  const core = indexFor('api__v1.json');
  const root = (schema ?? {}) as SchemaObject;
  if (root['x-kubernetes-preserve-unknown-fields'] && !root.properties) return UNTYPED;
  const withMeta: SchemaObject = { ...root, type: 'object', properties: { ...(root.properties ?? {}), metadata: { $ref: `${REF}${OBJECT_META}` } } };
  const index = new SchemaIndex({ ...(core ? core.components() : {}), 'crd.root': withMeta });
  return index.definition('crd.root') ?? UNTYPED;
}

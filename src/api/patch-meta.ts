// Strategic-merge-patch metadata per built-in type, read from the OpenAPI v2 definitions:
// each field's x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key and the shape of its
// value. Upstream reads the same facts from Go struct tags; the OpenAPI extensions are
// generated from those tags.
import { readFileSync } from 'node:fs';

export interface PatchMeta {
  /** The strategy list, e.g. ['merge'], ['merge', 'retainKeys'], ['replace']; [] when none. */
  readonly strategies: readonly string[];
  /** '' when the field has none. */
  readonly mergeKey: string;
}

export interface PatchField {
  readonly meta: PatchMeta;
  readonly schema: PatchSchema;
}

/** A struct: named fields. */
export interface StructPatchSchema {
  readonly kind: 'struct';
  /** Go type name (the definition's last segment), used in upstream's error messages. */
  readonly name: string;
  /** The field, matched as Go's JSON decoder does: exact name first, then case-insensitively. */
  field(key: string): PatchField | undefined;
}

/** A map with arbitrary keys (additionalProperties). */
export interface MapPatchSchema {
  readonly kind: 'map';
  readonly values: PatchSchema;
}

export interface ListPatchSchema {
  readonly kind: 'list';
  readonly items: PatchSchema;
}

/** A primitive, or a value without schema information (RawExtension, preserved unknown fields). */
export interface OpaquePatchSchema {
  readonly kind: 'opaque';
  /** Go kind name, used in upstream's error messages. */
  readonly name: string;
}

export type PatchSchema = StructPatchSchema | MapPatchSchema | ListPatchSchema | OpaquePatchSchema;

/** The subset of an OpenAPI v2 schema object this module reads. */
export interface PatchSchemaObject {
  type?: string;
  format?: string;
  $ref?: string;
  items?: PatchSchemaObject;
  properties?: Record<string, PatchSchemaObject>;
  additionalProperties?: PatchSchemaObject | boolean;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export const NO_PATCH_META: PatchMeta = Object.freeze({ strategies: Object.freeze([]), mergeKey: '' });
export const OPAQUE: OpaquePatchSchema = Object.freeze({ kind: 'opaque', name: 'struct' });

const REF_PREFIX = '#/definitions/';

function primitiveName(s: PatchSchemaObject): string {
  switch (s.type) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'integer': return s.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    default: return 'interface';
  }
}

function metaOf(s: PatchSchemaObject): PatchMeta {
  const strategy = s['x-kubernetes-patch-strategy'];
  const mergeKey = s['x-kubernetes-patch-merge-key'] ?? '';
  if (strategy === undefined && mergeKey === '') return NO_PATCH_META;
  return { strategies: strategy === undefined ? [] : strategy.split(','), mergeKey };
}

class StructSchema implements StructPatchSchema {
  readonly kind = 'struct';
  private fields: Map<string, PatchField> | undefined;
  private folded: Map<string, PatchField> | undefined;

  constructor(
    private readonly index: PatchSchemaIndex,
    readonly name: string,
    private readonly properties: Record<string, PatchSchemaObject>,
  ) {}

  field(key: string): PatchField | undefined {
    if (!this.fields) {
      // Built on first use: definitions refer to each other (and to themselves).
      this.fields = new Map();
      this.folded = new Map();
      for (const [name, prop] of Object.entries(this.properties)) {
        const f: PatchField = { meta: metaOf(prop), schema: this.index.schemaOf(prop) };
        this.fields.set(name, f);
        const lower = name.toLowerCase();
        if (!this.folded.has(lower)) this.folded.set(lower, f);
      }
    }
    return this.fields.get(key) ?? this.folded?.get(key.toLowerCase());
  }
}

/** Patch schemas for one set of OpenAPI v2 definitions, built lazily and cached. */
export class PatchSchemaIndex {
  private readonly byName = new Map<string, PatchSchema>();

  constructor(private readonly definitions: Record<string, PatchSchemaObject>) {}

  /** The schema of a definition, e.g. 'io.k8s.api.apps.v1.Deployment'; opaque when unknown. */
  definition(name: string): PatchSchema {
    let s = this.byName.get(name);
    if (!s) {
      const def = this.definitions[name];
      s = def ? this.shapeOf(def, name.slice(name.lastIndexOf('.') + 1)) : OPAQUE;
      this.byName.set(name, s);
    }
    return s;
  }

  schemaOf(s: PatchSchemaObject): PatchSchema {
    if (s.$ref !== undefined) {
      return s.$ref.startsWith(REF_PREFIX) ? this.definition(s.$ref.slice(REF_PREFIX.length)) : OPAQUE;
    }
    return this.shapeOf(s, 'struct');
  }

  private shapeOf(s: PatchSchemaObject, structName: string): PatchSchema {
    if (s['x-kubernetes-preserve-unknown-fields']) return OPAQUE;
    if (s.properties) return new StructSchema(this, structName, s.properties);
    if (s.type === 'array') return { kind: 'list', items: s.items ? this.schemaOf(s.items) : OPAQUE };
    if (s.type === 'object' && typeof s.additionalProperties === 'object') {
      return { kind: 'map', values: this.schemaOf(s.additionalProperties) };
    }
    if (s.type === 'object' || s.type === undefined) return OPAQUE;
    return { kind: 'opaque', name: primitiveName(s) };
  }
}

let builtIn: PatchSchemaIndex | undefined;

/** The patch schema of a built-in type by its OpenAPI v2 definition name. */
export function patchSchemaFor(definition: string): PatchSchema {
  if (!builtIn) {
    const doc = JSON.parse(readFileSync(new URL('../generated/openapi-v2.json', import.meta.url), 'utf8')) as {
      definitions?: Record<string, PatchSchemaObject>;
    };
    builtIn = new PatchSchemaIndex(doc.definitions ?? {});
  }
  return builtIn.definition(definition);
}

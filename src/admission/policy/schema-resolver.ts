// The OpenAPI schema of a kind, as the ValidatingAdmissionPolicy type checker resolves it
// (k8s.io/apiserver pkg/cel/openapi/resolver): the served v3 document of the kind's group version
// (the generated built-in ones first, then what CRDs and aggregated APIs publish), the component
// whose x-kubernetes-group-version-kind names the kind, every $ref followed (a reference back to
// a schema being expanded becomes an empty object, as upstream's populateRefs does). Only what
// upstream's SchemaDeclType exposes to CEL is kept, so the CRD engine's declType builds the type:
// nodes without a type (Quantity, JSON) and lists or maps of them are left out, and objects that
// preserve unknown fields expose only their declared properties.
import { groupVersion } from '../../api/resource-info.js';
import type { JSONSchemaProps } from '../../apiextensions/types.js';
import { declType } from '../../apiextensions/cel/schema-types.js';
import type { CelT } from '../../cel/types.js';
import { builtinV3Components, type OpenAPIExtra, type SchemaComponents as Components, type SchemaNode as Node } from '../../api/openapi-documents.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const REF = '#/components/schemas/';
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** refOf: a $ref, or one wrapped in a single allOf to keep its description. */
function refOf(s: Node): string | undefined {
  if (typeof s['$ref'] === 'string') return s['$ref'];
  const allOf = s['allOf'];
  return Array.isArray(allOf) && allOf.length === 1 && isNode(allOf[0]) ? refOf(allOf[0]) : undefined;
}

/** What one expansion walks: the document's components, the references being expanded, and whether one did not resolve. */
interface Walk {
  components: Components;
  expanding: Set<string>;
  unresolved: boolean;
}

/** The node with references expanded and unexposed parts dropped; undefined when CEL cannot see it. */
function exposed(s: Node, walk: Walk): JSONSchemaProps | undefined {
  const ref = refOf(s);
  if (ref !== undefined) {
    if (walk.expanding.has(ref)) return { type: 'object' };
    const target = ref.startsWith(REF) ? walk.components[ref.slice(REF.length)] : undefined;
    if (!target) {
      walk.unresolved = true;
      return undefined;
    }
    walk.expanding.add(ref);
    const out = exposed(target, walk);
    walk.expanding.delete(ref);
    return out;
  }
  const limits = (...keys: Array<keyof JSONSchemaProps>): JSONSchemaProps =>
    Object.fromEntries(keys.filter(k => s[k] !== undefined).map(k => [k, s[k]])) as JSONSchemaProps;
  if (s['format'] === 'int-or-string' || s['x-kubernetes-int-or-string'] === true) return { ...limits('maxLength'), 'x-kubernetes-int-or-string': true };
  const embedded = s['x-kubernetes-embedded-resource'] === true ? { 'x-kubernetes-embedded-resource': true } : {};
  switch (s['type']) {
    case 'array': {
      const items = isNode(s['items']) ? exposed(s['items'], walk) : undefined;
      return items && { ...limits('type', 'maxItems'), items };
    }
    case 'object': {
      if (isNode(s['additionalProperties'])) {
        const value = exposed(s['additionalProperties'], walk);
        return value && { ...limits('type', 'maxProperties', 'required'), ...embedded, additionalProperties: value };
      }
      const properties: Record<string, JSONSchemaProps> = {};
      for (const [name, p] of Object.entries(isNode(s['properties']) ? s['properties'] : {})) {
        const field = isNode(p) ? exposed(p, walk) : undefined;
        if (field) properties[name] = field;
      }
      return { ...limits('type', 'required', 'default'), ...embedded, properties };
    }
    case 'string': return limits('type', 'format', 'maxLength', 'enum', 'default');
    case 'boolean': case 'number': case 'integer': return limits('type', 'default');
    default: return undefined;
  }
}

const namesKind = (gvk: GroupVersionKind) => (x: unknown) =>
  isNode(x) && x['group'] === gvk.group && x['version'] === gvk.version && x['kind'] === gvk.kind;

export class SchemaResolver {
  private cache = new Map<string, CelT | undefined>();
  private revision = -1;

  /** extra: the OpenAPI the CRDs and aggregated APIs publish (none in unit tests: built-ins only). */
  constructor(private readonly extra?: OpenAPIExtra) {}

  /** The kind's schema with references expanded and only what CEL sees; undefined when not published. */
  schema(gvk: GroupVersionKind): JSONSchemaProps | undefined {
    const path = gvk.group ? `apis/${groupVersion(gvk)}` : `api/${gvk.version}`;
    const components = builtinV3Components(path)
      ?? (this.extra?.v3().get(path) as { components?: { schemas?: Components } } | undefined)?.components?.schemas;
    if (!components) return undefined;
    const root = Object.values(components).find(s => Array.isArray(s['x-kubernetes-group-version-kind']) && s['x-kubernetes-group-version-kind'].some(namesKind(gvk)));
    if (!root) return undefined;
    const walk: Walk = { components, expanding: new Set(), unresolved: false };
    const schema = exposed(root, walk);
    return walk.unresolved ? undefined : schema;
  }

  /** The CEL type of the kind's objects (a resource root), kept until the published OpenAPI changes. */
  declType(gvk: GroupVersionKind): CelT | undefined {
    const revision = this.extra?.revision() ?? 0;
    if (revision !== this.revision) {
      this.cache = new Map();
      this.revision = revision;
    }
    const key = `${groupVersion(gvk)}/${gvk.kind}`;
    if (!this.cache.has(key)) {
      const s = this.schema(gvk);
      this.cache.set(key, s && declType(s, true, gvk.kind).type);
    }
    return this.cache.get(key);
  }
}

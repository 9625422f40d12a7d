// Compiles OpenAPI v2 definitions into type nodes, once per definition, for the decoder.
// A node says what Go type upstream decodes a JSON value into, which decides the errors it
// gives and what survives a decode/encode round trip.

export type Node =
  | { kind: 'string' }
  | { kind: 'bytes' }
  | { kind: 'int'; bits: 32 | 64 }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'intOrString' }
  | { kind: 'quantity' }
  | { kind: 'time'; micro: boolean }
  | { kind: 'any' }
  | { kind: 'array'; items: Node }
  | { kind: 'map'; values: Node; goType?: string }
  | StructNode;

export interface StructNode {
  kind: 'struct';
  /** Go type name, e.g. DeploymentSpec. */
  name: string;
  /** Package-qualified Go type, e.g. v1.DeploymentSpec. */
  goType: string;
  props: Map<string, Node>;
  required: Set<string>;
  /** Fields Go always writes (non-pointer structs, non-omitempty fields): name and zero value. */
  emitted: Array<[string, unknown]>;
}

export interface SchemaObject {
  type?: string;
  format?: string;
  $ref?: string;
  allOf?: SchemaObject[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject | boolean;
  required?: string[];
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Definitions whose Go types have their own JSON decoding. */
const SPECIAL: Record<string, Node> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { kind: 'intOrString' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { kind: 'quantity' },
  [`${META}Time`]: { kind: 'time', micro: false },
  [`${META}MicroTime`]: { kind: 'time', micro: true },
  [`${META}FieldsV1`]: { kind: 'any' },
  [`${META}Patch`]: { kind: 'any' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { kind: 'any' },
};

/**
 * Non-pointer struct fields Go always serializes (as `{}` at least), for schemas that do not
 * carry OpenAPI v3 `default` markers. ObjectMeta's creationTimestamp is a struct too (`null`).
 */
const VALUE_STRUCT_FIELDS: Record<string, string[]> = {
  'io.k8s.api.core.v1.Container': ['resources'],
  'io.k8s.api.core.v1.EphemeralContainer': ['resources'],
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.batch.v1.JobTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.core.v1.ServiceStatus': ['loadBalancer'],
  'io.k8s.api.apps.v1.DeploymentSpec': ['template', 'strategy'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['template'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.batch.v1.JobSpec': ['template'],
  'io.k8s.api.batch.v1.CronJobSpec': ['jobTemplate'],
};

function refName(s: SchemaObject): string | undefined {
  const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]?.$ref : undefined);
  return ref?.replace('#/definitions/', '').replace('#/components/schemas/', '');
}

export class SchemaCompiler {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly defs: Record<string, SchemaObject>) {}

  has(definition: string): boolean {
    return definition in this.defs;
  }

  /** The node for a named definition, compiled on first use. */
  definition(name: string): Node {
    const cached = this.nodes.get(name);
    if (cached) return cached;
    const special = SPECIAL[name];
    if (special) return special;
    const def = this.defs[name];
    if (!def) return { kind: 'any' };
    if (!def.type && !def.properties && !def.$ref) {
      // JSON, JSONSchemaPropsOrBool and friends: free-form values.
      const any: Node = { kind: 'any' };
      this.nodes.set(name, any);
      return any;
    }
    if (def.type === 'object' && !def.properties && !def.additionalProperties && def['x-kubernetes-preserve-unknown-fields']) {
      const any: Node = { kind: 'any' };
      this.nodes.set(name, any);
      return any;
    }
    if (def.type && def.type !== 'object') {
      const n = this.inline(def);
      this.nodes.set(name, n);
      return n;
    }
    const parts = name.split('.');
    const short = parts[parts.length - 1] ?? name;
    const pkg = parts[parts.length - 2] ?? '';
    const node: StructNode = {
      kind: 'struct', name: short, goType: pkg ? `${pkg}.${short}` : short,
      props: new Map(), required: new Set(def.required ?? []), emitted: [],
    };
    // Registered before its properties compile, so recursive types (JSONSchemaProps) terminate.
    this.nodes.set(name, node);
    for (const [key, prop] of Object.entries(def.properties ?? {})) {
      node.props.set(key, this.inline(prop));
      if (prop.default !== undefined) node.emitted.push([key, prop.default]);
    }
    const emittedNames = new Set(node.emitted.map(([k]) => k));
    const valueStructs = [...(VALUE_STRUCT_FIELDS[name] ?? [])];
    if (def['x-kubernetes-group-version-kind']) valueStructs.push('metadata', 'spec', 'status');
    for (const key of valueStructs) {
      if (node.props.has(key) && !emittedNames.has(key)) node.emitted.push([key, {}]);
    }
    if (name === `${META}ObjectMeta` && !emittedNames.has('creationTimestamp')) node.emitted.push(['creationTimestamp', null]);
    return node;
  }

  private inline(s: SchemaObject): Node {
    const ref = refName(s);
    if (ref) return this.definition(ref);
    if (s['x-kubernetes-preserve-unknown-fields']) return { kind: 'any' };
    if (s.format === 'int-or-string') return { kind: 'intOrString' };
    switch (s.type) {
      case 'string':
        if (s.format === 'byte') return { kind: 'bytes' };
        if (s.format === 'date-time') return { kind: 'time', micro: false };
        return { kind: 'string' };
      case 'integer': return { kind: 'int', bits: s.format === 'int32' ? 32 : 64 };
      case 'number': return { kind: 'float' };
      case 'boolean': return { kind: 'bool' };
      case 'array': return { kind: 'array', items: s.items ? this.inline(s.items) : { kind: 'any' } };
      case 'object': {
        if (s.properties) return { kind: 'any' };
        const ap = s.additionalProperties;
        if (ap && typeof ap === 'object') {
          const values = this.inline(ap);
          return values.kind === 'quantity' ? { kind: 'map', values, goType: 'v1.ResourceList' } : { kind: 'map', values };
        }
        return { kind: 'any' };
      }
      default:
        return { kind: 'any' };
    }
  }
}

/** The Go type string upstream's errors name for a node. */
export function goTypeOf(n: Node): string {
  switch (n.kind) {
    case 'string': return 'string';
    case 'bytes': return '[]uint8';
    case 'int': return n.bits === 32 ? 'int32' : 'int64';
    case 'float': return 'float64';
    case 'bool': return 'bool';
    case 'intOrString': return 'intstr.IntOrString';
    case 'quantity': return 'resource.Quantity';
    case 'time': return n.micro ? 'v1.MicroTime' : 'v1.Time';
    case 'any': return 'interface {}';
    case 'array': return `[]${goTypeOf(n.items)}`;
    case 'map': return n.goType ?? `map[string]${goTypeOf(n.values)}`;
    case 'struct': return n.goType;
  }
}

// Builds src/generated/proto-schema.json, the table the protobuf codec (src/api/protobuf) walks:
// every message of the covered packages with fields in wire order, their JSON names and Go
// presence rules, and which message each served group/version/kind is. Inputs: the v1.28.7
// reference data's proto-messages.json, the 1.29-1.32 changes and Go facts in
// hack/generate/proto-upstream-1.32.json, and the served OpenAPI v2 document (for the kinds).
import { join } from 'node:path';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { FieldSpec, ProtoSchema } from '../../src/api/protobuf/schema-types.js';
import { type JsonObject, isObject, readObject } from './json.js';
import { type ProtoMessage, type UpstreamProtoFacts, protoScalars, upstreamProtoFactsFile } from './proto-facts.js';
import { packageOf, protoPackages } from './proto-packages.js';

/** Kinds served in protobuf that the OpenAPI document gives no group/version/kind for. */
const extraKinds: Record<string, string> = {
  'meta.k8s.io/v1/PartialObjectMetadata': 'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata',
  'meta.k8s.io/v1/PartialObjectMetadataList': 'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList',
  'meta.k8s.io/v1/DeleteOptions': 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'apidiscovery.k8s.io/v2/APIGroupDiscoveryList': 'k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList',
};

/** 'io.k8s.api.core.v1.Pod' -> 'k8s.io.api.core.v1.Pod' (proto packages spell '-' as '_'). */
function messageOfDefinition(definition: string): string {
  const rest = definition.replace(/^io\.k8s\./, '');
  const dot = rest.lastIndexOf('.');
  return `k8s.io.${rest.slice(0, dot).replace(/-/g, '_')}${rest.slice(dot)}`;
}

function qualify(type: string, pkg: string, messages: Map<string, ProtoMessage>): string {
  if (protoScalars.has(type)) return type;
  const name = type.includes('.') ? type : `${pkg}.${type}`;
  if (!messages.has(name)) throw new Error(`proto: ${pkg} refers to unknown message ${type}`);
  return name;
}

function fieldSpecs(name: string, msg: ProtoMessage, messages: Map<string, ProtoMessage>, facts: UpstreamProtoFacts): FieldSpec[] {
  const pkg = packageOf(name);
  const go = facts.go[name] ?? {};
  const out: FieldSpec[] = [];
  for (const f of msg.fields) {
    const g = go[f.name] ?? {};
    const map = /^map<(\w+), ([\w.]+)>$/.exec(f.type);
    const spec: FieldSpec = { name: g.json ?? f.name, no: f.number, type: qualify(map ? map[2]! : f.type, pkg, messages) };
    if (map) spec.key = map[1]!;
    if (f.label === 'repeated') spec.repeated = true;
    if (g.inline) spec.inline = true;
    if (g.presence) spec.presence = g.presence;
    out.push(spec);
  }
  // Go's generated marshalers write fields in field-number order; so does the codec.
  return out.sort((a, b) => a.no - b.no);
}

export function buildProtoSchema(base: Record<string, ProtoMessage>, facts: UpstreamProtoFacts, openapiV2: JsonObject, catalog: ResourceInfo[]): ProtoSchema {
  const covered = new Set(protoPackages.map(p => p.proto));
  const messages = new Map<string, ProtoMessage>();
  for (const [name, msg] of Object.entries(base)) if (covered.has(packageOf(name))) messages.set(name, msg);
  for (const [name, msg] of Object.entries(facts.messages)) {
    if (!covered.has(packageOf(name))) throw new Error(`proto: ${name} is outside the covered packages`);
    messages.set(name, msg);
  }
  for (const name of facts.removed) messages.delete(name);

  const out: ProtoSchema = { kinds: {}, messages: {}, arrayWrappers: [...facts.arrayWrappers].sort() };
  for (const name of [...messages.keys()].sort()) out.messages[name] = fieldSpecs(name, messages.get(name)!, messages, facts);

  const servedGV = new Set(['v1', 'meta.k8s.io/v1', ...catalog.map(r => (r.group ? `${r.group}/${r.version}` : r.version))]);
  const kinds: Record<string, string> = { ...extraKinds };
  const definitions = openapiV2['definitions'];
  if (!isObject(definitions)) throw new Error('proto: the OpenAPI v2 document has no definitions');
  for (const [definition, schema] of Object.entries(definitions)) {
    if (!isObject(schema) || !Array.isArray(schema['x-kubernetes-group-version-kind'])) continue;
    const message = messageOfDefinition(definition);
    if (!messages.has(message)) continue;
    for (const gvk of schema['x-kubernetes-group-version-kind']) {
      if (!isObject(gvk)) continue;
      const gv = gvk['group'] ? `${String(gvk['group'])}/${String(gvk['version'])}` : String(gvk['version']);
      if (servedGV.has(gv)) kinds[`${gv}/${String(gvk['kind'])}`] = message;
    }
  }
  for (const r of catalog) {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    if (!kinds[`${gv}/${r.kind}`]) throw new Error(`proto: no message for served kind ${gv}/${r.kind}`);
    if (r.verbs.includes('list') && !kinds[`${gv}/${r.kind}List`]) throw new Error(`proto: no message for served kind ${gv}/${r.kind}List`);
  }
  for (const k of Object.keys(kinds).sort()) out.kinds[k] = kinds[k]!;
  return out;
}

/** Reads the inputs (the reference data in `upstreamDir`, the facts file under `root`) and builds. */
export function generateProtoSchema(root: string, upstreamDir: string, openapiV2: JsonObject, catalog: ResourceInfo[]): ProtoSchema {
  const base = readObject(join(upstreamDir, 'proto-messages.json')) as unknown as Record<string, ProtoMessage>;
  const facts = readObject(join(root, upstreamProtoFactsFile)) as unknown as UpstreamProtoFacts;
  return buildProtoSchema(base, facts, openapiV2, catalog);
}

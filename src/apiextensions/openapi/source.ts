// The OpenAPI the established CRDs add to /openapi/v2 and /openapi/v3, kept like upstream's
// openapi and openapiv3 controllers: one spec per served CRD version, rebuilt only when the CRD
// changes, v2 merged into one set of paths and definitions, v3 one document per group/version.
import { readFileSync, readdirSync } from 'node:fs';
import type { CustomResourceDefinition } from '../types.js';
import { type CRDOpenAPIv2, type CRDOpenAPIv3, buildV2, buildV3, sortKeys } from './builder.js';
import type { Json, JsonObject } from './schema.js';

interface Built {
  /** uid and resourceVersion the specs were built from. */
  key: string;
  v2: CRDOpenAPIv2[];
  /** 'apis/<group>/<version>' → that version's spec. */
  v3: Map<string, CRDOpenAPIv3>;
}

const V3_REF = '#/components/schemas/';
const generatedV3 = new URL('../../generated/openapi-v3/', import.meta.url);

/** The built-in component schemas, from the generated v3 documents (first document naming one wins). */
function loadBuiltinSchemas(): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const f of readdirSync(generatedV3).sort()) {
    if (!f.endsWith('.json')) continue;
    const doc = JSON.parse(readFileSync(new URL(f, generatedV3), 'utf8')) as { components?: { schemas?: Record<string, Json> } };
    for (const [k, v] of Object.entries(doc.components?.schemas ?? {})) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

function collectRefs(v: Json, into: Set<string>): void {
  if (Array.isArray(v)) return v.forEach(x => collectRefs(x, into));
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && x.startsWith(V3_REF)) into.add(x.slice(V3_REF.length));
    else collectRefs(x, into);
  }
}

export class CRDOpenAPISource {
  private built = new Map<string, Built>();
  private rev = 0;
  private v2Cache: { paths: Record<string, unknown>; definitions: Record<string, unknown>; parameters: Record<string, unknown> } | undefined;
  private v3Cache: Map<string, object> | undefined;
  private builtinSchemas: Map<string, Json> | undefined;

  /** The established CRDs, in their v1 form; only those whose uid or resourceVersion moved are rebuilt. */
  update(crds: CustomResourceDefinition[]): void {
    const next = new Map<string, Built>();
    let changed = false;
    for (const crd of crds) {
      const name = crd.metadata.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;
      const key = `${crd.metadata.uid ?? ''}/${crd.metadata.resourceVersion ?? ''}`;
      const prev = this.built.get(name);
      if (prev && prev.key === key) {
        next.set(name, prev);
        continue;
      }
      changed = true;
      const served = crd.spec.versions.filter(v => v.served);
      next.set(name, {
        key,
        v2: served.map(v => buildV2(crd, v.name)),
        v3: new Map(served.map(v => [`apis/${crd.spec.group}/${v.name}`, buildV3(crd, v.name)])),
      });
    }
    if (!changed && next.size === this.built.size) return;
    this.built = next;
    this.rev++;
    this.v2Cache = undefined;
    this.v3Cache = undefined;
  }

  /** Moves whenever the published OpenAPI changes. */
  revision(): number {
    return this.rev;
  }

  /** Every CRD's paths, definitions and shared parameters, each map sorted by key. */
  v2(): { paths: Record<string, unknown>; definitions: Record<string, unknown>; parameters: Record<string, unknown> } {
    if (this.v2Cache) return this.v2Cache;
    const paths: Record<string, unknown> = {};
    const definitions: Record<string, unknown> = {};
    const parameters: Record<string, unknown> = {};
    for (const b of this.built.values()) {
      for (const s of b.v2) {
        Object.assign(paths, s.paths);
        Object.assign(definitions, s.definitions);
        Object.assign(parameters, s.parameters);
      }
    }
    const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.keys(o).sort().map(k => [k, o[k]]));
    this.v2Cache = { paths: sorted(paths), definitions: sorted(definitions), parameters: sorted(parameters) };
    return this.v2Cache;
  }

  /** 'apis/<group>/<version>' → the OpenAPI v3 document of the CRDs of that group/version. */
  v3(): Map<string, object> {
    if (this.v3Cache) return this.v3Cache;
    const byGV = new Map<string, CRDOpenAPIv3[]>();
    for (const b of this.built.values()) {
      for (const [gv, s] of b.v3) byGV.set(gv, [...(byGV.get(gv) ?? []), s]);
    }
    const out = new Map<string, object>();
    for (const gv of [...byGV.keys()].sort()) out.set(gv, this.document(byGV.get(gv)!));
    this.v3Cache = out;
    return out;
  }

  /** One group/version's document: its CRDs' paths and schemas, and the built-in schemas they reach. */
  private document(specs: CRDOpenAPIv3[]): object {
    const paths: JsonObject = {};
    const schemas: JsonObject = {};
    for (const s of specs) {
      Object.assign(paths, s.paths);
      Object.assign(schemas, s.schemas);
    }
    this.builtinSchemas ??= loadBuiltinSchemas();
    const pending = new Set<string>();
    collectRefs([paths, schemas], pending);
    for (const name of pending) {
      if (name in schemas) continue;
      const builtin = this.builtinSchemas.get(name);
      if (builtin === undefined) continue;
      schemas[name] = builtin;
      collectRefs(builtin, pending);
    }
    return sortKeys({
      components: { schemas },
      info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
      openapi: '3.0.0',
      paths,
    }) as object;
  }
}

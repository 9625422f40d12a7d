// The OpenAPI v3 documents of the API: the built-in ones generated under src/generated/openapi-v3
// (one file per group version, '/' spelled '__'), read once and shared by the OpenAPI router
// (which serves their bytes) and the admission policy type checker (which resolves schemas from
// their components), and the interface of what CRDs and aggregated APIs publish beside them.
import { readFileSync, readdirSync } from 'node:fs';

export type SchemaNode = Record<string, unknown>;
export type SchemaComponents = Record<string, SchemaNode>;

/** OpenAPI published beside the built-in API (the CRDs'), rebuilt into the documents when its revision moves. */
export interface OpenAPIExtra {
  revision(): number;
  v2(): { paths: Record<string, unknown>; definitions: Record<string, unknown>; parameters?: Record<string, unknown> };
  /** 'apis/<group>/<version>' → a whole v3 document. */
  v3(): Map<string, object>;
}

const dir = new URL('../generated/openapi-v3/', import.meta.url);
let bodies: ReadonlyMap<string, Buffer> | undefined;
const parsed = new Map<string, SchemaComponents | undefined>();

/** The built-in documents' bytes by path ('api/v1', 'apis/apps/v1', ...), in path order. */
export function builtinV3Documents(): ReadonlyMap<string, Buffer> {
  bodies ??= new Map(readdirSync(dir).filter(f => f.endsWith('.json')).sort()
    .map(f => [f.slice(0, -'.json'.length).split('__').join('/'), readFileSync(new URL(f, dir))]));
  return bodies;
}

/** components.schemas of a built-in group version's document, parsed on first use; undefined when not built in. */
export function builtinV3Components(path: string): SchemaComponents | undefined {
  if (!parsed.has(path)) {
    const body = builtinV3Documents().get(path);
    parsed.set(path, body && (JSON.parse(body.toString('utf8')) as { components?: { schemas?: SchemaComponents } }).components?.schemas);
  }
  return parsed.get(path);
}

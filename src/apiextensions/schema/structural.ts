// Walking a structural schema: the child schema of an object key (properties first, then
// additionalProperties) and of array items, as the pruning/defaulting algorithms look them up.
import type { JSONSchemaProps } from '../types.js';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys an embedded resource (and the resource root) keeps without a schema. */
export const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * The schema for key k: a property, else additionalProperties. `undefined` means no schema
 * applies (unknown field); `null` means additionalProperties: true (a schema-less value).
 */
export function childSchema(s: JSONSchemaProps, k: string): JSONSchemaProps | null | undefined {
  const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
  if (prop) return prop;
  if (s.additionalProperties === undefined || s.additionalProperties === false) return undefined;
  return s.additionalProperties === true ? null : s.additionalProperties;
}

export const itemsSchema = (s: JSONSchemaProps | null | undefined): JSONSchemaProps | undefined =>
  (s?.items && !Array.isArray(s.items) ? s.items : undefined);

/** The resource root is always treated as an embedded resource. */
export const asResourceRoot = (s: JSONSchemaProps | undefined): JSONSchemaProps =>
  (s?.['x-kubernetes-embedded-resource'] ? s : { ...(s ?? {}), 'x-kubernetes-embedded-resource': true });

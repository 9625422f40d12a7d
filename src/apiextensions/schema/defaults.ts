// Defaulting (apiextensions schema/defaulting): applied to requests and to objects read from
// storage. Defaults fill absent fields, and nulls where the schema is not nullable; then
// non-nullable nulls without a default are dropped, as the decoder does after pruning.
import type { JSONSchemaProps } from '../types.js';
import { childSchema, isObj, itemsSchema } from './structural.js';

const isNonNullableNull = (x: unknown, s: JSONSchemaProps | null | undefined): s is JSONSchemaProps =>
  x === null && !!s && !s.nullable;

const copy = <T>(v: T): T => structuredClone(v);

/** Applies schema defaults to obj in place. */
export function defaultCustomResource(x: unknown, s: JSONSchemaProps | null | undefined): void {
  if (!s) return;
  if (isObj(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default === undefined || prop.default === null) continue;
      if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = copy(prop.default);
    }
    for (const k of Object.keys(x)) {
      const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
      if (prop) {
        defaultCustomResource(x[k], prop);
      } else if (typeof s.additionalProperties === 'object') {
        const add = s.additionalProperties;
        if (isNonNullableNull(x[k], add) && add.default !== undefined) x[k] = copy(add.default);
        defaultCustomResource(x[k], add);
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemsSchema(s);
    x.forEach((v, i) => {
      if (isNonNullableNull(v, items) && items.default !== undefined) x[i] = copy(items.default);
      defaultCustomResource(x[i], items);
    });
  }
}

/** PruneNonNullableNullsWithoutDefaults: drops null map values the schema cannot hold. */
export function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | null | undefined): void {
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const child = s ? childSchema(s, k) ?? undefined : undefined;
      if (x[k] === null && child && !child.nullable && child.default === undefined) delete x[k];
      else pruneNonNullableNulls(x[k], child);
    }
  } else if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNulls(v, itemsSchema(s));
  }
}

// CEL types and values for a structural schema, after k8s.io/apiserver/pkg/cel/common
// (SchemaDeclType, UnstructuredToVal): objects with their properties as fields, maps from
// additionalProperties, int-or-string and untyped nodes as dyn, string formats byte, date,
// date-time and duration as bytes, timestamp and duration. Size bounds come from
// maxLength/maxItems/maxProperties or, without them, from the largest request (3 MiB) that could
// carry the value.
import { type JSONSchemaProps } from '../types.js';
import { T, type CelT } from '../../cel/types.js';
import { parseDuration, parseTimestamp } from '../../cel/time.js';
import { CelMapV, fromJson, type MapKey, type Value } from '../../cel/values.js';

export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
const MIN_STRING = 2;
const MIN_BOOL = 4;
const MIN_NUMBER = 1;

export interface DeclType {
  type: CelT;
  /** Fewest bytes the value takes in a JSON request, for item-count estimates. */
  minSize: number;
}

const zeroIfNegative = (n: number) => Math.max(0, n);

function maxStringLength(s: JSONSchemaProps): number {
  if (s.maxLength !== undefined) return zeroIfNegative(s.maxLength) * 4;
  if (s.enum?.length) return Math.max(0, ...s.enum.map(e => (typeof e === 'string' ? e.length : 0)));
  switch (s.format) {
    case 'duration': return 32;
    case 'date': return 12;
    case 'date-time': return 32;
    default: return MAX_REQUEST_SIZE_BYTES - 2;
  }
}

export const maxItemsFromMinSize = (minSize: number) => Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSize + 1));
export const maxPropertiesFromMinSize = (minSize: number) => Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSize + 6));

const items = (s: JSONSchemaProps): JSONSchemaProps | undefined => (Array.isArray(s.items) ? undefined : s.items);
const additional = (s: JSONSchemaProps): JSONSchemaProps | undefined =>
  (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);

/** apiVersion, kind and metadata.name/generateName are readable at every resource root. */
export function withTypeAndObjectMeta(s: JSONSchemaProps): JSONSchemaProps {
  const str: JSONSchemaProps = { type: 'string' };
  const meta = s.properties?.metadata ?? { type: 'object' };
  return {
    ...s,
    type: 'object',
    properties: {
      ...s.properties,
      apiVersion: s.properties?.apiVersion ?? str,
      kind: s.properties?.kind ?? str,
      metadata: { ...meta, type: 'object', properties: { ...meta.properties, name: str, generateName: str } },
    },
  };
}

/** The CEL type of a schema node, named by its position so distinct objects stay distinct. */
export function declType(schema: JSONSchemaProps, isResourceRoot: boolean, name = 'self'): DeclType {
  if (schema['x-kubernetes-int-or-string']) return { type: { kind: 'dyn', maxElements: maxStringLength(schema) }, minSize: 1 };
  const s = isResourceRoot ? withTypeAndObjectMeta(schema) : schema;
  switch (s.type) {
    case 'array': {
      const it = items(s);
      if (!it) return { type: T.dyn, minSize: 2 };
      const elem = declType(it, !!it['x-kubernetes-embedded-resource'], `${name}.@idx`);
      const max = s.maxItems !== undefined ? zeroIfNegative(s.maxItems) : maxItemsFromMinSize(elem.minSize);
      return { type: T.list(elem.type, max), minSize: 2 };
    }
    case 'object': {
      const ap = additional(s);
      if (ap) {
        const value = declType(ap, !!ap['x-kubernetes-embedded-resource'], `${name}.@elem`);
        const max = s.maxProperties !== undefined ? zeroIfNegative(s.maxProperties) : maxPropertiesFromMinSize(value.minSize);
        return { type: T.map({ kind: 'string', maxElements: MAX_REQUEST_SIZE_BYTES - 2 }, value.type, max), minSize: 2 };
      }
      if (!s.properties && s['x-kubernetes-preserve-unknown-fields']) return { type: T.dyn, minSize: 2 };
      const fields = new Map<string, CelT>();
      let minSize = 2;
      const required = new Set(s.required ?? []);
      for (const [prop, ps] of Object.entries(s.properties ?? {})) {
        const field = declType(ps, !!ps['x-kubernetes-embedded-resource'], `${name}.${prop}`);
        fields.set(prop, field.type);
        if (required.has(prop) && ps.default === undefined) minSize += prop.length + field.minSize + 4;
      }
      return { type: { kind: 'object', name, fields }, minSize };
    }
    case 'string':
      switch (s.format) {
        case 'byte': return { type: { kind: 'bytes', maxElements: s.maxLength ?? maxStringLength(s) }, minSize: MIN_STRING };
        case 'duration': return { type: { kind: 'duration', maxElements: maxStringLength(s) }, minSize: 3 };
        case 'date': return { type: { kind: 'timestamp', maxElements: maxStringLength(s) }, minSize: 12 };
        case 'date-time': return { type: { kind: 'timestamp', maxElements: maxStringLength(s) }, minSize: 21 };
        default: return { type: { kind: 'string', maxElements: maxStringLength(s) }, minSize: MIN_STRING };
      }
    case 'boolean': return { type: T.bool, minSize: MIN_BOOL };
    case 'number': return { type: T.double, minSize: MIN_NUMBER };
    case 'integer': return { type: T.int, minSize: MIN_NUMBER };
    default: return { type: T.dyn, minSize: 1 };
  }
}

/** A JSON value as CEL sees it under its schema (integers as int, numbers as double, formats). */
export function toCelValue(v: unknown, schema: JSONSchemaProps | undefined, name = 'self'): Value {
  if (v === null || v === undefined) return null;
  if (!schema || schema['x-kubernetes-int-or-string']) return fromJson(v);
  switch (schema.type) {
    case 'integer': return typeof v === 'number' ? BigInt(Math.trunc(v)) : fromJson(v);
    case 'number': return typeof v === 'number' ? v : fromJson(v);
    case 'string':
      if (typeof v !== 'string') return fromJson(v);
      try {
        if (schema.format === 'byte') return new Uint8Array(Buffer.from(v, 'base64'));
        if (schema.format === 'date-time') return parseTimestamp(v);
        if (schema.format === 'date') return parseTimestamp(`${v}T00:00:00Z`);
        if (schema.format === 'duration') return parseDuration(v);
      } catch {
        return v;
      }
      return v;
    case 'array': {
      if (!Array.isArray(v)) return fromJson(v);
      const it = items(schema);
      return v.map(x => toCelValue(x, it, `${name}.@idx`));
    }
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return fromJson(v);
      const ap = additional(schema);
      const entries = new Map<MapKey, Value>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const ps = ap ?? schema.properties?.[k];
        // Embedded resources and preserved fields carry data the schema does not describe.
        if (!ps && !schema['x-kubernetes-preserve-unknown-fields'] && !schema['x-kubernetes-embedded-resource'] && schema.properties) continue;
        entries.set(k, toCelValue(x, ps, ap ? `${name}.@elem` : `${name}.${k}`));
      }
      return new CelMapV(entries, ap ? undefined : 'object');
    }
    default: return fromJson(v);
  }
}

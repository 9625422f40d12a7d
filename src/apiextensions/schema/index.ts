// The custom-resource schema runtime: what apiextensions does to a CR with the structural
// schema of its version, as pure functions over plain JSON.
import type { JSONSchemaProps } from '../types.js';
import { coerceEmbeddedResources } from './embedded.js';
import { pruneNonNullableNulls } from './defaults.js';
import { roundTripObjectMeta, unknownMetadataFields } from './object-meta.js';
import { pruneCustomResource } from './prune.js';

export { pruneCustomResource } from './prune.js';
export { defaultCustomResource, pruneNonNullableNulls } from './defaults.js';
export { pruneDefaults } from './prune-defaults.js';
export { validateCustomResource, validateOpenAPISchema, hasBlockingError } from './validate.js';
export { validateListSetsAndMaps } from './list-type.js';
export { coerceEmbeddedResources, validateEmbeddedResources } from './embedded.js';
export { objectMetaError, roundTripObjectMeta, unknownMetadataFields } from './object-meta.js';
export { formatCheck } from './formats.js';

export interface DecodeOptions {
  /** spec.preserveUnknownFields of the CRD: skips pruning. */
  preserveUnknownFields?: boolean;
  /** Storage reads drop malformed metadata fields instead of failing. */
  dropInvalidMetadata?: boolean;
}

export interface DecodeResult {
  /** A decoding error (malformed metadata): the request fails with it. */
  error?: string;
  /** Unknown fields in upstream's order: root metadata, pruned fields, embedded metadata. */
  unknownFields: string[];
}

/**
 * unstructuredSchemaCoercer.apply for an object of the CRD's kind, in place: root metadata
 * round-tripped through ObjectMeta, unknown fields pruned, non-nullable nulls dropped and
 * embedded resources coerced. Strict field validation reports each unknownFields entry as
 * `unknown field "<path>"` (after the decoder's own duplicate-field errors).
 */
export function decodeCustomResource(obj: Record<string, unknown>, schema: JSONSchemaProps | undefined, opts: DecodeOptions = {}): DecodeResult {
  const unknownFields: string[] = [];
  const hasMeta = Object.hasOwn(obj, 'metadata');
  const { apiVersion, kind } = obj;
  let meta: Record<string, unknown> | undefined;
  if (hasMeta) {
    unknownFields.push(...unknownMetadataFields(obj['metadata'], 'metadata'));
    const r = roundTripObjectMeta(obj['metadata'], !!opts.dropInvalidMetadata);
    if (r.error) return { error: r.error, unknownFields };
    meta = r.meta;
  }
  if (!opts.preserveUnknownFields) {
    unknownFields.push(...pruneCustomResource(obj, schema, { isResourceRoot: true }));
    pruneNonNullableNulls(obj, schema);
  }
  const coerced = coerceEmbeddedResources(obj, schema, { dropInvalidFields: !!opts.dropInvalidMetadata });
  if (coerced.error) return { error: `${coerced.error.field}: ${coerced.error.message}`, unknownFields };
  unknownFields.push(...coerced.unknownFields);
  // The type meta and the decoded metadata are restored last, as upstream does.
  if (typeof kind === 'string') obj['kind'] = kind;
  if (typeof apiVersion === 'string') obj['apiVersion'] = apiVersion;
  if (meta) obj['metadata'] = meta;
  return { unknownFields };
}


/**
 * The storage side of the decoder, in place: unknown fields pruned (the schema may have changed
 * since the write), non-nullable nulls dropped and embedded metadata coerced. The root metadata
 * round trip is skipped: storage only holds metadata an API server encoded, which it leaves as is,
 * and skipping it is most of the cost of reading a custom resource.
 */
export function decodeStoredCustomResource(obj: Record<string, unknown>, schema: JSONSchemaProps | undefined, preserveUnknownFields: boolean): void {
  if (!preserveUnknownFields) {
    pruneCustomResource(obj, schema, { isResourceRoot: true });
    pruneNonNullableNulls(obj, schema);
  }
  coerceEmbeddedResources(obj, schema, { dropInvalidFields: true });
}

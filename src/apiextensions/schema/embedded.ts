// Embedded resources (x-kubernetes-embedded-resource): their apiVersion/kind/metadata are
// coerced while decoding and validated like a resource's (apiextensions schema/objectmeta).
import type { StatusCause } from '../../api/types.js';
import { fe, path as fp } from '../../api/validation/field.js';
import { validateObjectMeta } from '../../api/validation/metadata.js';
import { isDNS1035Label, nameIsPathSegment } from '../../api/validation/names.js';
import type { JSONSchemaProps } from '../types.js';
import { goBadValue } from './go-format.js';
import { objectMetaError, roundTripObjectMeta, unknownMetadataFields } from './object-meta.js';
import { byteOrder } from './prune.js';
import { childSchema, isObj, itemsSchema } from './structural.js';

export interface CoerceOptions {
  /** Drop malformed apiVersion/kind/metadata fields instead of failing (storage reads). */
  dropInvalidFields?: boolean;
}

interface Walk {
  opts: CoerceOptions;
  unknown: string[];
}

const childPath = (base: string, s: JSONSchemaProps, k: string) =>
  (s.properties && Object.hasOwn(s.properties, k) ? fp.child(base, k) : fp.key(base, k));

function coerce(pth: string, x: unknown, s: JSONSchemaProps | null | undefined, w: Walk): StatusCause | undefined {
  if (!s) return undefined;
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      const v = x[k];
      if (s['x-kubernetes-embedded-resource']) {
        if ((k === 'apiVersion' || k === 'kind') && typeof v !== 'string') {
          if (w.opts.dropInvalidFields) delete x[k];
          else return fe.invalid(fp.child(pth, k), goBadValue(v), 'must be a string');
        } else if (k === 'metadata') {
          w.unknown.push(...unknownMetadataFields(v, fp.child(pth, 'metadata')));
          const { meta, error } = roundTripObjectMeta(v, !!w.opts.dropInvalidFields);
          if (error && !w.opts.dropInvalidFields) return fe.invalid(fp.child(pth, 'metadata'), goBadValue(v), error);
          if (meta) x[k] = meta;
        }
      }
      const child = childSchema(s, k);
      if (child === undefined) continue;
      const err = coerce(childPath(pth, s, k), x[k], child, w);
      if (err) return err;
    }
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const err = coerce(fp.index(pth, i), x[i], itemsSchema(s), w);
      if (err) return err;
    }
  }
  return undefined;
}

/**
 * CoerceWithOptions below the root: normalizes embedded resources' metadata in place.
 * Returns the first error and the unknown metadata fields (sorted) strict validation reports.
 */
export function coerceEmbeddedResources(obj: unknown, schema: JSONSchemaProps | undefined, opts: CoerceOptions = {}, at = ''): { error?: StatusCause; unknownFields: string[] } {
  const w: Walk = { opts, unknown: [] };
  const error = coerce(at, obj, schema, w);
  return { ...(error ? { error } : {}), unknownFields: w.unknown.sort(byteOrder) };
}

// schema.ParseGroupVersion: at most one '/'.
function groupVersionError(v: string): string | undefined {
  return v.split('/').length > 2 ? `unexpected GroupVersion string: ${v}` : undefined;
}

function validateEmbedded(pth: string, x: Record<string, unknown>): StatusCause[] {
  const errs: StatusCause[] = [];
  if (!Object.hasOwn(x, 'apiVersion')) errs.push(fe.required(fp.child(pth, 'apiVersion'), 'must not be empty'));
  if (!Object.hasOwn(x, 'kind')) errs.push(fe.required(fp.child(pth, 'kind'), 'must not be empty'));
  for (const [k, v] of Object.entries(x)) {
    const f = fp.child(pth, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(fe.invalid(f, goBadValue(v), 'must be a string'));
      else if (v === '') errs.push(fe.invalid(f, v, 'must not be empty'));
      else if (groupVersionError(v)) errs.push(fe.invalid(f, v, groupVersionError(v)!));
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(fe.invalid(f, goBadValue(v), 'must be a string'));
      else if (v === '') errs.push(fe.invalid(f, v, 'must not be empty'));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length) errs.push(fe.invalid(f, v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
      }
    } else if (k === 'metadata') {
      const error = objectMetaError(v);
      if (error) {
        errs.push(fe.invalid(f, goBadValue(v), error));
        continue;
      }
      // Embedded objects may omit a name; a placeholder keeps ValidateObjectMeta quiet about it.
      const meta = isObj(v) ? { ...v } : {};
      if (typeof meta['name'] !== 'string' || meta['name'] === '') meta['name'] = 'fakename';
      const namespaced = typeof meta['namespace'] === 'string' && meta['namespace'] !== '';
      errs.push(...validateObjectMeta(meta, { namespaced, nameFn: nameIsPathSegment, kubeFinalizers: false }, f));
    }
  }
  return errs;
}

function validate(pth: string, x: unknown, s: JSONSchemaProps | null | undefined): StatusCause[] {
  if (!s) return [];
  const errs: StatusCause[] = [];
  if (isObj(x)) {
    if (s['x-kubernetes-embedded-resource']) errs.push(...validateEmbedded(pth, x));
    for (const [k, v] of Object.entries(x)) {
      const child = childSchema(s, k);
      if (child !== undefined) errs.push(...validate(childPath(pth, s, k), v, child));
    }
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => errs.push(...validate(fp.index(pth, i), v, itemsSchema(s))));
  }
  return errs;
}

/** objectmeta.Validate below the root: apiVersion, kind and metadata of embedded resources (at is obj's path). */
export function validateEmbeddedResources(obj: unknown, schema: JSONSchemaProps | undefined, at = ''): StatusCause[] {
  return validate(at, obj, schema);
}


// ObjectMeta of custom resources (apiextensions schema/objectmeta): metadata is decoded into
// metav1.ObjectMeta, so malformed fields fail as Go's JSON decoder fails, unknown fields are
// reported (strict field validation) and dropped, and empty fields vanish on re-encoding.
import { isObj, type Obj } from './structural.js';

type FieldType = 'string' | 'int64' | 'bool' | 'time' | 'stringMap' | 'strings' | 'raw' | StructType;
interface StructType { name: string; fields: Record<string, FieldType>; list: boolean }

const ownerReference: StructType = {
  name: 'OwnerReference', list: true,
  fields: { apiVersion: 'string', kind: 'string', name: 'string', uid: 'string', controller: 'bool', blockOwnerDeletion: 'bool' },
};
const managedFieldsEntry: StructType = {
  name: 'ManagedFieldsEntry', list: true,
  fields: { manager: 'string', operation: 'string', apiVersion: 'string', time: 'time', fieldsType: 'string', fieldsV1: 'raw', subresource: 'string' },
};
const objectMetaFields: Record<string, FieldType> = {
  name: 'string', generateName: 'string', namespace: 'string', selfLink: 'string', uid: 'string', resourceVersion: 'string',
  generation: 'int64', creationTimestamp: 'time', deletionTimestamp: 'time', deletionGracePeriodSeconds: 'int64',
  labels: 'stringMap', annotations: 'stringMap', ownerReferences: ownerReference, finalizers: 'strings', managedFields: managedFieldsEntry,
};

const jsonKind = (v: unknown): string =>
  (typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : 'object');

const goType = (t: FieldType): string =>
  (typeof t === 'object' ? `[]v1.${t.name}` : t === 'stringMap' ? 'map[string]string' : t === 'strings' ? '[]string' : t === 'time' ? 'v1.Time' : t);

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Go's decoding error for value v of a field, or undefined. `where` is "Struct.path". */
function fieldError(t: FieldType, v: unknown, where: string): string | undefined {
  if (v === null) return undefined;
  const mismatch = (type: string) => `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${where} of type ${type}`;
  switch (t) {
    case 'string': return typeof v === 'string' ? undefined : mismatch('string');
    case 'bool': return typeof v === 'boolean' ? undefined : mismatch('bool');
    case 'int64':
      if (typeof v !== 'number') return mismatch('int64');
      return Number.isInteger(v) ? undefined : `json: cannot unmarshal number ${v} into Go struct field ${where} of type int64`;
    case 'time':
      // metav1.Time decodes a string itself and parses it as RFC 3339.
      if (typeof v !== 'string') return `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`;
      return v === '' || rfc3339.test(v) ? undefined : `parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(v)} as "2006"`;
    case 'raw': return undefined;
    case 'stringMap':
      if (!isObj(v)) return mismatch('map[string]string');
      return Object.values(v).some(x => x !== null && typeof x !== 'string') ? mismatch('string') : undefined;
    case 'strings':
      if (!Array.isArray(v)) return mismatch('[]string');
      return v.some(x => x !== null && typeof x !== 'string') ? mismatch('string') : undefined;
    default: {
      if (!Array.isArray(v)) return mismatch(goType(t));
      for (const item of v) {
        if (item === null) continue;
        if (!isObj(item)) return mismatch(`v1.${t.name}`);
        const field = where.slice(where.indexOf('.') + 1);
        for (const [k, x] of Object.entries(item)) {
          const ft = t.fields[k];
          const err = ft && fieldError(ft, x, `${t.name}.${field}.${k}`);
          if (err) return err;
        }
      }
      return undefined;
    }
  }
}

/** The error decoding metadata into metav1.ObjectMeta reports, or undefined. */
export function objectMetaError(meta: unknown): string | undefined {
  if (meta === null) return undefined;
  if (!isObj(meta)) return `json: cannot unmarshal ${jsonKind(meta)} into Go value of type v1.ObjectMeta`;
  for (const k of Object.keys(meta).sort()) {
    const t = objectMetaFields[k];
    const err = t && fieldError(t, meta[k], `ObjectMeta.${k}`);
    if (err) return err;
  }
  return undefined;
}

/** Unknown fields inside metadata as the strict decoder names them, prefixed (e.g. "metadata"). */
export function unknownMetadataFields(meta: unknown, prefix: string): string[] {
  if (!isObj(meta)) return [];
  const out: string[] = [];
  for (const k of Object.keys(meta).sort()) {
    const t = objectMetaFields[k];
    if (!t) { out.push(`${prefix}.${k}`); continue; }
    const v = meta[k];
    if (typeof t === 'object' && Array.isArray(v)) {
      v.forEach((item, i) => {
        if (isObj(item)) for (const f of Object.keys(item).sort()) if (!t.fields[f]) out.push(`${prefix}.${k}[${i}].${f}`);
      });
    }
  }
  return out;
}

// The re-encoding of a decoded ObjectMeta: known fields only, omitempty fields dropped when empty.
function encodeValue(t: FieldType, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (t) {
    case 'string': case 'time': return v === '' ? undefined : v;
    case 'int64': return v === 0 ? undefined : v;
    case 'bool': return v;
    case 'raw': return v;
    case 'stringMap': {
      const m = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, x ?? '']));
      return Object.keys(m).length ? m : undefined;
    }
    case 'strings': return (v as unknown[]).length ? (v as unknown[]).map(x => x ?? '') : undefined;
    default: {
      const list = (v as unknown[]).map(item => encodeStruct(t.fields, isObj(item) ? item : {}));
      return list.length ? list : undefined;
    }
  }
}
function encodeStruct(fields: Record<string, FieldType>, o: Obj): Obj {
  const out: Obj = {};
  for (const [k, t] of Object.entries(fields)) {
    if (!Object.hasOwn(o, k)) continue;
    const e = encodeValue(t, o[k]);
    if (e !== undefined) out[k] = e;
  }
  return out;
}

/**
 * metadata as it comes out of a metav1.ObjectMeta round trip. With dropMalformed, fields that
 * fail to decode are dropped (storage reads); otherwise the decoding error is returned.
 */
export function roundTripObjectMeta(meta: unknown, dropMalformed: boolean): { meta?: Obj; error?: string } {
  const error = objectMetaError(meta);
  if (error && !dropMalformed) return { error };
  if (meta === null) return { meta: {} };
  if (!isObj(meta)) return { error: `invalid metadata: expected object, got ${typeof meta === 'string' ? 'string' : jsonKind(meta) === 'number' ? 'float64' : jsonKind(meta) === 'array' ? '[]interface {}' : 'bool'}` };
  const kept: Obj = {};
  for (const [k, v] of Object.entries(meta)) {
    const t = objectMetaFields[k];
    if (t && !fieldError(t, v, `ObjectMeta.${k}`)) kept[k] = v;
  }
  return { meta: encodeStruct(objectMetaFields, kept) };
}

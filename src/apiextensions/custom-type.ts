// A CustomResourceDefinition's served versions as catalog entries: the ResourceInfo each version
// is routed, discovered and stored by, and the CustomType record that stands in for the built-in
// tables (upstream's crdHandler serving info and customResourceStrategy). Built once per CRD
// revision; a request keeps the entry it looked up.
import { createHash } from 'node:crypto';
import type { CustomType } from '../api/custom-type.js';
import { errors } from '../api/errors.js';
import type { ResourceInfo, SubresourceInfo } from '../api/resource-info.js';
import type { KubeObject, StatusCause } from '../api/types.js';
import { untypedStrictErrors } from '../api/strict-errors.js';
import { fe } from '../api/validation/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/metadata.js';
import { isDNS1123Subdomain } from '../api/validation/names.js';
import { typeForCustomSchema } from '../registry/fieldmanager/schema.js';
import { validateCustomResourceRules } from './cel/validate.js';
import type { Converter } from './conversion.js';
import { finalizerWarnings } from './finalizer-warnings.js';
import { scaleCauses } from './scale.js';
import { decodeCustomResource, decodeStoredCustomResource, defaultCustomResource, hasBlockingError, pruneDefaults, validateCustomResource } from './schema/index.js';
import { customResourceFieldSet, validateCustomResourceFieldSelector } from './selectable-fields.js';
import { customResourceTablePrinter } from './table.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from './types.js';
import { hasXValidations, schemaHas } from './validation/schema-walk.js';

const VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const TERMINATING_VERBS = ['delete', 'deletecollection', 'get', 'list', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** discovery.StorageVersionHash: the first 8 bytes of sha256("<group>/<version>/<kind>"), base64. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

type Condition = { type: string; status: string };
const conditionTrue = (crd: CustomResourceDefinition, type: string) => (crd.status?.conditions ?? []).some((c: Condition) => c.type === type && c.status === 'True');

/** Served from NamesAccepted on; discovered once Established (upstream's crdHandler and discovery controller). */
export function isServed(crd: CustomResourceDefinition): boolean {
  return conditionTrue(crd, 'NamesAccepted') || conditionTrue(crd, 'Established');
}

export interface CustomTypeDeps {
  /** Converts between the CRD's versions (None or its webhook). */
  converter: Converter;
}

function schemaOf(v: CustomResourceDefinitionVersion): JSONSchemaProps {
  return v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

/** upstream's ValidateTypeMeta: the body's apiVersion and kind must be this version's. */
function typeMetaCauses(obj: KubeObject, apiVersion: string, kind: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (obj.kind !== kind) out.push(fe.invalid('kind', obj.kind ?? '', `must be ${kind}`));
  if (obj.apiVersion !== apiVersion) out.push(fe.invalid('apiVersion', obj.apiVersion ?? '', `must be ${apiVersion}`));
  return out;
}

const RULES_NOT_CHECKED: StatusCause = {
  reason: 'FieldValueInvalid', field: '<nil>',
  message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

function versionType(crd: CustomResourceDefinition, v: CustomResourceDefinitionVersion, deps: CustomTypeDeps): CustomType {
  const group = crd.spec.group;
  const apiVersion = `${group}/${v.name}`;
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const kind = names.kind;
  // Defaults that the schema itself would prune are dropped once, as upstream builds its serving schemas.
  const schema = crd.spec.preserveUnknownFields ? schemaOf(v) : pruneDefaults(schemaOf(v));
  const preserveUnknownFields = crd.spec.preserveUnknownFields === true;
  const namespaced = crd.spec.scope === 'Namespaced';
  const storage = crd.spec.versions.find(x => x.storage)?.name ?? v.name;
  const storageApiVersion = `${group}/${storage}`;
  const scale = v.subresources?.scale;
  const metaRules = { namespaced, kubeFinalizers: false, nameFn: (n: string, prefix: boolean) => isDNS1123Subdomain(prefix ? `${n}a` : n) };
  let printer: ReturnType<typeof customResourceTablePrinter> | undefined;
  let applyType: ReturnType<typeof typeForCustomSchema> | undefined;

  /** Stored or converted objects: coerced and pruned of fields the schema lost, then defaulted (upstream's storage decoder). */
  const settle = (o: KubeObject): KubeObject => {
    decodeStoredCustomResource(o, schema, preserveUnknownFields);
    if (o.metadata.generation === undefined) o.metadata.generation = 1;
    defaultCustomResource(o, schema);
    return o;
  };

  // A schema error blocks the CEL rules, which would only fail on the same values (upstream's hasBlockingErr);
  // a schema without rules has no CEL validator, so nothing is reported as unchecked.
  const hasRules = schemaHas(schema, hasXValidations);
  const withRules = (causes: StatusCause[], obj: KubeObject, old: KubeObject | undefined): StatusCause[] => {
    if (!hasRules) return causes;
    return hasBlockingError(causes) ? [...causes, RULES_NOT_CHECKED] : [...causes, ...validateCustomResourceRules(schema, obj, old)];
  };

  const validateCommon = (obj: KubeObject, old: KubeObject | null): StatusCause[] => {
    const causes = [
      ...(old ? validateObjectMetaUpdate(obj.metadata, old.metadata, 'metadata', false) : validateObjectMeta(obj.metadata, metaRules)),
      ...validateCustomResource(obj, schema, old ? { old } : undefined),
      ...(scale ? scaleCauses(obj, scale, 'spec') : []),
      ...(scale ? scaleCauses(obj, scale, 'status') : []),
    ];
    return withRules(causes, obj, old ?? undefined);
  };

  const type: CustomType = {
    crdName: crd.metadata.name ?? '',
    crdUID: crd.metadata.uid ?? '',
    established: conditionTrue(crd, 'Established'),
    terminating: conditionTrue(crd, 'Terminating'),
    ...(v.deprecated ? { deprecationWarning: v.deprecationWarning ?? `${apiVersion} ${kind} is deprecated` } : {}),
    hasStatus: v.subresources?.status !== undefined,
    ...(scale ? { scale } : {}),
    validateFieldSelector: selector => validateCustomResourceFieldSelector(v, selector, namespaced),
    decode(body, mode) {
      // Decode errors first, then what pruning found unknown (upstream's schemaCoercingDecoder).
      const decodeProblems = mode === 'Ignore' ? [] : untypedStrictErrors(body);
      const obj = structuredClone(body) as KubeObject;
      const { error, unknownFields } = decodeCustomResource(obj, schema, { preserveUnknownFields });
      if (error) throw errors.badRequest(error);
      if (!(obj.metadata && typeof obj.metadata === 'object')) obj.metadata = {};
      const problems = [...decodeProblems, ...unknownFields.map(p => `unknown field ${JSON.stringify(p)}`)];
      // transformDecodeError names the kinds, as for built-in types.
      if (mode === 'Strict' && problems.length > 0) throw errors.badRequest(`${kind} in version "${v.name}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
      return { obj, warnings: mode === 'Warn' ? problems : [] };
    },
    applyDefaults: obj => defaultCustomResource(obj, schema),
    validateCreate(obj) {
      const meta = typeMetaCauses(obj, apiVersion, kind);
      return meta.length > 0 ? meta : validateCommon(obj, null);
    },
    validateUpdate(obj, old) {
      const meta = typeMetaCauses(obj, apiVersion, kind);
      return meta.length > 0 ? meta : validateCommon(obj, old);
    },
    validateStatusUpdate(obj, old) {
      const meta = typeMetaCauses(obj, apiVersion, kind);
      if (meta.length > 0) return meta;
      const causes = [
        ...validateObjectMetaUpdate(obj.metadata, old.metadata, 'metadata', false),
        ...(obj['status'] !== undefined ? validateCustomResource(obj, schema, { old }) : []),
        ...(scale ? scaleCauses(obj, scale, 'status') : []),
      ];
      return withRules(causes, obj, old);
    },
    warnings: (obj, old) => finalizerWarnings(obj, old),
    conversionCacheable: crd.spec.conversion?.strategy !== 'Webhook',
    async fromStorage(objs) {
      const converted = await deps.converter(objs.map(o => (o.apiVersion ? o : { ...o, apiVersion: storageApiVersion })), apiVersion);
      return converted.map(settle);
    },
    async toStorage(obj) {
      const [stored] = await deps.converter([obj], storageApiVersion);
      return stored!;
    },
    convert: (objs, toVersion) => deps.converter(objs, toVersion),
    tablePrinter: () => (printer ??= customResourceTablePrinter(v)),
    fieldSet: obj => customResourceFieldSet(v, obj, namespaced),
    applyType: () => (applyType ??= typeForCustomSchema(schema)),
  };
  return type;
}

/** The catalog entries of a CRD: one per served version, the group's preferred first by priority. */
export function customResourceInfos(crd: CustomResourceDefinition, deps: CustomTypeDeps, preferredVersion: string): ResourceInfo[] {
  const group = crd.spec.group;
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const storage = crd.spec.versions.find(v => v.storage)?.name ?? '';
  const terminating = conditionTrue(crd, 'Terminating');
  return crd.spec.versions.filter(v => v.served).map(v => {
    const subresources: SubresourceInfo[] = [];
    if (v.subresources?.scale) subresources.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: SUBRESOURCE_VERBS });
    if (v.subresources?.status) subresources.push({ name: 'status', kind: names.kind, verbs: SUBRESOURCE_VERBS });
    return {
      group,
      version: v.name,
      resource: names.plural,
      singularName: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      namespaced: crd.spec.scope === 'Namespaced',
      verbs: terminating ? TERMINATING_VERBS : VERBS,
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      storageVersionHash: storageVersionHash(group, storage, crd.spec.names.kind),
      subresources,
      etcdPath: `${group}/${crd.spec.names.plural}`,
      storageVersion: storage,
      definition: '',
      preferred: v.name === preferredVersion,
      custom: versionType(crd, v, deps),
    };
  });
}

// CustomResourceDefinition validation (apiextensions-apiserver pkg/apis/apiextensions/validation).
// Upstream validates the internal type, v1beta1's shape: a schema, subresources or printer columns
// shared by all versions sit at spec.validation / spec.subresources / spec.additionalPrinterColumns,
// so a v1 object is converted first and the field paths come out as upstream prints them.
import { crdV1ToV1beta1 } from '../../api/conversion/crd.js';
import type { KubeObject } from '../../api/types.js';
import { fe, list, obj, objs, path, str, strMap, type Causes, type Obj } from '../../api/validation/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/metadata.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain, type NameFn } from '../../api/validation/names.js';
import { hasUnprunedDefaults } from '../schema/default-validation.js';
import type { JSONSchemaProps } from '../types.js';
import { caBundleError, hasAcceptedReviewVersionOrEmpty, validateConversion } from './conversion.js';
import { validateColumns, validateNames, validateSubresources } from './names.js';
import { validateMapListKeysMapSet, OPENAPI_V3_TYPES } from './openapi.js';
import { validateCustomResourceValidation, type CrdRules, type ValidateOptions } from './schema.js';
import { schemaHas, schemaOf } from './schema-walk.js';
import { isNonStructural } from './structural.js';
import {
  allIdentical, goVersions, hasPerVersion, hasPerVersionColumns, schemaOfValidation, validateSelectable, validateStoredVersions, validateVersion,
} from './versions.js';

export type { ValidateOptions } from './schema.js';

const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

/** The internal (v1beta1-shaped) form of a CRD as served at v1 or stored at v1beta1. */
function internal(crd: KubeObject): Obj {
  return (crd.apiVersion === 'apiextensions.k8s.io/v1beta1' ? crd : crdV1ToV1beta1(crd)) as Obj;
}

const specOf = (crd: Obj) => obj(crd['spec']) ?? {};
const statusOf = (crd: Obj) => obj(crd['status']) ?? {};

/** Every openAPIV3Schema of a spec (the shared one, then each version's). */
function specSchemas(spec: Obj): JSONSchemaProps[] {
  const out = [schemaOfValidation(spec['validation'])];
  for (const v of objs(spec['versions'])) out.push(schemaOfValidation(v['schema']));
  return out.filter((s): s is JSONSchemaProps => s !== undefined);
}

const specHas = (spec: Obj, pred: (s: JSONSchemaProps) => boolean) => specSchemas(spec).some(s => schemaHas(s, pred));

const hasKubernetesExtensions = (s: JSONSchemaProps) =>
  s['x-kubernetes-embedded-resource'] === true || (s['x-kubernetes-preserve-unknown-fields'] !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== null) ||
  s['x-kubernetes-int-or-string'] === true || (s['x-kubernetes-list-map-keys']?.length ?? 0) > 0 ||
  typeof s['x-kubernetes-list-type'] === 'string' || (s['x-kubernetes-validations']?.length ?? 0) > 0;

function hasNonAtomicSetType(s: JSONSchemaProps): boolean {
  const items = schemaOf(s.items);
  if (s['x-kubernetes-list-type'] !== 'set' || !items) return false;
  if (items.type === 'array') return typeof items['x-kubernetes-list-type'] === 'string' && items['x-kubernetes-list-type'] !== 'atomic';
  if (items.type === 'object') return items['x-kubernetes-map-type'] !== 'atomic';
  return false;
}

const preserveUnknown = (spec: Obj): boolean | undefined => (typeof spec['preserveUnknownFields'] === 'boolean' ? spec['preserveUnknownFields'] : undefined);

function allVersionsHaveSchema(spec: Obj): boolean {
  if (schemaOfValidation(spec['validation'])) return true;
  return objs(spec['versions']).every(v => schemaOfValidation(v['schema']) !== undefined);
}

function hasStatus(subresources: unknown): boolean {
  const s = obj(subresources)?.['status'];
  return s !== undefined && s !== null;
}

function subresourcesForVersion(spec: Obj, versions: Obj[], name: string): unknown {
  if (!hasPerVersion(versions, 'subresources')) return spec['subresources'];
  return versions.find(v => str(v['name']) === name)?.['subresources'];
}

function validateGroup(group: string): Causes {
  if (group === '') return [fe.required('spec.group')];
  const errs = isDNS1123Subdomain(group);
  if (errs.length > 0) return [fe.invalid('spec.group', group, errs.join(','))];
  if (group.split('.').length < 2) return [fe.invalid('spec.group', group, 'should be a domain with at least one dot')];
  return [];
}

function validateVersionsList(spec: Obj, versions: Obj[], rules: CrdRules): Causes {
  const out: Causes = [];
  const names = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const at = path.index('spec.versions', i);
    const name = str(v['name']);
    if (names.has(name)) unique = false;
    names.add(name);
    const errs = isDNS1035Label(name);
    if (errs.length > 0) out.push(fe.invalid(path.child(at, 'name'), name, errs.join(',')));
    out.push(...validateVersion(v, at, hasStatus(subresourcesForVersion(spec, versions, name)), rules));
  });
  const present = (x: unknown) => x !== undefined && x !== null;
  if (present(spec['validation']) && hasPerVersion(versions, 'schema')) out.push(fe.forbidden('spec.validation', 'top-level and per-version schemas are mutually exclusive'));
  if (present(spec['subresources']) && hasPerVersion(versions, 'subresources')) out.push(fe.forbidden('spec.subresources', 'top-level and per-version subresources are mutually exclusive'));
  if (list(spec['additionalPrinterColumns']).length > 0 && hasPerVersionColumns(versions)) {
    out.push(fe.forbidden('spec.additionalPrinterColumns', 'top-level and per-version additionalPrinterColumns are mutually exclusive'));
  }
  const all = goVersions(spec['versions']);
  if (allIdentical(versions, 'schema')) out.push(fe.invalid('spec.versions', all, 'per-version schemas may not all be set to identical values (top-level validation should be used instead)'));
  if (allIdentical(versions, 'subresources')) out.push(fe.invalid('spec.versions', all, 'per-version subresources may not all be set to identical values (top-level subresources should be used instead)'));
  if (allIdentical(versions, 'additionalPrinterColumns')) {
    out.push(fe.invalid('spec.versions', all, 'per-version additionalPrinterColumns may not all be set to identical values (top-level additionalPrinterColumns should be used instead)'));
  }
  if (!unique) out.push(fe.invalid('spec.versions', all, 'must contain unique version names'));
  if (versions.filter(v => v['storage'] === true).length !== 1) out.push(fe.invalid('spec.versions', all, 'must have exactly one version marked as storage version'));
  const version = str(spec['version']);
  if (version !== '') {
    const errs = isDNS1035Label(version);
    if (errs.length > 0) out.push(fe.invalid('spec.version', version, errs.join(',')));
    if (versions.length >= 1 && str(versions[0]?.['name']) !== version) out.push(fe.invalid('spec.version', version, 'must match the first version in spec.versions'));
  }
  return out;
}

/** validateCustomResourceDefinitionSpec. */
function validateSpec(spec: Obj, baseRules: CrdRules): Causes {
  const rules = { ...baseRules };
  const out = validateGroup(str(spec['group']));
  const scope = str(spec['scope']);
  if (scope === '') out.push(fe.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') out.push(fe.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  const preserve = preserveUnknown(spec);
  // Pruning needs a structural schema.
  if (preserve !== true) rules.requireStructuralSchema = true;
  const versions = objs(spec['versions']);
  if (rules.requireOpenAPISchema) {
    if (!schemaOfValidation(spec['validation'])) {
      versions.forEach((v, i) => {
        if (!schemaOfValidation(v['schema'])) out.push(fe.required(path.child(path.index('spec.versions', i), 'schema', 'openAPIV3Schema'), 'schemas are required'));
      });
    }
  } else if (preserve !== true && !schemaOfValidation(spec['validation'])) {
    versions.forEach((v, i) => {
      if (v['served'] === true && !schemaOfValidation(v['schema'])) out.push(fe.required(path.child(path.index('spec.versions', i), 'schema', 'openAPIV3Schema'), 'because otherwise all fields are pruned'));
    });
  }
  if (specHas(spec, s => s.default !== undefined && s.default !== null)) {
    rules.requireStructuralSchema = true;
    if (preserve !== false) out.push(fe.invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }
  if (specHas(spec, hasKubernetesExtensions)) rules.requireStructuralSchema = true;

  out.push(...validateVersionsList(spec, versions, rules));
  const names = obj(spec['names']) ?? {};
  for (const key of ['plural', 'singular', 'kind', 'listKind']) if (str(names[key]) === '') out.push(fe.required(`spec.names.${key}`));
  out.push(...validateNames(names, 'spec.names'));
  const anyStatus = hasStatus(spec['subresources']) || versions.some(v => hasStatus(v['subresources']));
  out.push(...validateCustomResourceValidation(spec['validation'], anyStatus, rules, 'spec.validation'));
  out.push(...validateSubresources(spec['subresources'], 'spec.subresources'));
  out.push(...validateColumns(spec['additionalPrinterColumns'], 'spec.additionalPrinterColumns'));
  if (list(spec['selectableFields']).length > 0 && (spec['validation'] === undefined || spec['validation'] === null)) {
    out.push(fe.invalid('spec.selectableFields', '', 'selectableFields may only be set when validations.schema is included'));
  } else {
    out.push(...validateSelectable(spec['selectableFields'], spec['validation'], 'spec', ''));
  }
  const conversion = obj(spec['conversion']);
  const strategy = str(conversion?.['strategy']);
  if (conversion && strategy !== 'None' && preserve !== false) {
    out.push(fe.invalid('spec.conversion.strategy', strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  out.push(...validateConversion(spec['conversion'], rules.requireRecognizedConversionReviewVersion, rules.allowInvalidCABundle, 'spec.conversion'));
  return out;
}

/** validateAPIApproval: groups under k8s.io and kubernetes.io need the approval annotation. */
function approvalState(annotations: Record<string, string>): { state: string; reason: string } {
  const a = annotations[APPROVAL_ANNOTATION] ?? '';
  if (a === '') return { state: 'missing', reason: `protected groups must have approval annotation ${JSON.stringify(APPROVAL_ANNOTATION)}, see https://github.com/kubernetes/enhancements/pull/1111` };
  if (a.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: ${JSON.stringify(a)}` };
  // url.ParseRequestURI needs an absolute URL or path; a scheme and host make it an approval link.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s]+/.test(a)) return { state: 'approved', reason: `approved in ${a}` };
  return {
    state: 'invalid',
    reason: `protected groups must have approval annotation ${JSON.stringify(APPROVAL_ANNOTATION)} with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
  };
}

function validateAPIApproval(crd: Obj, old: Obj | undefined): Causes {
  const group = str(specOf(crd)['group']);
  const isProtected = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!isProtected) return [];
  const annotations = strMap(obj(crd['metadata'])?.['annotations']);
  const now = approvalState(annotations);
  if (old && approvalState(strMap(obj(old['metadata'])?.['annotations'])).state === now.state) return [];
  const at = path.key('metadata.annotations', APPROVAL_ANNOTATION);
  if (now.state === 'missing') return [fe.required(at, now.reason)];
  if (now.state === 'invalid') return [fe.invalid(at, annotations[APPROVAL_ANNOTATION] ?? '', now.reason)];
  return [];
}

function validatePreserveUnknownFields(crd: Obj, old: Obj | undefined): Causes {
  // CRDs stored with preserveUnknownFields keep it.
  if (old && preserveUnknown(specOf(old)) === true) return [];
  if (preserveUnknown(specOf(crd)) !== true) return [];
  return [fe.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
}

function validateStatusParts(crd: Obj): Causes {
  return [
    ...validateNames(statusOf(crd)['acceptedNames'], 'status.acceptedNames'),
    ...validateStoredVersions(statusOf(crd)['storedVersions'], objs(specOf(crd)['versions']), 'status.storedVersions'),
  ];
}

const createRules = (opts: ValidateOptions): CrdRules => ({
  requireRecognizedConversionReviewVersion: true,
  requireImmutableNames: false,
  requireOpenAPISchema: true,
  requireValidPropertyType: true,
  requireStructuralSchema: true,
  requirePrunedDefaults: true,
  requireAtomicSetType: true,
  requireMapListKeysMapSetValidation: true,
  // A CRD that is not established yet may carry any CA bundle.
  allowInvalidCABundle: true,
  ...(opts.celRules ? { celRules: opts.celRules } : {}),
});

export function validateCustomResourceDefinition(crd: KubeObject, opts: ValidateOptions = {}): Causes {
  const o = internal(crd);
  const spec = specOf(o);
  const required = `${str(obj(spec['names'])?.['plural'])}.${str(spec['group'])}`;
  const nameFn: NameFn = (name, prefix) => [...nameIsDNSSubdomain(name, prefix), ...(name !== required ? ['must be spec.names.plural+"."+spec.group'] : [])];
  return [
    ...validateObjectMeta(o['metadata'], { namespaced: false, nameFn, kubeFinalizers: false }),
    ...validateSpec(spec, createRules(opts)),
    ...validateStatusParts(o),
    ...validateAPIApproval(o, undefined),
    ...validatePreserveUnknownFields(o, undefined),
  ];
}

function isEstablished(crd: Obj): boolean {
  return objs(statusOf(crd)['conditions']).some(c => c['type'] === 'Established' && c['status'] === 'True');
}

/** Rules relaxed where the stored CRD already breaks them, so old objects stay updatable. */
function updateRules(old: Obj, opts: ValidateOptions): CrdRules {
  const spec = specOf(old);
  const conversion = obj(spec['conversion']);
  const cc = obj(conversion?.['webhookClientConfig']);
  const oldBundle = Buffer.from(str(cc?.['caBundle']), 'base64');
  return {
    ...createRules(opts),
    requireRecognizedConversionReviewVersion: !conversion || hasAcceptedReviewVersionOrEmpty(conversion['conversionReviewVersions']),
    requireImmutableNames: isEstablished(old),
    requireOpenAPISchema: allVersionsHaveSchema(spec),
    requireValidPropertyType: !specHas(spec, s => typeof s.type === 'string' && s.type !== '' && !OPENAPI_V3_TYPES.includes(s.type)),
    requireStructuralSchema: !specSchemas(spec).some(isNonStructural),
    requirePrunedDefaults: !specSchemas(spec).some(s => !isNonStructural(s) && schemaHas(s, d => d.default !== undefined && d.default !== null) && hasUnprunedDefaults(s)),
    requireAtomicSetType: !specHas(spec, hasNonAtomicSetType),
    requireMapListKeysMapSetValidation: !specHas(spec, s => validateMapListKeysMapSet(s, '').length > 0),
    allowInvalidCABundle: !isEstablished(old) || (oldBundle.length > 0 && caBundleError(oldBundle) !== undefined),
  };
}

function immutable(at: string, now: unknown, before: unknown): Causes {
  return now === before ? [] : [fe.invalid(at, now, 'field is immutable')];
}

export function validateCustomResourceDefinitionUpdate(crd: KubeObject, old: KubeObject, opts: ValidateOptions = {}): Causes {
  const o = internal(crd);
  const p = internal(old);
  const spec = specOf(o);
  const oldSpec = specOf(p);
  const rules = updateRules(p, opts);
  const names = obj(spec['names']) ?? {};
  const oldNames = obj(oldSpec['names']) ?? {};
  const out = [...validateObjectMetaUpdate(o['metadata'], p['metadata'], 'metadata', false), ...validateSpec(spec, rules)];
  if (rules.requireImmutableNames) {
    // Scope and kind shape the storage of an established CRD.
    out.push(...immutable('spec.scope', str(spec['scope']), str(oldSpec['scope'])));
    out.push(...immutable('spec.names.kind', str(names['kind']), str(oldNames['kind'])));
  }
  out.push(...immutable('spec.group', str(spec['group']), str(oldSpec['group'])));
  out.push(...immutable('spec.names.plural', str(names['plural']), str(oldNames['plural'])));
  return [...out, ...validateStatusParts(o), ...validateAPIApproval(o, p), ...validatePreserveUnknownFields(o, p)];
}

/** ValidateCustomResourceDefinitionStatus: the accepted names. */
export function validateCustomResourceDefinitionStatus(crd: KubeObject): Causes {
  return validateNames(statusOf(internal(crd))['acceptedNames'], 'status.acceptedNames');
}

/** ValidateUpdateCustomResourceDefinitionStatus, for the /status subresource. */
export function validateCustomResourceDefinitionStatusUpdate(crd: KubeObject, old: KubeObject): Causes {
  return [...validateObjectMetaUpdate(crd.metadata, old.metadata, 'metadata', false), ...validateCustomResourceDefinitionStatus(crd)];
}

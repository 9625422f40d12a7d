// apiextensions.k8s.io/v1 CustomResourceDefinition ↔ v1beta1, the version upstream stores CRDs at
// (test/integration/etcd/data.go expects apiextensions.k8s.io/v1beta1 in etcd). Both meet in the
// internal type, which is v1beta1's shape: per-version schema, subresources, printer columns and
// selectable fields move to the top level when every version has the same ones
// (apiextensions/v1/conversion.go), and back into each version on the way out.
import type { KubeObject } from '../types.js';
import { copySet, isObj, isUnset, objOf, objsOf, type Obj } from './json-fields.js';

/** The fields a v1 version carries that v1beta1 may hold once for all versions. */
type PerVersion = 'schema' | 'subresources' | 'additionalPrinterColumns' | 'selectableFields';

/**
 * apiequality.Semantic.DeepEqual over JSON: an absent, null or empty list equals another (Go's
 * nil and empty slices compare equal), an absent field equals a null one.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const nilish = (v: unknown) => isUnset(v) || (Array.isArray(v) && v.length === 0);
  if (nilish(a) || nilish(b)) return nilish(a) && nilish(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function columnToV1beta1(c: Obj): Obj {
  const { jsonPath, ...rest } = c;
  return jsonPath === undefined ? rest : { ...rest, JSONPath: jsonPath };
}

function columnToV1(c: Obj): Obj {
  const { JSONPath, ...rest } = c;
  return JSONPath === undefined ? rest : { ...rest, jsonPath: JSONPath };
}

/** A list field as Go's omitempty writes it: left out when nil or empty. */
function setList(out: Obj, key: string, list: unknown[] | undefined): void {
  if (list !== undefined && list.length > 0) out[key] = list;
}

function conversionToV1beta1(conversion: Obj): Obj {
  const out: Obj = {};
  copySet(out, 'strategy', conversion);
  const webhook = conversion['webhook'];
  if (isObj(webhook)) {
    copySet(out, 'webhookClientConfig', webhook, 'clientConfig');
    const versions = webhook['conversionReviewVersions'];
    if (Array.isArray(versions)) setList(out, 'conversionReviewVersions', versions);
  }
  return out;
}

function conversionToV1(conversion: Obj): Obj {
  const out: Obj = {};
  copySet(out, 'strategy', conversion);
  const clientConfig = conversion['webhookClientConfig'];
  const reviewVersions = conversion['conversionReviewVersions'];
  if (!isUnset(clientConfig) || !isUnset(reviewVersions)) {
    const webhook: Obj = {};
    if (!isUnset(clientConfig)) webhook['clientConfig'] = clientConfig;
    if (!isUnset(reviewVersions)) webhook['conversionReviewVersions'] = reviewVersions;
    out['webhook'] = webhook;
  }
  return out;
}

function specToV1beta1(spec: Obj): Obj {
  const versions = objsOf(spec['versions']);
  const out: Obj = {};
  copySet(out, 'group', spec);
  const first = versions[0];
  if (first !== undefined && typeof first['name'] === 'string' && first['name'] !== '') out['version'] = first['name'];
  copySet(out, 'names', spec);
  copySet(out, 'scope', spec);

  const identical = (field: PerVersion) => first !== undefined && versions.every(v => semanticEqual(v[field], first[field]));
  const hoisted = new Set<PerVersion>();
  if (identical('subresources')) hoisted.add('subresources');
  if (identical('schema')) hoisted.add('schema');
  if (identical('additionalPrinterColumns')) hoisted.add('additionalPrinterColumns');
  // Selectable fields name paths in the schema, so they only move up together with it.
  if (hoisted.has('schema') && identical('selectableFields')) hoisted.add('selectableFields');

  if (first !== undefined) {
    if (hoisted.has('schema')) copySet(out, 'validation', first, 'schema');
    if (hoisted.has('subresources')) copySet(out, 'subresources', first);
  }
  if (Array.isArray(spec['versions'])) {
    out['versions'] = versions.map(v => {
      const { schema, subresources, additionalPrinterColumns, selectableFields, ...rest } = v;
      const version: Obj = { ...rest };
      if (!hoisted.has('schema') && !isUnset(schema)) version['schema'] = schema;
      if (!hoisted.has('subresources') && !isUnset(subresources)) version['subresources'] = subresources;
      if (!hoisted.has('additionalPrinterColumns')) setList(version, 'additionalPrinterColumns', objsOf(additionalPrinterColumns).map(columnToV1beta1));
      if (!hoisted.has('selectableFields') && Array.isArray(selectableFields)) setList(version, 'selectableFields', selectableFields);
      return version;
    });
  }
  if (first !== undefined && hoisted.has('additionalPrinterColumns')) setList(out, 'additionalPrinterColumns', objsOf(first['additionalPrinterColumns']).map(columnToV1beta1));
  if (first !== undefined && hoisted.has('selectableFields') && Array.isArray(first['selectableFields'])) setList(out, 'selectableFields', first['selectableFields']);
  if (isObj(spec['conversion'])) out['conversion'] = conversionToV1beta1(spec['conversion']);
  // v1's false is explicit in v1beta1, whose default (on decode) would be true.
  out['preserveUnknownFields'] = spec['preserveUnknownFields'] === true;
  return out;
}

function specToV1(spec: Obj): Obj {
  const out: Obj = {};
  copySet(out, 'group', spec);
  copySet(out, 'names', spec);
  copySet(out, 'scope', spec);
  let versions: Obj[] | undefined;
  if (Array.isArray(spec['versions']) && spec['versions'].length > 0) {
    versions = objsOf(spec['versions']).map(v => {
      const { additionalPrinterColumns, ...rest } = v;
      const version: Obj = { ...rest };
      if (Array.isArray(additionalPrinterColumns)) setList(version, 'additionalPrinterColumns', objsOf(additionalPrinterColumns).map(columnToV1));
      return version;
    });
  } else if (typeof spec['version'] === 'string' && spec['version'] !== '') {
    versions = [{ name: spec['version'], served: true, storage: true }];
  }
  if (versions !== undefined) {
    const topColumns = spec['additionalPrinterColumns'];
    for (const version of versions) {
      if (!isUnset(spec['subresources'])) version['subresources'] = structuredClone(spec['subresources']);
      if (!isUnset(spec['validation'])) version['schema'] = structuredClone(spec['validation']);
      if (Array.isArray(topColumns)) {
        delete version['additionalPrinterColumns'];
        setList(version, 'additionalPrinterColumns', objsOf(topColumns).map(columnToV1));
      }
      if (Array.isArray(spec['selectableFields'])) {
        delete version['selectableFields'];
        setList(version, 'selectableFields', structuredClone(spec['selectableFields']));
      }
    }
    out['versions'] = versions;
  }
  if (isObj(spec['conversion'])) out['conversion'] = conversionToV1(spec['conversion']);
  if (spec['preserveUnknownFields'] === true) out['preserveUnknownFields'] = true;
  return out;
}

function build(crd: KubeObject, apiVersion: string, spec: Obj): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'CustomResourceDefinition', metadata: { ...crd.metadata }, spec };
  if (crd['status'] !== undefined) out['status'] = crd['status'];
  return out;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition as the v1beta1 object upstream stores. */
export function crdV1ToV1beta1(crd: KubeObject): KubeObject {
  return build(crd, 'apiextensions.k8s.io/v1beta1', specToV1beta1(objOf(crd['spec'])));
}

/** A stored v1beta1 CustomResourceDefinition as served at apiextensions.k8s.io/v1. */
export function crdV1beta1ToV1(crd: KubeObject): KubeObject {
  return build(crd, 'apiextensions.k8s.io/v1', specToV1(objOf(crd['spec'])));
}

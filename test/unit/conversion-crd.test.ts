// apiextensions.k8s.io/v1 CustomResourceDefinitions are stored as v1beta1, whose top level holds
// what every version shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalog } from '../../src/api/catalog.js';
import { fromStorage, needsConversion, toStorage } from '../../src/api/conversion/index.js';
import type { ResourceInfo } from '../../src/api/resource-info.js';
import type { KubeObject } from '../../src/api/types.js';

/** Frozen inputs prove the converters never modify them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function info(): ResourceInfo {
  const r = builtinCatalog().lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  assert.ok(r);
  return r;
}

const metadata = { name: 'widgets.example.com', uid: '9d1e', resourceVersion: '77', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' };
const names = { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] };
const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 } } } } } };
const status = {
  conditions: [{ type: 'Established', status: 'True', lastTransitionTime: '2024-05-01T10:00:01Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }],
  acceptedNames: names,
  storedVersions: ['v1'],
};
const webhook = { service: { namespace: 'system', name: 'conv', path: '/convert', port: 443 }, caBundle: 'Y2E=' };

const sharedV1: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata,
  spec: {
    group: 'example.com',
    names,
    scope: 'Namespaced',
    versions: ['v1', 'v1alpha1'].map(name => ({
      name, served: true, storage: name === 'v1',
      schema,
      subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
      additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      selectableFields: [{ jsonPath: '.spec.size' }],
    })),
    conversion: { strategy: 'Webhook', webhook: { clientConfig: webhook, conversionReviewVersions: ['v1'] } },
  },
  status,
};

const sharedV1beta1: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1beta1',
  kind: 'CustomResourceDefinition',
  metadata,
  spec: {
    group: 'example.com',
    version: 'v1',
    names,
    scope: 'Namespaced',
    validation: schema,
    subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
    versions: [{ name: 'v1', served: true, storage: true }, { name: 'v1alpha1', served: true, storage: false }],
    additionalPrinterColumns: [{ name: 'Size', type: 'integer', JSONPath: '.spec.size' }],
    selectableFields: [{ jsonPath: '.spec.size' }],
    conversion: { strategy: 'Webhook', webhookClientConfig: webhook, conversionReviewVersions: ['v1'] },
    preserveUnknownFields: false,
  },
  status,
};

test('CRDs are served at v1 and stored at v1beta1', () => {
  assert.equal(info().storageVersion, 'v1beta1');
  assert.equal(needsConversion(info()), true);
});

test('fields every version shares move to the v1beta1 top level, and back into each version', () => {
  assert.deepEqual(toStorage(info(), deepFreeze(structuredClone(sharedV1))), sharedV1beta1);
  assert.deepEqual(fromStorage(info(), deepFreeze(structuredClone(sharedV1beta1))), sharedV1);
});

test('per-version fields that differ stay per version; selectable fields stay with their schema', () => {
  const otherSchema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  const v1: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata,
    spec: {
      group: 'example.com', names, scope: 'Cluster', preserveUnknownFields: true,
      versions: [
        { name: 'v2', served: true, storage: true, schema, selectableFields: [{ jsonPath: '.spec.size' }], additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 }] },
        { name: 'v1', served: false, storage: false, deprecated: true, deprecationWarning: 'use v2', schema: otherSchema, selectableFields: [{ jsonPath: '.spec.size' }] },
      ],
    },
  };
  const stored = toStorage(info(), deepFreeze(v1));
  assert.deepEqual(stored['spec'], {
    group: 'example.com', version: 'v2', names, scope: 'Cluster',
    versions: [
      { name: 'v2', served: true, storage: true, schema, additionalPrinterColumns: [{ name: 'Size', type: 'integer', priority: 1, JSONPath: '.spec.size' }], selectableFields: [{ jsonPath: '.spec.size' }] },
      { name: 'v1', served: false, storage: false, deprecated: true, deprecationWarning: 'use v2', schema: otherSchema, selectableFields: [{ jsonPath: '.spec.size' }] },
    ],
    preserveUnknownFields: true,
  });
  assert.deepEqual(fromStorage(info(), stored), v1);
});

test('a legacy v1beta1 CRD with only spec.version reads as one served, stored version', () => {
  const legacy: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'CustomResourceDefinition', metadata,
    spec: { group: 'example.com', version: 'v1', names, scope: 'Namespaced', validation: schema, conversion: { strategy: 'None' } },
  };
  assert.deepEqual(fromStorage(info(), legacy)['spec'], {
    group: 'example.com', names, scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema }],
    conversion: { strategy: 'None' },
  });
});

// The shapes of meta.k8s.io Table and PartialObjectMetadata[List] responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import {
  parseIncludeObject, tableColumns, tableRow, toPartialObjectMetadata, toPartialObjectMetadataList, toTable,
} from '../../src/endpoints/table.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const NS = { group: '', version: 'v1', resource: 'namespaces' };

function ns(name: string, rv: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, uid: `uid-${name}`, resourceVersion: rv, creationTimestamp: '2024-05-01T11:58:05Z', labels: { 'kubernetes.io/metadata.name': name }, generation: 0 },
    spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
  };
}

test('includeObject=Metadata: rows carry PartialObjectMetadata; a list carries its list metadata', () => {
  const t = toTable(NS, [ns('default', '5'), ns('kube-system', '7')], { includeObject: 'Metadata', listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 }, now: NOW });
  assert.deepEqual(JSON.parse(JSON.stringify(t)), {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the object, unique within its namespace.', priority: 0 },
      { name: 'Status', type: 'string', format: '', description: '', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Time since the object was created.', priority: 0 },
    ],
    rows: [
      {
        cells: ['default', 'Active', '115s'],
        object: {
          kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
          metadata: { name: 'default', uid: 'uid-default', resourceVersion: '5', creationTimestamp: '2024-05-01T11:58:05Z', labels: { 'kubernetes.io/metadata.name': 'default' } },
        },
      },
      {
        cells: ['kube-system', 'Active', '115s'],
        object: {
          kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
          metadata: { name: 'kube-system', uid: 'uid-kube-system', resourceVersion: '7', creationTimestamp: '2024-05-01T11:58:05Z', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        },
      },
    ],
  });
});

test('includeObject=None and Object; a single object gives the table its resourceVersion', () => {
  const none = toTable(NS, [ns('default', '5')], { includeObject: 'None', now: NOW });
  assert.deepEqual(none.metadata, { resourceVersion: '5' });
  const rows = none.rows as { object: unknown }[];
  assert.equal(rows[0]!.object, null);
  assert.ok(JSON.stringify(none).includes('"object":null'));
  const full = toTable(NS, [ns('default', '5')], { includeObject: 'Object', now: NOW });
  assert.deepEqual((full.rows as { object: unknown }[])[0]!.object, ns('default', '5'));
});

test('an empty list has no rows and keeps its list metadata', () => {
  const t = toTable(NS, [], { includeObject: 'Metadata', listMeta: { resourceVersion: '9' }, now: NOW });
  assert.deepEqual(t.rows, []);
  assert.deepEqual(t.metadata, { resourceVersion: '9' });
  assert.deepEqual(toTable(NS, [], { includeObject: 'Metadata', now: NOW }).metadata, {});
});

test('noHeaders leaves columnDefinitions null (watch events after the first)', () => {
  const t = toTable(NS, [ns('a', '1')], { includeObject: 'None', noHeaders: true, now: NOW });
  assert.equal(t.columnDefinitions, null);
  assert.equal((t.rows as unknown[]).length, 1);
});

test('tableRow and tableColumns build the same table item by item', () => {
  const objects = [ns('a', '1'), ns('b', '2')];
  const whole = toTable(NS, objects, { includeObject: 'Metadata', now: NOW });
  assert.deepEqual(objects.map(o => tableRow(NS, o, 'Metadata', NOW)), whole.rows);
  assert.deepEqual(tableColumns(NS), whole.columnDefinitions);
});

test('pod rows carry conditions between cells and object', () => {
  const pod: KubeObject = { metadata: { name: 'p', resourceVersion: '3' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const r = tableRow({ group: '', version: 'v1', resource: 'pods' }, pod, 'None', NOW);
  assert.deepEqual(Object.keys(r), ['cells', 'conditions', 'object']);
  assert.deepEqual(r.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
});

test('resources without generated columns get Name and Created At', () => {
  const target = { group: 'example.com', version: 'v1', resource: 'widgets' };
  const t = toTable(target, [{ metadata: { name: 'w', creationTimestamp: '2024-05-01T10:00:00Z' } }], { includeObject: 'None', now: NOW });
  assert.deepEqual((t.columnDefinitions as { name: string; type: string }[]).map(c => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual((t.rows as { cells: unknown[] }[])[0]!.cells, ['w', '2024-05-01T10:00:00Z']);
});

test('flow schemas are listed in matching precedence order, as upstream sorts them', () => {
  const fs = (name: string, p: number): KubeObject => ({ metadata: { name }, spec: { matchingPrecedence: p, priorityLevelConfiguration: { name: 'x' } } });
  const t = toTable({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', resource: 'flowschemas' }, [fs('b', 10), fs('z', 1), fs('a', 10)], { includeObject: 'None', now: NOW });
  assert.deepEqual((t.rows as { cells: unknown[] }[]).map(r => r.cells[0]), ['z', 'a', 'b']);
});

test('PartialObjectMetadata and PartialObjectMetadataList', () => {
  const o = ns('default', '5');
  o.metadata.ownerReferences = [];
  o.metadata.deletionGracePeriodSeconds = 0;
  assert.deepEqual(toPartialObjectMetadata(o), {
    kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
    metadata: { name: 'default', uid: 'uid-default', resourceVersion: '5', creationTimestamp: '2024-05-01T11:58:05Z', deletionGracePeriodSeconds: 0, labels: { 'kubernetes.io/metadata.name': 'default' } },
  });
  assert.deepEqual(toPartialObjectMetadata({ metadata: { name: 'x' } }, 'v1beta1'), { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: { name: 'x', creationTimestamp: null } });
  const list = toPartialObjectMetadataList([ns('a', '1'), ns('b', '2')], { resourceVersion: '10', continue: 'c' });
  assert.equal(list.kind, 'PartialObjectMetadataList');
  assert.equal(list.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(list.metadata, { resourceVersion: '10', continue: 'c' });
  assert.deepEqual((list.items as { metadata: { name: string } }[]).map(i => i.metadata.name), ['a', 'b']);
  assert.deepEqual(toPartialObjectMetadataList([], {}).items, []);
});

test('the includeObject parameter', () => {
  assert.equal(parseIncludeObject(undefined), 'Metadata');
  assert.equal(parseIncludeObject(''), 'Metadata');
  assert.equal(parseIncludeObject('None'), 'None');
  assert.equal(parseIncludeObject('Object'), 'Object');
  assert.throws(() => parseIncludeObject('All'), (e: unknown) => e instanceof ApiError && e.code === 400
    && e.message === `Unable to convert to Table as requested: includeObject: Invalid value: "All": must be 'Metadata', 'Object', 'None', or empty`);
});

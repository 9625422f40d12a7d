// Table output of custom resources: upstream's CRD table convertor columns and cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../src/api/types.js';
import { customResourceScaleTablePrinter, customResourceTable, customResourceTablePrinter } from '../../src/apiextensions/table.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionVersion } from '../../src/apiextensions/types.js';
import { toTable } from '../../src/endpoints/table.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const FIVE_MINUTES_AGO = '2024-05-01T11:55:00Z';
const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);
const CERTIFICATES = resolve(repoRoot, '../shared/crds/cert-manager-v1.19.6/cert-manager.io_certificates.yaml');

function version(columns?: CustomResourceColumnDefinition[]): CustomResourceDefinitionVersion {
  return { name: 'v1', served: true, storage: true, ...(columns ? { additionalPrinterColumns: columns } : {}) };
}

function widget(extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1', kind: 'Widget',
    metadata: { name: 'w1', namespace: 'default', creationTimestamp: FIVE_MINUTES_AGO, ...metadata },
    ...extra,
  };
}

/** The cells of `o` under one column of the given type and path. */
function cellOf(type: string, jsonPath: string, o: KubeObject): unknown {
  const p = customResourceTablePrinter(version([{ name: 'C', type, jsonPath }]));
  return p.cells(o, { now: NOW })[1];
}

test('cert-manager Certificate: columns and cells from its CRD', t => {
  if (!existsSync(CERTIFICATES)) {
    t.skip(`${CERTIFICATES} is absent`);
    return;
  }
  const crd = parseYaml(readFileSync(CERTIFICATES, 'utf8')) as CustomResourceDefinition;
  const v1 = crd.spec.versions.find(v => v.name === 'v1')!;
  const p = customResourceTablePrinter(v1);
  assert.deepEqual(p.columns.map(c => [c.name, c.type, c.format, c.priority]), [
    ['Name', 'string', 'name', 0],
    ['Ready', 'string', '', 0],
    ['Secret', 'string', '', 0],
    ['Issuer', 'string', '', 1],
    ['Status', 'string', '', 1],
    ['Age', 'date', '', 0],
  ]);
  assert.equal(p.columns[1]!.description, 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type == "Ready")].status');
  assert.match(p.columns[5]!.description, /^CreationTimestamp is a timestamp representing the server time/);

  const cert: KubeObject = {
    apiVersion: 'cert-manager.io/v1', kind: 'Certificate',
    metadata: { name: 'web-tls', namespace: 'default', creationTimestamp: FIVE_MINUTES_AGO },
    spec: { secretName: 'web-tls-secret', issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    status: {
      conditions: [
        { type: 'Issuing', status: 'False', message: 'not now' },
        { type: 'Ready', status: 'True', message: 'Certificate is up to date and has not expired' },
      ],
    },
  };
  assert.deepEqual(p.cells(cert, { now: NOW }), ['web-tls', 'True', 'web-tls-secret', 'letsencrypt', 'Certificate is up to date and has not expired', '5m']);
  // Not yet reconciled: no status, so Ready and Status are nil cells.
  const fresh: KubeObject = { ...cert, status: undefined };
  assert.deepEqual(p.cells(fresh, { now: NOW }), ['web-tls', null, 'web-tls-secret', 'letsencrypt', null, '5m']);
  assert.equal(p.conditions(cert), undefined);
});

test('a version without printer columns is served Name and Age', () => {
  const p = customResourceTablePrinter(version());
  assert.deepEqual(p.columns.map(c => ({ ...c, description: c.description.slice(0, 20) })), [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique ', priority: 0 },
    { name: 'Age', type: 'date', format: '', description: 'CreationTimestamp is', priority: 0 },
  ]);
  assert.deepEqual(p.cells(widget(), { now: NOW }), ['w1', '5m']);
  assert.deepEqual(p.cells(widget({}, { creationTimestamp: undefined }), { now: NOW }), ['w1', null]);
  // An empty list of columns is the same as none.
  assert.deepEqual(customResourceTablePrinter(version([])).columns.map(c => c.name), ['Name', 'Age']);
});

test('column headers keep type, format, priority and description', () => {
  const p = customResourceTablePrinter(version([
    { name: 'Replicas', type: 'integer', format: 'int32', priority: 2, description: 'How many', jsonPath: '.spec.replicas' },
    { name: 'Color', type: 'string', jsonPath: '.spec.color' },
  ]));
  assert.deepEqual(p.columns.slice(1), [
    { name: 'Replicas', type: 'integer', format: 'int32', description: 'How many', priority: 2 },
    { name: 'Color', type: 'string', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.color', priority: 0 },
  ]);
  // The upstream default Age column is not added when columns are declared.
  assert.equal(p.columns.length, 3);
});

test('integer and number cells', () => {
  const o = widget({ spec: { i: 3, f: 2.7, s: '3', neg: -2.7 } });
  assert.equal(cellOf('integer', '.spec.i', o), 3);
  assert.equal(cellOf('integer', '.spec.f', o), 2);
  assert.equal(cellOf('integer', '.spec.neg', o), -2);
  assert.equal(cellOf('integer', '.spec.s', o), null);
  assert.equal(cellOf('number', '.spec.i', o), 3);
  assert.equal(cellOf('number', '.spec.f', o), 2.7);
  assert.equal(cellOf('number', '.spec.s', o), null);
});

test('boolean cells', () => {
  const o = widget({ spec: { on: true, off: false, text: 'true' } });
  assert.equal(cellOf('boolean', '.spec.on', o), true);
  assert.equal(cellOf('boolean', '.spec.off', o), false);
  assert.equal(cellOf('boolean', '.spec.text', o), null);
});

test('string cells print any value; lists and maps as JSON', () => {
  const o = widget({ spec: { n: 3, f: 0.25, b: false, list: ['a', 'b'], map: { z: 1, a: '<b>' }, empty: '', nil: null } });
  assert.equal(cellOf('string', '.spec.n', o), '3');
  assert.equal(cellOf('string', '.spec.f', o), '0.25');
  assert.equal(cellOf('string', '.spec.b', o), 'false');
  assert.equal(cellOf('string', '.spec.list', o), '["a","b"]');
  assert.equal(cellOf('string', '.spec.map', o), '{"a":"\\u003cb\\u003e","z":1}');
  assert.equal(cellOf('string', '.spec.empty', o), '');
  // A JSON null is found and printed as Go's text/template prints an invalid value.
  assert.equal(cellOf('string', '.spec.nil', o), '<no value>');
  assert.equal(cellOf('string', '.spec.missing', o), null);
  assert.equal(cellOf('string', '.metadata.name', o), 'w1');
});

test('only the first of several results fills a cell; evaluation errors leave it nil', () => {
  const o = widget({ spec: { tags: ['x', 'y'], n: 1 } });
  assert.equal(cellOf('string', '.spec.tags[*]', o), 'x');
  assert.equal(cellOf('string', '.spec.tags[5]', o), null);
  assert.equal(cellOf('integer', '.spec.n[0]', o), null);
  // Non-string typed columns with a list value are nil.
  assert.equal(cellOf('integer', '.spec.tags', o), null);
  assert.equal(cellOf('boolean', '.spec.n', o), null);
});

test('date cells are ages the server computes', () => {
  const o = widget({
    status: {
      at: '2024-05-01T09:00:00Z', offset: '2024-05-01T13:55:00+02:00', frac: '2024-04-29T12:00:00.5Z',
      bad: 'yesterday', empty: '', future: '2024-05-01T12:10:00Z', n: 5,
    },
  });
  assert.equal(cellOf('date', '.status.at', o), '3h');
  assert.equal(cellOf('date', '.status.offset', o), '5m');
  assert.equal(cellOf('date', '.status.frac', o), '47h');
  assert.equal(cellOf('date', '.status.bad', o), '<invalid>');
  assert.equal(cellOf('date', '.status.empty', o), '<unknown>');
  assert.equal(cellOf('date', '.status.future', o), '<invalid>');
  assert.equal(cellOf('date', '.status.n', o), null);
  assert.equal(cellOf('date', '.status.missing', o), null);
});

test('an unknown column type leaves cells nil', () => {
  assert.equal(cellOf('object', '.metadata.name', widget()), null);
});

test('a jsonPath that does not parse ends the columns there', () => {
  const t = customResourceTable([
    { name: 'A', type: 'string', jsonPath: '.spec.a' },
    { name: 'Bad', type: 'string', jsonPath: '.spec[' },
    { name: 'C', type: 'string', jsonPath: '.spec.c' },
  ]);
  assert.equal(t.error, 'unrecognized column definition ".spec["');
  assert.deepEqual(t.printer.columns.map(c => c.name), ['Name', 'A']);
  assert.deepEqual(t.printer.cells(widget({ spec: { a: 'x', c: 'y' } }), { now: NOW }), ['w1', 'x']);
  assert.equal(customResourceTable([{ name: 'A', type: 'string', jsonPath: '.spec.a' }]).error, undefined);
});

test('scale subresource table: Desired, Available, Age', () => {
  const v: CustomResourceDefinitionVersion = {
    ...version(), subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  };
  const p = customResourceScaleTablePrinter(v);
  assert.deepEqual(p.columns.map(c => [c.name, c.type, c.description]), [
    ['Name', 'string', p.columns[0]!.description],
    ['Desired', 'integer', 'Number of desired replicas'],
    ['Available', 'integer', 'Number of actual replicas'],
    ['Age', 'date', p.columns[3]!.description],
  ]);
  const scale: KubeObject = {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: { name: 'w1', namespace: 'default', creationTimestamp: FIVE_MINUTES_AGO }, spec: { replicas: 3 }, status: { replicas: 2 },
  };
  assert.deepEqual(p.cells(scale, { now: NOW }), ['w1', 3, 2, '5m']);
  assert.deepEqual(customResourceScaleTablePrinter(version()).columns.map(c => c.name), ['Name', 'Age']);
});

test('the Table writer serializes nil cells as null', () => {
  const printer = customResourceTablePrinter(version([{ name: 'Color', type: 'string', jsonPath: '.spec.color' }]));
  const table = toTable({ group: 'example.com', version: 'v1', resource: 'widgets', printer }, [widget()], { includeObject: 'None', now: NOW });
  const json = JSON.parse(JSON.stringify(table)) as { rows: { cells: unknown[] }[]; columnDefinitions: { name: string }[] };
  assert.deepEqual(json.rows[0]!.cells, ['w1', null]);
  assert.deepEqual(json.columnDefinitions.map(c => c.name), ['Name', 'Color']);
});

// The CRD part of `make bench`: the same create/get/list/watch work on a custom resource and on
// ConfigMaps in one run (the ratio is what counts: issue 11 asks for custom resources within 20%
// of ConfigMaps), and the time and memory it takes to apply 10 CRDs of ~400 KiB of schema each.
import { randomBytes, randomInt } from 'node:crypto';
import type { ApiClient } from './api-client.js';
import { runCount, runFor, type Rate } from './pool.js';

const CONCURRENCY = 64;
const LIST_SIZE = 1000;
const PAYLOAD = randomBytes(768).toString('base64');
const GROUP = 'bench.example.com';

export interface CrdBenchResult {
  rows: { name: string; custom: Rate; configMaps: Rate }[];
  bigCRDs: { count: number; schemaBytes: number; seconds: number; rssBeforeBytes: number; rssAfterBytes: number };
}

const nameOf = (i: number) => `o-${String(i).padStart(6, '0')}`;

interface Kind {
  collection(ns: string): string;
  body(ns: string, name: string): string;
}

const configMaps: Kind = {
  collection: ns => `/api/v1/namespaces/${ns}/configmaps`,
  body: (ns, name) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { payload: PAYLOAD } }),
};

const widgets: Kind = {
  collection: ns => `/apis/${GROUP}/v1/namespaces/${ns}/benchwidgets`,
  body: (ns, name) => JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'BenchWidget', metadata: { name, namespace: ns }, data: { payload: PAYLOAD } }),
};

function crd(plural: string, kind: string, properties: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP, scope: 'Namespaced', names: { plural, kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties } } }],
    },
  });
}

/** A schema of about `bytes` of JSON: nested objects of described string fields, as generated CRDs look. */
function bigSchema(bytes: number, seed: number): Record<string, unknown> {
  const field = (i: number) => ({ type: 'string', description: `Field ${i} of generated schema ${seed}. `.repeat(4), maxLength: 253 });
  const group = (g: number) => ({ type: 'object', description: `Group ${g}.`, properties: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field${i}`, field(i)])) });
  const perGroup = JSON.stringify(group(0)).length;
  const groups = Math.max(1, Math.round(bytes / perGroup));
  return { spec: { type: 'object', properties: Object.fromEntries(Array.from({ length: groups }, (_, g) => [`group${g}`, group(g)])) } };
}

async function established(api: ApiClient, name: string, deadlineMs: number): Promise<void> {
  for (;;) {
    const crdObj = JSON.parse((await api.expect(200, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).toString('utf8')) as { status?: { conditions?: { type: string; status: string }[] } };
    if (crdObj.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadlineMs) throw new Error(`bench: ${name} not Established in time`);
    await new Promise(r => setTimeout(r, 20));
  }
}

async function servedWithin(api: ApiClient, path: string, deadlineMs: number): Promise<void> {
  for (;;) {
    const r = await api.request('GET', path);
    if (r.status === 200) return;
    if (Date.now() > deadlineMs) throw new Error(`bench: ${path} not served in time`);
    await new Promise(r2 => setTimeout(r2, 20));
  }
}

async function watchDelivery(api: ApiClient, kind: Kind, ns: string, count: number): Promise<Rate> {
  const rv = (JSON.parse((await api.expect(200, 'GET', kind.collection(ns))).toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>(r => { done = r; });
  const stream = await api.watch(`${kind.collection(ns)}?watch=true&resourceVersion=${rv}`, line => {
    if ((JSON.parse(line) as { type: string }).type === 'ADDED' && ++seen === count) done();
  });
  try {
    const t0 = performance.now();
    const writes = await runCount(CONCURRENCY, count, async i => { await api.expect(201, 'POST', kind.collection(ns), kind.body(ns, nameOf(i))); });
    await all;
    const seconds = (performance.now() - t0) / 1000;
    return { ...writes, seconds, perSecond: count / seconds };
  } finally {
    stream.close();
  }
}

export async function crdBench(api: ApiClient, opts: { n: number; timedMs: number; rss: () => Promise<number> }): Promise<CrdBenchResult> {
  const deadline = Date.now() + 120_000;
  await api.expect(201, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('benchwidgets', 'BenchWidget', { data: { type: 'object', additionalProperties: { type: 'string' } } }));
  await established(api, `benchwidgets.${GROUP}`, deadline);
  await servedWithin(api, widgets.collection('default'), deadline);
  const rows: CrdBenchResult['rows'] = [];
  const both = async (name: string, run: (k: Kind, tag: string) => Promise<Rate>) => {
    const custom = await run(widgets, 'cr');
    const cm = await run(configMaps, 'cm');
    rows.push({ name, custom, configMaps: cm });
    process.stderr.write(`  ${name}: custom ${custom.perSecond.toFixed(0)}/s, configmaps ${cm.perSecond.toFixed(0)}/s\n`);
  };
  for (const tag of ['cr', 'cm']) {
    for (const what of ['', '-list', '-watch']) {
      await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `crdbench-${tag}${what}` } }));
    }
  }
  await both(`create, ${opts.n}`, (k, tag) => runCount(CONCURRENCY, opts.n, async i => { await api.expect(201, 'POST', k.collection(`crdbench-${tag}`), k.body(`crdbench-${tag}`, nameOf(i))); }));
  await both('get (random object)', (k, tag) => runFor(CONCURRENCY, opts.timedMs, async () => { await api.expect(200, 'GET', `${k.collection(`crdbench-${tag}`)}/${nameOf(randomInt(opts.n))}`); }));
  await both(`list of ${LIST_SIZE}`, async (k, tag) => {
    const ns = `crdbench-${tag}-list`;
    await runCount(CONCURRENCY, LIST_SIZE, async i => { await api.expect(201, 'POST', k.collection(ns), k.body(ns, nameOf(i))); });
    return runFor(8, opts.timedMs, async () => { await api.expect(200, 'GET', k.collection(ns)); });
  });
  await both(`watch delivery, ${opts.n}`, (k, tag) => watchDelivery(api, k, `crdbench-${tag}-watch`, opts.n));

  const rssBeforeBytes = await opts.rss();
  const count = 10;
  const bodies = Array.from({ length: count }, (_, i) => crd(`bigs${i}`, `Big${i}`, bigSchema(400 * 1024, i)));
  const t0 = performance.now();
  await Promise.all(bodies.map(b => api.expect(201, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', b)));
  for (let i = 0; i < count; i++) await established(api, `bigs${i}.${GROUP}`, deadline);
  const seconds = (performance.now() - t0) / 1000;
  return { rows, bigCRDs: { count, schemaBytes: bodies.reduce((n, b) => n + b.length, 0), seconds, rssBeforeBytes, rssAfterBytes: await opts.rss() } };
}

export function formatCrd(r: CrdBenchResult): string {
  const lines = ['| custom resources vs ConfigMaps (same run) | custom ops/s | ConfigMap ops/s | custom/ConfigMap |', '|---|---:|---:|---:|'];
  for (const row of r.rows) {
    lines.push(`| ${row.name} | ${row.custom.perSecond.toFixed(0)} | ${row.configMaps.perSecond.toFixed(0)} | ${(row.custom.perSecond / row.configMaps.perSecond).toFixed(2)} |`);
  }
  const b = r.bigCRDs;
  const mib = (x: number) => (x / 1024 / 1024).toFixed(1);
  lines.push('', `${b.count} CRDs with ${mib(b.schemaBytes)} MiB of schema in all: applied and Established in ${b.seconds.toFixed(2)} s; server RSS ${mib(b.rssBeforeBytes)} -> ${mib(b.rssAfterBytes)} MiB (+${mib(b.rssAfterBytes - b.rssBeforeBytes)} MiB)`);
  return lines.join('\n');
}

// The worst single request of each kind from the adversarial campaign (issue 18), with the status
// the server must answer; shared by test/e2e/hardening.test.ts and bench/worst-requests.ts.

export interface WorstRequest {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The status upstream gives, or the 4xx that fits where upstream answers 500. */
  status: number;
}

const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

/** A PodTemplate of about `size` bytes: unlike ConfigMaps (1 MiB of data), nothing validates its size. */
export function bigPodTemplate(name: string, size: number): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name }, template: { spec: { containers: [{ name: 'c', image: 'i', args: ['x'.repeat(size)] }] } } };
}

/** Requests against ConfigMap `name` in namespace `ns`, which must exist with a `data` map. */
export function worstRequests(ns: string, name: string): WorstRequest[] {
  const item = `/api/v1/namespaces/${ns}/configmaps/${name}`;
  const doubling: unknown[] = [{ op: 'add', path: '/metadata/annotations', value: { a: 'x'.repeat(100) } }];
  for (let i = 0; i < 2000; i++) doubling.push({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` });
  const tests = Array.from({ length: 10000 }, () => ({ op: 'test', path: '/metadata/name', value: name }));
  const nesting: unknown[] = [{ op: 'add', path: '/n', value: {} }];
  for (let i = 0; i < 1200; i++) nesting.push({ op: 'add', path: '/t', value: {} }, { op: 'move', from: '/n', path: '/t/c' }, { op: 'move', from: '/t', path: '/n' });
  const deep = 100_000;
  return [
    { name: 'json patch: 2,000 doubling copies', method: 'PATCH', path: item, body: JSON.stringify(doubling), headers: JSON_PATCH, status: 422 },
    { name: 'json patch: 10,000 test operations', method: 'PATCH', path: item, body: JSON.stringify(tests), headers: JSON_PATCH, status: 200 },
    { name: 'json patch: 10,001 operations', method: 'PATCH', path: item, body: JSON.stringify([...tests, tests[0]]), headers: JSON_PATCH, status: 413 },
    { name: 'json patch: moves nesting 1,200 levels', method: 'PATCH', path: item, body: JSON.stringify(nesting), headers: JSON_PATCH, status: 422 },
    { name: 'json patch: move into own child', method: 'PATCH', path: item, body: JSON.stringify([{ op: 'move', from: '/data', path: '/data/x' }]), headers: JSON_PATCH, status: 422 },
    { name: 'json patch: path through __proto__', method: 'PATCH', path: item, body: JSON.stringify([{ op: 'add', path: '/__proto__/x', value: 1 }]), headers: JSON_PATCH, status: 422 },
    { name: 'merge patch nested 100k levels', method: 'PATCH', path: item, body: '{"a":'.repeat(deep) + '1' + '}'.repeat(deep), headers: { 'Content-Type': 'application/merge-patch+json' }, status: 400 },
    { name: 'apply: YAML anchor cycle', method: 'PATCH', path: `${item}?fieldManager=t`, body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: &d\n  x: *d\n`, headers: { 'Content-Type': 'application/apply-patch+yaml' }, status: 400 },
    { name: 'delete: {"dryRun":"All"}', method: 'DELETE', path: item, body: '{"dryRun":"All"}', headers: { 'Content-Type': 'application/json' }, status: 400 },
    { name: 'delete: {"preconditions":{"uid":123}}', method: 'DELETE', path: item, body: '{"preconditions":{"uid":123}}', headers: { 'Content-Type': 'application/json' }, status: 400 },
    { name: 'delete: array body', method: 'DELETE', path: item, body: '[]', headers: { 'Content-Type': 'application/json' }, status: 400 },
    { name: 'create over etcd request limit', method: 'POST', path: `/api/v1/namespaces/${ns}/podtemplates`, body: JSON.stringify(bigPodTemplate(`${name}-big`, 2_200_000)), headers: { 'Content-Type': 'application/json' }, status: 413 },
    { name: 'path escape %ZZ', method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/%ZZ`, status: 400 },
    { name: 'path escape lone %', method: 'GET', path: '/api/v1/%', status: 400 },
    { name: 'unknown field with a 1 MB name (warning)', method: 'PATCH', path: `${item}?fieldValidation=Warn`, body: `{"metadata":{"${'k'.repeat(1024 * 1024)}":1}}`, headers: { 'Content-Type': 'application/merge-patch+json' }, status: 200 },
    { name: '500 KB label selector header', method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps?labelSelector=${'a'.repeat(60)}`, headers: { 'X-Padding': 'p'.repeat(500 * 1024) }, status: 200 },
  ];
}

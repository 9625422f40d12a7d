// API Priority and Fairness with kubectl 1.32: the bootstrap configuration the server keeps, a
// FlowSchema sending one user to a tiny Reject level (its burst gets 429s with Retry-After while
// another user's requests all pass), the X-Kubernetes-PF-* headers, and upstream's 422s.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type HttpResult, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => { s = await startTestServer(); });
after(async () => { await s?.stop(); });

interface Item { metadata: { name: string; uid: string; annotations?: Record<string, string> } }

async function names(resource: string): Promise<Item[]> {
  return (JSON.parse(await s.kubectlOk(['get', resource, '-o', 'json'])) as { items: Item[] }).items;
}

const mandatoryAndSuggestedSchemas = [
  'catch-all', 'endpoint-controller', 'exempt', 'global-default', 'kube-controller-manager', 'kube-scheduler',
  'kube-system-service-accounts', 'probes', 'service-accounts', 'system-leader-election', 'system-node-high', 'system-nodes', 'workload-leader-election',
];
const mandatoryAndSuggestedLevels = ['catch-all', 'exempt', 'global-default', 'leader-election', 'node-high', 'system', 'workload-high', 'workload-low'];

const as = (user: string) => (): Promise<HttpResult> => s.http('GET', '/api/v1/namespaces/default/configmaps', { headers: { 'Impersonate-User': user } });

describe('API Priority and Fairness', () => {
  it('keeps the mandatory and suggested objects with the auto-update annotation', async () => {
    let schemas: Item[] = [];
    for (let i = 0; i < 100 && schemas.length < mandatoryAndSuggestedSchemas.length; i++) {
      schemas = await names('flowschemas');
      if (schemas.length < mandatoryAndSuggestedSchemas.length) await new Promise(r => setTimeout(r, 100));
    }
    assert.deepEqual(schemas.map(o => o.metadata.name).sort(), mandatoryAndSuggestedSchemas);
    const levels = await names('prioritylevelconfigurations');
    assert.deepEqual(levels.map(o => o.metadata.name).sort(), mandatoryAndSuggestedLevels);
    for (const o of [...schemas, ...levels]) assert.equal(o.metadata.annotations?.['apf.kubernetes.io/autoupdate-spec'], 'true', o.metadata.name);
    const table = await s.kubectlOk(['get', 'flowschemas,prioritylevelconfigurations']);
    assert.match(table, /flowschema.flowcontrol.apiserver.k8s.io\/global-default\s+global-default\s+9900\s+ByUser/);
    assert.match(table, /prioritylevelconfiguration.flowcontrol.apiserver.k8s.io\/workload-low\s+Limited\s+100\s+128\s+6\s+50/);
  });

  it('rejects a burst sent to a tiny Reject level with 429 and Retry-After, leaving other users alone', async () => {
    await s.kubectlOk(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'tiny' },
      spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, borrowingLimitPercent: 0, limitResponse: { type: 'Reject' } } },
    }));
    await s.kubectlOk(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'noisy-to-tiny' },
      spec: {
        matchingPrecedence: 500, priorityLevelConfiguration: { name: 'tiny' },
        rules: [{ subjects: [{ kind: 'User', user: { name: 'noisy' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }],
      },
    }));
    const fsUID = await s.kubectlOk(['get', 'flowschema', 'noisy-to-tiny', '-o', 'jsonpath={.metadata.uid}']);
    const plUID = await s.kubectlOk(['get', 'prioritylevelconfiguration', 'tiny', '-o', 'jsonpath={.metadata.uid}']);
    // The controller sees the new objects through its informers: wait for the headers to say so.
    let probe = await as('noisy')();
    for (let i = 0; i < 100 && probe.headers['x-kubernetes-pf-flowschema-uid'] !== fsUID; i++) {
      await new Promise(r => setTimeout(r, 50));
      probe = await as('noisy')();
    }
    assert.equal(probe.headers['x-kubernetes-pf-flowschema-uid'], fsUID);
    assert.equal(probe.headers['x-kubernetes-pf-prioritylevel-uid'], plUID);

    const burst = await Promise.all(Array.from({ length: 80 }, as('noisy')));
    const calm = await Promise.all(Array.from({ length: 80 }, as('calm')));
    const rejected = burst.filter(r => r.status === 429);
    assert.ok(rejected.length > 0, `no 429 among ${burst.map(r => r.status).join(',')}`);
    assert.ok(burst.every(r => r.status === 200 || r.status === 429));
    for (const r of rejected) {
      assert.match(String(r.headers['retry-after']), /^\d+$/);
      assert.equal(r.headers['x-kubernetes-pf-prioritylevel-uid'], plUID);
      assert.match(r.body, /Too many requests, please try again later\./);
    }
    assert.deepEqual(calm.filter(r => r.status !== 200).map(r => r.status), []);
    const globalDefault = await s.kubectlOk(['get', 'flowschema', 'global-default', '-o', 'jsonpath={.metadata.uid}']);
    assert.equal(calm[0]!.headers['x-kubernetes-pf-flowschema-uid'], globalDefault);

    const metrics = await s.http('GET', '/metrics');
    assert.match(metrics.body, /apiserver_flowcontrol_rejected_requests_total\{priority_level="tiny",flow_schema="noisy-to-tiny",reason="concurrency-limit"\} [1-9]/);
    assert.match(metrics.body, /apiserver_flowcontrol_nominal_limit_seats\{priority_level="tiny"\} \d+/);
  });

  it('marks a FlowSchema whose priority level is missing as Dangling', async () => {
    await s.kubectlOk(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'lost' },
      spec: { matchingPrecedence: 600, priorityLevelConfiguration: { name: 'nowhere' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'lost' } }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }] },
    }));
    let reason = '';
    for (let i = 0; i < 100 && reason !== 'NotFound'; i++) {
      reason = await s.kubectlOk(['get', 'flowschema', 'lost', '-o', 'jsonpath={.status.conditions[?(@.type=="Dangling")].reason}']);
      if (reason !== 'NotFound') await new Promise(r => setTimeout(r, 50));
    }
    assert.equal(reason, 'NotFound');
  });

  it('refuses invalid flow schemas and priority levels with 422 and upstream messages', async () => {
    const fs = await s.kubectl(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'bad' },
      spec: { matchingPrecedence: 1, priorityLevelConfiguration: { name: 'tiny' }, rules: [{ subjects: [], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['healthz'] }] }] },
    }) });
    assert.notEqual(fs.code, 0);
    assert.match(fs.stderr, /The FlowSchema "bad" is invalid: /);
    assert.match(fs.stderr, /spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1/);
    assert.match(fs.stderr, /spec.rules\[0\].subjects: Required value: subjects must contain at least one value/);
    assert.match(fs.stderr, /spec.rules\[0\].nonResourceRules\[0\].nonResourceURLs\[0\]: Invalid value: "healthz": must start with slash/);

    const pl = await s.http('POST', '/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'bad' }, spec: { type: 'Limited', limited: { lendablePercent: 150, limitResponse: { type: 'Queue', queuing: { queues: 2, handSize: 3 } } } } }),
    });
    assert.equal(pl.status, 422);
    const causes = pl.json<{ details: { causes: { field: string; message: string }[] } }>().details.causes;
    assert.deepEqual(causes.map(c => `${c.field}: ${c.message}`), [
      'spec.limited.limitResponse.queuing.handSize: Invalid value: 3: should not be greater than queues (2)',
      'spec.limited.lendablePercent: Invalid value: 150: must be between 0 and 100, inclusive',
    ]);
  });
});

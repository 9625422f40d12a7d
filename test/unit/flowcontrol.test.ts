// API Priority and Fairness: validation messages, shuffle sharding, classification, queue sets,
// seat allocation, Retry-After, the config producer and the controller over in-memory storage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionChain } from '../../src/admission/plugin.js';
import { builtinCatalog } from '../../src/api/catalog.js';
import { isApiError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { parseRequestInfo } from '../../src/filters/request-info.js';
import { allocate, nominalLimits } from '../../src/flowcontrol/allocation.js';
import { mandatoryFlowSchemas, suggestedFlowSchemas, suggestedPriorityLevels, mandatoryPriorityLevels } from '../../src/flowcontrol/bootstrap.js';
import { APFController } from '../../src/flowcontrol/controller.js';
import { DroppedRequestsTracker } from '../../src/flowcontrol/dropped-requests.js';
import { ensureBootstrapConfiguration } from '../../src/flowcontrol/ensurer.js';
import { compareFlowSchemas, matchesFlowSchema } from '../../src/flowcontrol/match.js';
import { QueueSet, type Admission, type QueueSetObserver } from '../../src/flowcontrol/queueset.js';
import { dealHand, hashFlowID } from '../../src/flowcontrol/shuffle-sharding.js';
import { AUTO_UPDATE_ANNOTATION, type FlowSchema } from '../../src/flowcontrol/types.js';
import { validateFlowSchema, validatePriorityLevelConfiguration } from '../../src/flowcontrol/validation.js';
import { Stores } from '../../src/server/stores.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';

const digest = (method: string, path: string, name: string, groups: string[]) =>
  ({ info: parseRequestInfo(method, path, new URLSearchParams()), user: { name, groups } });
const quiet: QueueSetObserver = { rejected() {}, dispatched() {}, executing() {}, waiting() {} };

describe('flowcontrol validation', () => {
  it('reports upstream field paths and messages for a bad FlowSchema', () => {
    const causes = validateFlowSchema({
      metadata: { name: 'bad' },
      spec: {
        matchingPrecedence: 1, priorityLevelConfiguration: { name: '' }, distinguisherMethod: { type: 'ByGroup' },
        rules: [{ subjects: [{ kind: 'User' }], resourceRules: [{ verbs: ['get', '*'], apiGroups: [], resources: ['pods'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['healthz', '/a/*/b'] }] }],
      },
    });
    const msgs = causes.map(c => `${c.field}: ${c.message}`);
    assert.deepEqual(msgs, [
      "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
      'spec.distinguisherMethod.type: Unsupported value: flowcontrol.FlowDistinguisherMethod{Type:"ByGroup"}: supported values: "ByNamespace", "ByUser"',
      'spec.priorityLevelConfiguration.name: Required value: must reference a priority level',
      "spec.rules[0].subjects[0].user: Required value: user is required when subject kind is 'User'",
      `spec.rules[0].resourceRules[0].verbs: Invalid value: []string{"get", "*"}: if '*' is present, must not specify other verbs`,
      'spec.rules[0].resourceRules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: Invalid value: "healthz": must start with slash',
      'spec.rules[0].nonResourceRules[0].nonResourceURLs[1]: Invalid value: "/a/*/b": wildcard can only do suffix matching',
    ]);
  });

  it('reports queuing, lending and type errors of a PriorityLevelConfiguration', () => {
    const causes = validatePriorityLevelConfiguration({
      metadata: { name: 'pl' },
      spec: { type: 'Limited', limited: { nominalConcurrencyShares: -1, lendablePercent: 101, borrowingLimitPercent: -2, limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 5, queueLengthLimit: 0 } } } },
    });
    assert.deepEqual(causes.map(c => `${c.field}: ${c.message}`), [
      'spec.limited.nominalConcurrencyShares: Invalid value: -1: must be a non-negative integer',
      'spec.limited.limitResponse.queuing.queueLengthLimit: Invalid value: 0: must be positive',
      'spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)',
      'spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive',
      'spec.limited.borrowingLimitPercent: Invalid value: -2: if specified, must be a non-negative integer',
    ]);
    const exempt = validatePriorityLevelConfiguration({ metadata: { name: 'x' }, spec: { type: 'Exempt' } });
    assert.deepEqual(exempt.map(c => c.message), ['Invalid value: "Exempt": type must be \'Exempt\' if and only if name is \'exempt\'']);
  });

  it('accepts every bootstrap object', () => {
    for (const o of [...mandatoryFlowSchemas(), ...suggestedFlowSchemas()]) assert.deepEqual(validateFlowSchema(o), [], o.metadata.name);
    for (const o of [...mandatoryPriorityLevels(), ...suggestedPriorityLevels()]) assert.deepEqual(validatePriorityLevelConfiguration(o), [], o.metadata.name);
  });
});

describe('shuffle sharding', () => {
  it('deals distinct in-range cards, the same hand for the same flow', () => {
    for (let i = 0; i < 200; i++) {
      const hash = hashFlowID('fs', `user-${i}`);
      const hand = dealHand(hash, 64, 6);
      assert.equal(new Set(hand).size, 6);
      assert.ok(hand.every(c => c >= 0 && c < 64));
      assert.deepEqual(dealHand(hashFlowID('fs', `user-${i}`), 64, 6), hand);
    }
    assert.notEqual(hashFlowID('fs', 'a'), hashFlowID('fs', 'b'));
    // Small hashes deal the lowest free cards in order.
    assert.deepEqual(dealHand(0n, 8, 3), [0, 1, 2]);
  });
});

describe('classification', () => {
  const schemas = [...mandatoryFlowSchemas(), ...suggestedFlowSchemas()].sort(compareFlowSchemas);
  const classify = (d: ReturnType<typeof digest>) => schemas.find(s => matchesFlowSchema(d, s))?.metadata.name;
  it('follows matching precedence over the bootstrap schemas', () => {
    assert.equal(classify(digest('GET', '/api/v1/pods', 'admin', ['system:masters', 'system:authenticated'])), 'exempt');
    assert.equal(classify(digest('GET', '/healthz', 'system:anonymous', ['system:unauthenticated'])), 'probes');
    assert.equal(classify(digest('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x', 'system:kube-scheduler', ['system:authenticated'])), 'system-leader-election');
    assert.equal(classify(digest('GET', '/api/v1/nodes/n1', 'system:node:n1', ['system:nodes', 'system:authenticated'])), 'system-node-high');
    assert.equal(classify(digest('GET', '/api/v1/pods', 'system:node:n1', ['system:nodes', 'system:authenticated'])), 'system-nodes');
    assert.equal(classify(digest('GET', '/api/v1/namespaces/kube-system/pods', 'system:serviceaccount:kube-system:x', ['system:serviceaccounts', 'system:authenticated'])), 'kube-system-service-accounts');
    assert.equal(classify(digest('GET', '/api/v1/namespaces/a/pods', 'system:serviceaccount:a:x', ['system:serviceaccounts', 'system:authenticated'])), 'service-accounts');
    assert.equal(classify(digest('GET', '/api/v1/namespaces/a/pods', 'alice', ['system:authenticated'])), 'global-default');
  });
});

describe('QueueSet', () => {
  it('rejects past the limit without queues', async () => {
    const qs = new QueueSet({ queues: 0, handSize: 0, queueLengthLimit: 0 }, 2, quiet);
    const start = () => qs.start({ flowSchema: 'f', hash: 0n, seats: 1, waitLimitMs: 1000 });
    const a = await start();
    const b = await start();
    assert.equal(await start(), 'concurrency-limit');
    (a as Admission).release();
    assert.notEqual(typeof (await start()), 'string');
    (b as Admission).release();
  });

  it('queues up to the length limit, then rejects, and times out waiters', async () => {
    const qs = new QueueSet({ queues: 1, handSize: 1, queueLengthLimit: 1 }, 1, quiet);
    const held = await qs.start({ flowSchema: 'f', hash: 1n, seats: 1, waitLimitMs: 1000 }) as Admission;
    const waiting = qs.start({ flowSchema: 'f', hash: 1n, seats: 1, waitLimitMs: 1000 });
    assert.equal(await qs.start({ flowSchema: 'f', hash: 1n, seats: 1, waitLimitMs: 1000 }), 'queue-full');
    held.release();
    const second = await waiting as Admission;
    assert.equal(typeof second.release, 'function');
    assert.equal(await qs.start({ flowSchema: 'f', hash: 1n, seats: 1, waitLimitMs: 20 }), 'time-out');
    second.release();
    assert.ok(qs.isIdle());
  });
});

describe('seat allocation', () => {
  it('splits the server limit by shares, with lending and borrowing bounds', () => {
    const limits = nominalLimits([...mandatoryPriorityLevels(), ...suggestedPriorityLevels()], 600);
    assert.deepEqual(limits.get('workload-low'), { nominalCL: 245, minCL: 24, maxCL: 845 });
    assert.deepEqual(limits.get('catch-all'), { nominalCL: 13, minCL: 13, maxCL: 613 });
    assert.deepEqual(limits.get('exempt'), { nominalCL: 0, minCL: 0, maxCL: 600 });
  });

  it('gives levels a common multiple of their targets within bounds', () => {
    const out = allocate(100, [{ lower: 10, upper: 100, target: 10 }, { lower: 5, upper: 20, target: 90 }, { lower: 0, upper: 100, target: 30 }]);
    assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 100) < 1e-6);
    assert.equal(Math.round(out[1]!), 20);
    assert.ok(Math.abs(out[2]! / out[0]! - 3) < 1e-6);
  });
});

describe('Retry-After', () => {
  it('doubles under sustained rejections and shrinks when they stop', () => {
    let t = 1000;
    const tracker = new DroppedRequestsTracker(() => t);
    assert.equal(tracker.retryAfter('pl'), 1);
    for (; t < 1003; t++) for (let i = 0; i < 10; i++) tracker.record('pl');
    tracker.record('pl');
    assert.ok(tracker.retryAfter('pl') >= 2);
    const high = tracker.retryAfter('pl');
    t += 100;
    tracker.record('pl');
    assert.equal(tracker.retryAfter('pl'), high - 1);
  });
});

describe('config producer and controller', () => {
  const setup = () => {
    const stores = new Stores(builtinCatalog(), new MemoryStorage(), '/registry', new AdmissionChain([]));
    return {
      flowSchemas: stores.builtin('flowcontrol.apiserver.k8s.io', 'flowschemas'),
      priorityLevels: stores.builtin('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations'),
    };
  };

  it('creates the bootstrap objects, restores auto-updated specs and removes unknown annotated objects', async () => {
    const s = setup();
    await ensureBootstrapConfiguration(s);
    const names = (await s.flowSchemas.list('', {})).items.map(o => o.metadata.name).sort();
    assert.deepEqual(names, [...mandatoryFlowSchemas(), ...suggestedFlowSchemas()].map(o => o.metadata.name).sort());
    assert.equal((await s.priorityLevels.list('', {})).items.length, 8);
    assert.ok((await s.flowSchemas.list('', {})).items.every(o => o.metadata.annotations?.[AUTO_UPDATE_ANNOTATION] === 'true'));
    await s.flowSchemas.update('', 'global-default', '', c => ({ ...c!, spec: { ...(c!['spec'] as object), matchingPrecedence: 9800 } }), { dryRun: false });
    await s.flowSchemas.update('', 'service-accounts', '', c => ({ ...c!, metadata: { ...c!.metadata, annotations: { [AUTO_UPDATE_ANNOTATION]: 'false' } }, spec: { ...(c!['spec'] as object), matchingPrecedence: 8000 } }), { dryRun: false });
    await s.flowSchemas.create('', { metadata: { name: 'stale', annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } }, spec: { matchingPrecedence: 50, priorityLevelConfiguration: { name: 'system' } } }, { dryRun: false });
    await ensureBootstrapConfiguration(s);
    const spec = async (n: string) => (await s.flowSchemas.get('', n))['spec'] as FlowSchema['spec'];
    assert.equal((await spec('global-default')).matchingPrecedence, 9900);
    assert.equal((await spec('service-accounts')).matchingPrecedence, 8000);
    await assert.rejects(s.flowSchemas.get('', 'stale'), e => isApiError(e) && e.code === 404);
  });

  it('classifies by stored schemas, marks dangling ones, and rejects past a tiny level', async () => {
    const s = setup();
    await ensureBootstrapConfiguration(s);
    await s.priorityLevels.create('', { metadata: { name: 'tiny' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, borrowingLimitPercent: 0, limitResponse: { type: 'Reject' } } } }, { dryRun: false });
    const flow = (name: string, level: string, user: string): KubeObject => ({
      metadata: { name },
      spec: { matchingPrecedence: 500, priorityLevelConfiguration: { name: level }, rules: [{ subjects: [{ kind: 'User', user: { name: user } }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }] },
    });
    await s.flowSchemas.create('', flow('to-tiny', 'tiny', 'noisy'), { dryRun: false });
    await s.flowSchemas.create('', flow('nowhere', 'missing', 'lost'), { dryRun: false });
    const ctl = new APFController({ ...s, serverConcurrencyLimit: 600 });
    await ctl.start();
    try {
      const noisy = digest('GET', '/version', 'noisy', ['system:authenticated']);
      assert.equal(ctl.classify(noisy).flowSchema.metadata.name, 'to-tiny');
      assert.equal(ctl.classify(digest('GET', '/version', 'lost', ['system:authenticated'])).flowSchema.metadata.name, 'global-default');
      const limit = ctl.currentLimit('tiny')!;
      assert.ok(limit >= 1 && limit <= 3, String(limit));
      const results = await Promise.all(Array.from({ length: limit + 2 }, () => ctl.admit(noisy, { seats: 1, waitLimitMs: 100 })));
      assert.equal(results.filter(r => 'rejected' in r).length, 2);
      for (const r of results) if ('admitted' in r) r.admitted.release();
      let status: unknown;
      for (let i = 0; i < 100 && !status; i++) {
        await new Promise(r => setTimeout(r, 10));
        status = ((await s.flowSchemas.get('', 'nowhere'))['status'] as FlowSchema['status'])?.conditions?.find(c => c.type === 'Dangling');
      }
      assert.deepEqual({ ...(status as object), lastTransitionTime: undefined }, {
        type: 'Dangling', status: 'True', reason: 'NotFound', lastTransitionTime: undefined,
        message: 'This FlowSchema references the PriorityLevelConfiguration object named "missing" but there is no such object',
      });
    } finally {
      ctl.stop();
    }
  });
});

// API Priority and Fairness work estimation: seats for lists from stored object counts, for
// writes from their watch fan-out, the trackers behind them, and a queue set holding a write's
// final seats past its end, and a level lent down to no seats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo } from '../../src/filters/request-info.js';
import { ObjectCountTracker } from '../../src/flowcontrol/object-count-tracker.js';
import { QueueSet, type Admission, type QueueSetObserver } from '../../src/flowcontrol/queueset.js';
import { WatchTracker } from '../../src/flowcontrol/watch-tracker.js';
import { estimateWork, type WorkEstimatorDeps } from '../../src/flowcontrol/work-estimator.js';

const observer: QueueSetObserver = { rejected() {}, dispatched() {}, executing() {}, waiting() {} };

const info = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  return { info: parseRequestInfo(method, u.pathname, u.searchParams), query: u.searchParams };
};

function deps(counts: Record<string, number | 'stale'>, watches = 0): WorkEstimatorDeps {
  return { objectCount: key => counts[key] ?? 'not-found', interestedWatches: () => watches };
}

const seats = (method: string, url: string, d: WorkEstimatorDeps, levelMax = 0) => {
  const { info: i, query } = info(method, url);
  return estimateWork(i, query, levelMax, d);
};

describe('list work estimator', () => {
  const d = deps({ pods: 2500, 'deployments.apps': 350, configmaps: 'stale' });

  it('charges a cached list one seat per 100 stored objects, capped at 10', () => {
    assert.equal(seats('GET', '/apis/apps/v1/deployments', d).initialSeats, 4);
    assert.equal(seats('GET', '/api/v1/pods', d).initialSeats, 10);
  });

  it('charges a paged list from storage twice its limit, plus the whole store with a selector', () => {
    assert.equal(seats('GET', '/apis/apps/v1/deployments?limit=100', d).initialSeats, 2);
    assert.equal(seats('GET', '/apis/apps/v1/deployments?limit=100&labelSelector=a%3Db', d).initialSeats, 5);
    // resourceVersion=0 with a limit is still served by the cache: the whole store.
    assert.equal(seats('GET', '/apis/apps/v1/deployments?limit=100&resourceVersion=0', d).initialSeats, 4);
  });

  it('gives one seat to gets, unknown resources and watches without initial events', () => {
    assert.equal(seats('GET', '/api/v1/namespaces/a/pods/p', d).initialSeats, 1);
    assert.equal(seats('GET', '/api/v1/secrets', d).initialSeats, 1);
    assert.equal(seats('GET', '/api/v1/pods?watch=true', d).initialSeats, 1);
    assert.equal(seats('GET', '/apis/apps/v1/deployments?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan', d).initialSeats, 4);
  });

  it('assumes the worst for a stale count or an unparsable limit, within the level cap', () => {
    assert.equal(seats('GET', '/api/v1/configmaps', d).initialSeats, 10);
    assert.equal(seats('GET', '/apis/apps/v1/deployments?limit=x', d).initialSeats, 10);
    assert.equal(seats('GET', '/api/v1/configmaps', d, 3).initialSeats, 3);
  });
});

describe('mutating work estimator', () => {
  it('holds no extra seats below ten interested watches', () => {
    assert.deepEqual(seats('POST', '/api/v1/namespaces/a/configmaps', deps({}, 9)), { initialSeats: 1, finalSeats: 0, additionalLatencyMs: 0 });
  });

  it('holds a seat per ten watches for 5 ms, reshaped longer when capped', () => {
    assert.deepEqual(seats('PUT', '/api/v1/namespaces/a/configmaps/c', deps({}, 35)), { initialSeats: 1, finalSeats: 4, additionalLatencyMs: 5 });
    const capped = seats('DELETE', '/api/v1/namespaces/a/configmaps/c', deps({}, 400));
    assert.equal(capped.finalSeats, 10);
    assert.equal(capped.additionalLatencyMs, 20);
  });

  it('charges other verbs and non-resource requests one seat', () => {
    assert.equal(seats('DELETE', '/api/v1/namespaces/a/configmaps', deps({}, 400)).finalSeats, 0);
    assert.equal(seats('GET', '/healthz', deps({}, 400)).initialSeats, 1);
  });
});

describe('trackers', () => {
  it('object counts go stale after three minutes and ignore failed counts', () => {
    let t = 0;
    const c = new ObjectCountTracker(() => t);
    assert.equal(c.get('pods'), 'not-found');
    c.set('pods', 7);
    c.set('pods', -1);
    assert.equal(c.get('pods'), 7);
    t = 3 * 60_000 + 1;
    assert.equal(c.get('pods'), 'stale');
  });

  it('counts the watches a write reaches: all namespaces, its namespace, its name', () => {
    const w = new WatchTracker();
    const forgetAll = w.register(info('GET', '/api/v1/configmaps?watch=1').info);
    w.register(info('GET', '/api/v1/namespaces/a/configmaps?watch=1').info);
    w.register(info('GET', '/api/v1/namespaces/b/configmaps?watch=1').info);
    w.register(info('GET', '/api/v1/namespaces/a/secrets?watch=1').info);
    const write = info('PUT', '/api/v1/namespaces/a/configmaps/c').info;
    assert.equal(w.interested(write), 2);
    forgetAll();
    forgetAll();
    assert.equal(w.interested(write), 1);
  });
});

describe('queue set final seats', () => {
  it('keeps a write\'s final seats for its additional latency after release', async () => {
    const qs = new QueueSet({ queues: 4, handSize: 2, queueLengthLimit: 10 }, 4, observer);
    const write = await qs.start({ flowSchema: 'f', hash: 1n, seats: 1, finalSeats: 3, additionalLatencyMs: 30, waitLimitMs: 1000 }) as Admission;
    assert.equal(qs.executingSeats, 3);
    write.release();
    assert.equal(qs.executingSeats, 3);
    await new Promise(r => setTimeout(r, 60));
    assert.equal(qs.executingSeats, 0);
  });
});

describe('queue set lent down to no seats', () => {
  it('still dispatches one request at a time, as upstream does for a request wider than the limit', async () => {
    const qs = new QueueSet({ queues: 4, handSize: 2, queueLengthLimit: 10 }, 0, observer);
    const first = await qs.start({ flowSchema: 'f', hash: 1n, seats: 1, waitLimitMs: 1000 }) as Admission;
    const second = qs.start({ flowSchema: 'f', hash: 2n, seats: 1, waitLimitMs: 1000 });
    assert.equal(qs.waitingRequests, 1);
    first.release();
    assert.equal(typeof (await second), 'object');
    assert.equal(qs.executingRequests, 1);
  });
});

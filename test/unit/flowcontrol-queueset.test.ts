// Fair queuing in one priority level (upstream's queueset), on a fake clock: the virtual time R,
// the charge of a request's real service time, and the order in which a light flow's requests
// pass a heavy flow's backlog.
import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { describe, it } from 'node:test';
import { QueueSet, type Admission, type Clock, type QueueSetObserver, type QueuingConfig } from '../../src/flowcontrol/queueset.js';
import { dealHand, hashFlowID } from '../../src/flowcontrol/shuffle-sharding.js';

class FakeClock implements Clock {
  t = 0;
  now(): number { return this.t; }
}

/** Lets the dispatched requests' promises settle (the fake clock does not move). */
const settle = () => new Promise(resolve => setImmediate(resolve));

const globalDefault: QueuingConfig = { queues: 128, handSize: 6, queueLengthLimit: 50 };

/** A queue set on a fake clock that records which flow each dispatch served, in order. */
function harness(limit: number, config: QueuingConfig, hashOf: (flow: string) => bigint = f => hashFlowID('global-default', f)) {
  const clock = new FakeClock();
  const dispatched: string[] = [];
  const observer: QueueSetObserver = { rejected() {}, dispatched: fs => dispatched.push(fs), executing() {}, waiting() {} };
  const qs = new QueueSet(config, limit, observer, clock);
  /** Admitted requests in dispatch order, not yet released. */
  const running: { flow: string; admission: Admission }[] = [];
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const submit = (flow: string) => {
    const started = qs.start({ flowSchema: flow, hash: hashOf(flow), seats: 1, waitLimitMs: 60_000, signal: abort.signal });
    void Promise.resolve(started).then(r => { if (typeof r !== 'string') running.push({ flow, admission: r }); });
  };
  /** Ends the oldest running request after `ms` of execution. */
  const finishOldest = async (ms: number) => {
    await settle();
    clock.t += ms;
    running.shift()!.admission.release();
    await settle();
  };
  const done = () => {
    abort.abort();
    for (const r of running.splice(0)) r.admission.release();
  };
  return { clock, qs, dispatched, running, submit, finishOldest, done };
}

describe('queue set virtual time', () => {
  it('advances R by the seats in use or asked for, shared by the active queues, up to the limit', async () => {
    // Hand size 1 of 8 queues: hash n is queue n.
    const h = harness(3, { queues: 8, handSize: 1, queueLengthLimit: 10 }, f => BigInt(f === 'a' ? 0 : 1));
    h.submit('a');
    for (let i = 0; i < 4; i++) h.submit('b');
    await settle();
    assert.equal(h.qs.executingRequests, 3);
    assert.equal(h.qs.waitingRequests, 2);
    // 5 seats wanted, 3 available, 2 active queues: 1.5 seat-seconds per second.
    h.clock.t = 1000;
    assert.equal(h.qs.virtualTime(), 1.5);
    // a's request ends and one of b's takes its seat: b alone is active, with all 3 seats.
    h.running.shift()!.admission.release();
    await settle();
    assert.equal(h.qs.waitingRequests, 1);
    h.clock.t = 2000;
    assert.equal(h.qs.virtualTime(), 4.5);
    h.done();
    await settle();
    assert.ok(h.qs.isIdle());
    h.clock.t = 5000;
    assert.equal(h.qs.virtualTime(), 4.5, 'R stands still while nothing is active');
  });

  it('charges each queue its real service time, so a flow of slow requests gets fewer dispatches', async () => {
    const h = harness(1, { queues: 8, handSize: 1, queueLengthLimit: 100 }, f => BigInt(f === 'slow' ? 0 : 1));
    for (let i = 0; i < 60; i++) { h.submit('slow'); h.submit('fast'); }
    for (let i = 0; i < 60; i++) {
      await settle();
      await h.finishOldest(h.running[0]!.flow === 'slow' ? 30 : 10);
    }
    const served = h.dispatched.slice(10, 60);
    const fast = served.filter(f => f === 'fast').length;
    const slow = served.length - fast;
    // Equal seat-time: three 10 ms requests for each 30 ms one.
    assert.ok(fast >= 2.5 * slow && fast <= 3.5 * slow, `fast ${fast}, slow ${slow}`);
    h.done();
  });
});

describe('queue set with a heavy flow backlog', () => {
  it('deals the bench flows of global-default distinct queues: the heavy flow 6, each light flow its own', () => {
    const hand = (user: string) => dealHand(hashFlowID('global-default', user), 128, 6);
    const heavy = new Set(hand('heavy'));
    assert.equal(heavy.size, 6);
    for (let i = 0; i < 4; i++) assert.ok(hand(`light-${i}`).some(q => !heavy.has(q)), `light-${i}`);
  });

  it('spreads 80 queued requests of one flow over its hand, within the queue length limit', async () => {
    const h = harness(4, globalDefault);
    for (let i = 0; i < 80; i++) h.submit('heavy');
    await settle();
    assert.equal(h.qs.executingRequests, 4);
    assert.equal(h.qs.waitingRequests, 76);
    h.done();
  });

  it('dispatches a light flow\'s request, arriving at an empty queue, ahead of a heavy flow\'s backlog of 80', async () => {
    const h = harness(4, globalDefault);
    const refill = () => { while (h.qs.waitingRequests + h.qs.executingRequests < 80) h.submit('heavy'); };
    refill();
    // The heavy flow alone for a while: each request executes 20 ms, one ends every 5 ms.
    for (let i = 0; i < 50; i++) { await h.finishOldest(5); refill(); }
    // Now a light flow with one request at a time.
    const ahead: number[] = [];
    for (let round = 0; round < 20; round++) {
      const before = h.dispatched.length;
      h.submit('light');
      await settle();
      while (!h.running.some(r => r.flow === 'light')) { await h.finishOldest(5); refill(); }
      ahead.push(h.dispatched.indexOf('light', before) - before);
      assert.ok(h.qs.waitingRequests >= 70, 'the heavy backlog is still there');
      // The light request runs its 20 ms among the heavy ones, then the flow sends the next.
      const light = h.running.findIndex(r => r.flow === 'light');
      h.clock.t += 20;
      h.running.splice(light, 1)[0]!.admission.release();
      await settle();
      refill();
      // Think time: 40 ms of heavy traffic before the light flow's next request.
      for (let i = 0; i < 8; i++) { await h.finishOldest(5); refill(); }
    }
    // Fair queuing lets each heavy queue whose virtual start trails R (at most its 6) go once
    // before the light request; none of the backlog behind them does. With upstream's fixed 3 ms
    // charge this run lets up to 8 go ahead.
    assert.ok(Math.max(...ahead) <= 3, ahead.join(','));
    assert.ok(ahead.reduce((x, y) => x + y, 0) / ahead.length <= 2, ahead.join(','));
    h.done();
  });
});

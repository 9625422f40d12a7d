// The --worker-processes supervisor with fake workers: staggered start, crash restarts with
// backoff, start-up failures, graceful drain on SIGTERM and the second-signal cut-off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { superviseWorkers, usableCpus, workerCount, workerIndex, WORKER_ENV, type SupervisorOptions, type WorkerProcess } from '../../src/server/workers.js';
import { identityLeaseName } from '../../src/controllers/apiserver-identity.js';

class FakeWorker implements WorkerProcess {
  static nextPid = 100;
  readonly pid = FakeWorker.nextPid++;
  readonly signals: string[] = [];
  private exit: ((code: number | null, signal: string | null) => void) | undefined;
  private serving: (() => void) | undefined;
  constructor(readonly index: number, private readonly onTerm: 'exit' | 'hang' = 'exit') {}
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL') this.die(null, 'SIGKILL');
    else if (this.onTerm === 'exit') setImmediate(() => this.die(0, null));
  }
  onExit(cb: (code: number | null, signal: string | null) => void): void { this.exit = cb; }
  onServing(cb: () => void): void { this.serving = cb; }
  serve(): void { this.serving?.(); }
  die(code: number | null, signal: string | null): void {
    const cb = this.exit;
    this.exit = undefined;
    cb?.(code, signal);
  }
}

function harness(count: number, extra: Partial<SupervisorOptions> = {}, onTerm: 'exit' | 'hang' = 'exit') {
  const forked: FakeWorker[] = [];
  const signals = new EventEmitter();
  const done = superviseWorkers({
    count, drainTimeoutMs: 50, restartDelayMs: 5, maxRestartDelayMs: 20, stableAfterMs: 60_000,
    fork: index => { const w = new FakeWorker(index, onTerm); forked.push(w); return w; },
    signals: { once: (sig: string, fn: () => void) => { signals.once(sig, fn); return process; } } as Pick<NodeJS.Process, 'once'>,
    ...extra,
  });
  return { forked, signals, done };
}

const tick = (ms = 0) => new Promise(r => setTimeout(r, ms));

test('workerCount: 0 picks min(CPUs, 4); a positive flag is taken as is', () => {
  assert.equal(workerCount(0, 2), 2);
  assert.equal(workerCount(0, 16), 4);
  assert.equal(workerCount(0, 1), 1);
  assert.equal(workerCount(1, 16), 1);
  assert.equal(workerCount(6, 2), 6);
});

test('usableCpus: a cgroup v2 CPU quota caps the CPUs seen, rounded up', () => {
  assert.equal(usableCpus('max 100000\n', 8), 8);
  assert.equal(usableCpus('200000 100000\n', 8), 2);
  assert.equal(usableCpus('150000 100000', 8), 2);
  assert.equal(usableCpus('50000 100000', 8), 1);
  assert.equal(usableCpus('1600000 100000', 8), 8);
  assert.equal(usableCpus(undefined, 3), 3);
});

test('workerIndex reads the index only inside a cluster worker', () => {
  assert.equal(workerIndex(false, { [WORKER_ENV]: '1' }), undefined);
  assert.equal(workerIndex(true, { [WORKER_ENV]: '1' }), 1);
  assert.equal(workerIndex(true, { [WORKER_ENV]: 'x' }), undefined);
  assert.equal(workerIndex(true, {}), undefined);
});

test('identity leases: worker 0 keeps the single-process name, the others get their own', () => {
  assert.equal(identityLeaseName('node-a', 0), identityLeaseName('node-a'));
  const names = new Set([0, 1, 2].map(i => identityLeaseName('node-a', i)));
  assert.equal(names.size, 3);
  for (const n of names) assert.match(n, /^apiserver-[a-z2-7]{26}$/);
});

test('worker 0 starts alone; the rest start once it serves', async () => {
  const h = harness(3);
  assert.deepEqual(h.forked.map(w => w.index), [0]);
  h.forked[0]!.serve();
  assert.deepEqual(h.forked.map(w => w.index), [0, 1, 2]);
  // A second report (e.g. after a restart) starts nothing more.
  h.forked[0]!.serve();
  assert.equal(h.forked.length, 3);
  h.signals.emit('SIGTERM');
  assert.equal(await h.done, 0);
});

test('a crashed worker is restarted at the same index, with a growing delay', async () => {
  const h = harness(2);
  h.forked[0]!.serve();
  h.forked[1]!.serve();
  h.forked[1]!.die(1, null);
  await tick(15);
  assert.deepEqual(h.forked.map(w => w.index), [0, 1, 1]);
  h.forked[2]!.die(null, 'SIGSEGV');
  // The second crash in a row waits 10 ms, not 5.
  await tick(6);
  assert.equal(h.forked.length, 3);
  await tick(15);
  assert.deepEqual(h.forked.map(w => w.index), [0, 1, 1, 1]);
  h.signals.emit('SIGTERM');
  assert.equal(await h.done, 0);
});

test('SIGTERM drains every live worker at once and cancels pending restarts', async () => {
  const h = harness(3, { restartDelayMs: 1000 });
  h.forked[0]!.serve();
  h.forked[2]!.serve();
  h.forked[2]!.die(1, null);
  h.signals.emit('SIGTERM');
  assert.equal(await h.done, 0);
  assert.deepEqual(h.forked.map(w => w.signals), [['SIGTERM'], ['SIGTERM'], []]);
  assert.equal(h.forked.length, 3);
});

test('workers that do not drain in time are killed and the exit code is 1', async () => {
  const h = harness(2, {}, 'hang');
  h.forked[0]!.serve();
  h.signals.emit('SIGINT');
  assert.equal(await h.done, 1);
  for (const w of h.forked) assert.deepEqual(w.signals, ['SIGTERM', 'SIGKILL']);
});

test('a second signal kills the draining workers at once', async () => {
  const h = harness(2, { drainTimeoutMs: 60_000 }, 'hang');
  h.forked[0]!.serve();
  h.signals.emit('SIGTERM');
  h.signals.emit('SIGTERM');
  assert.equal(await h.done, 1);
  for (const w of h.forked) assert.deepEqual(w.signals, ['SIGTERM', 'SIGKILL']);
});

test('a worker that fails before it ever served ends the server with its exit code', async () => {
  const h = harness(3);
  h.forked[0]!.die(1, null);
  assert.equal(await h.done, 1);
  assert.equal(h.forked.length, 1);

  const later = harness(2);
  later.forked[0]!.serve();
  later.forked[1]!.die(3, null);
  assert.equal(await later.done, 3);
  assert.deepEqual(later.forked[0]!.signals, ['SIGTERM']);
});

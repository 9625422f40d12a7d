// --worker-processes: the primary process forks N workers that share the secure port through
// node:cluster (the primary accepts and hands connections round-robin). Each worker is a full
// server on the same etcd, like one replica of a multi-apiserver control plane. The primary
// serves nothing itself: it restarts crashed workers and turns SIGTERM/SIGINT into a graceful
// drain of all of them.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { log } from '../observability/logger.js';

/** Tells a forked worker its index (0 runs the once-per-machine loops). */
export const WORKER_ENV = 'KUBE_APISERVER_WORKER_INDEX';
/** The default when --worker-processes is 0: beyond a few workers etcd, not the CPU, limits. */
export const MAX_DEFAULT_WORKERS = 4;

/**
 * CPUs this process may use: the ones it sees, capped by a cgroup v2 CPU quota (cpu.max, e.g. a
 * container's CPU limit) rounded up, so a Pod limited to 2 CPUs on a 64-core node forks 2.
 */
export function usableCpus(cpuMax = readCpuMax(), cpus = availableParallelism()): number {
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  if (!(q > 0) || !(p > 0)) return cpus;
  return Math.max(1, Math.min(cpus, Math.ceil(q / p)));
}

function readCpuMax(): string | undefined {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
  } catch {
    return undefined;
  }
}

/** The number of processes to run: the flag, or min(usable CPUs, 4) when it is 0. */
export function workerCount(flag: number, cpus = usableCpus()): number {
  return flag > 0 ? flag : Math.max(1, Math.min(cpus, MAX_DEFAULT_WORKERS));
}

/** This process's worker index, or undefined for a single process or the primary. */
export function workerIndex(isWorker = cluster.isWorker, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!isWorker) return undefined;
  const n = Number(env[WORKER_ENV]);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

const SERVING = 'kube-apiserver-worker-serving';

/** Called by a worker once it listens: the primary starts the next worker then. */
export function reportServing(): void {
  process.send?.({ kind: SERVING });
}

/** What the supervisor needs of a worker process; node:cluster's Worker in production. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  onServing(cb: () => void): void;
}

export interface SupervisorOptions {
  count: number;
  /** After SIGTERM, workers still running this long are killed (the shutdown delay plus a drain). */
  drainTimeoutMs: number;
  /** First restart delay after a crash; doubled per crash in a row, up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A worker that ran this long before crashing is restarted at the first delay again. */
  stableAfterMs?: number;
  fork?: (index: number) => WorkerProcess;
  /** Where SIGTERM and SIGINT arrive (the process in production). */
  signals?: Pick<NodeJS.Process, 'once'>;
}

function clusterFork(index: number): WorkerProcess {
  const w = cluster.fork({ [WORKER_ENV]: String(index) });
  return {
    get pid() { return w.process.pid; },
    kill: signal => { w.process.kill(signal); },
    onExit: cb => { w.once('exit', cb); },
    onServing: cb => { w.on('message', (m: unknown) => { if ((m as { kind?: unknown } | null)?.kind === SERVING) cb(); }); },
  };
}

interface Slot {
  index: number;
  worker: WorkerProcess | undefined;
  startedAt: number;
  crashes: number;
  restart: NodeJS.Timeout | undefined;
  /** Whether this slot's worker ever reported serving: a failure before that is a start-up error. */
  served: boolean;
}

/**
 * Runs `count` workers until SIGTERM or SIGINT, then drains them all at once (each fails
 * /readyz, waits out --shutdown-delay-duration and closes). Worker 0 starts first and the others
 * once it serves, so a bad flag or file is reported once: a worker that exits before it ever
 * served ends the whole server with its exit code, as a failed start-up of one process does.
 * Resolves with the exit code: 0 when every worker ended on its own after a signal, 1 when one
 * had to be killed or a second signal cut the drain short.
 */
export function superviseWorkers(opts: SupervisorOptions): Promise<number> {
  const fork = opts.fork ?? clusterFork;
  const signals = opts.signals ?? process;
  const firstDelay = opts.restartDelayMs ?? 500;
  const maxDelay = opts.maxRestartDelayMs ?? 30_000;
  const stableAfter = opts.stableAfterMs ?? 60_000;
  const slots: Slot[] = Array.from({ length: opts.count }, (_, index) => ({ index, worker: undefined, startedAt: 0, crashes: 0, restart: undefined, served: false }));
  let stopping = false;
  let exitCode = 0;
  let drainTimer: NodeJS.Timeout | undefined;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>(resolve => { resolveDone = resolve; });
  const finish = (code: number) => { clearTimeout(drainTimer); resolveDone(code); };

  const allExited = () => slots.every(s => s.worker === undefined);
  const start = (slot: Slot) => {
    slot.restart = undefined;
    const worker = fork(slot.index);
    slot.worker = worker;
    slot.startedAt = Date.now();
    log.info('Started worker process', { worker: slot.index, pid: worker.pid });
    worker.onServing(() => {
      const first = !slot.served;
      slot.served = true;
      if (first && slot.index === 0 && !stopping) for (const s of slots.slice(1)) start(s);
    });
    worker.onExit((code, signal) => {
      slot.worker = undefined;
      if (stopping) {
        if (code !== 0) exitCode = 1;
        if (allExited()) finish(exitCode);
        return;
      }
      if (!slot.served) {
        log.error('Worker process failed to start, stopping', { worker: slot.index, code, signal });
        exitCode = code === null || code === 0 ? 1 : code;
        drain('worker start-up failure');
        return;
      }
      slot.crashes = Date.now() - slot.startedAt >= stableAfter ? 1 : slot.crashes + 1;
      const delay = Math.min(maxDelay, firstDelay * 2 ** (slot.crashes - 1));
      log.error('Worker process exited, restarting it', { worker: slot.index, pid: worker.pid, code, signal, restartInMs: delay });
      slot.restart = setTimeout(() => start(slot), delay);
    });
  };

  const drain = (reason: string) => {
    if (stopping) {
      // A second signal ends the drain, as upstream exits on the second one.
      log.info('Received a second shutdown signal, killing the workers', { reason });
      for (const s of slots) s.worker?.kill('SIGKILL');
      finish(1);
      return;
    }
    stopping = true;
    log.info('Draining the worker processes', { reason });
    for (const s of slots) {
      clearTimeout(s.restart);
      s.worker?.kill('SIGTERM');
    }
    if (allExited()) return finish(exitCode);
    drainTimer = setTimeout(() => {
      const left = slots.filter(s => s.worker !== undefined);
      if (left.length === 0) return;
      log.error('Worker processes did not drain in time, killing them', { workers: left.map(s => s.index).join(',') });
      for (const s of left) s.worker?.kill('SIGKILL');
      exitCode = 1;
    }, opts.drainTimeoutMs);
  };
  const onSignal = (sig: NodeJS.Signals) => () => { drain(sig); signals.once(sig, onSignal(sig)); };
  signals.once('SIGTERM', onSignal('SIGTERM'));
  signals.once('SIGINT', onSignal('SIGINT'));

  start(slots[0]!);
  return done;
}
